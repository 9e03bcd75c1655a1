"""Is the match probability on an identity flag calibrated? Measured the way the product uses it.

Labelled generated records arrive one by one; each is checked with the live check (``SplinkIdentityResolver``)
against the records before it, then added, as intake does (``parity.identity.evaluation.intake_outcomes``). For
every candidate returned (weight >= 0, or the same fingerprints) and for every flag (at or above the threshold):
the probability shown, the match weight, the register's size at the time, and whether it is the same person.

    .venv/bin/python benchmarks/identity_calibration.py [--cache DIR] [--fit]

Prints reliability tables (bins of displayed probability: count, mean displayed, share true), Brier score and log
loss, on the held-out sets, for the uncalibrated probability 2^w/(1+2^w), for the model file's calibration if it has
one, and with ``--fit`` for calibrations fitted on the development sets (on the weight alone, and on the weight and
log2 of the register size). ``parity identity calibrate`` writes a fitted section into a model file. Intake
outcomes depend only on the weights, so ``--cache`` keeps them per weights version.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np

from parity.identity.calibration import (
    Calibration,
    IntakeOutcomes,
    Reliability,
    fit_calibration,
    probability_from_weight,
    reliability,
)
from parity.identity.evaluation import intake_outcomes
from parity.identity.generator import generate_records
from parity.identity.model import IdentityModel

TODAY = date(2026, 1, 1)
# (records, seed): development sets (the threshold was chosen on them) and held-out sets, as in docs/identity.md.
DEVELOPMENT = ((2_000, 102), (10_000, 103), (20_000, 3))
HELD_OUT = ((2_000, 101), (10_000, 104), (20_000, 105))
WELL_POPULATED = 30


def outcomes_for(size: int, seed: int, model: IdentityModel, cache: Path | None) -> IntakeOutcomes:
    # The weights decide what is returned; the calibration only what is shown, which is recomputed here.
    weights_version = replace(model, calibration=None).version
    target = cache / f"intake-{weights_version}-{size}-{seed}.npz" if cache else None
    if target is not None and target.exists():
        with np.load(target) as saved:
            return IntakeOutcomes(*(saved[name] for name in IntakeOutcomes.__dataclass_fields__))
    started = time.perf_counter()
    outcomes = intake_outcomes(generate_records(size, seed), model, today=TODAY)
    print(f"# intake {size} records, seed {seed}: {time.perf_counter() - started:.0f} s", flush=True)
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        np.savez(target, **{name: getattr(outcomes, name) for name in IntakeOutcomes.__dataclass_fields__})
    return outcomes


def print_table(title: str, measured: Reliability) -> None:
    print(f"\n{title}: {measured.count} candidates, Brier {measured.brier:.4f}, log loss {measured.log_loss:.4f}")
    print("| displayed | count | mean displayed | share true |")
    print("|---|---|---|---|")
    for b in measured.bins:
        print(f"| {b.low:.2f}-{b.high:.2f} | {b.count} | {b.mean_displayed:.3f} | {b.share_true:.3f} |")


def report(name: str, outcomes: IntakeOutcomes, calibrations: dict[str, Calibration]) -> None:
    by_weight = outcomes.where(~outcomes.biometric)
    biometric = outcomes.where(outcomes.biometric)
    print(
        f"\n## {name}: {len(outcomes.match_weight)} candidates, {int(outcomes.flagged.sum())} flagged, "
        f"{len(biometric.match_weight)} by fingerprints (share true {biometric.same_person.mean():.3f})"
    )
    for population, mask in (
        ("flags (by weight)", by_weight.flagged),
        ("all candidates (by weight)", np.ones_like(by_weight.flagged)),
    ):
        chosen = by_weight.where(mask)
        before = np.array([probability_from_weight(w) for w in chosen.match_weight])
        measured = reliability(before, chosen.same_person)
        print_table(f"{population}, uncalibrated 2^w/(1+2^w)", measured)
        print(f"mean gap over bins of {WELL_POPULATED}+: {measured.mean_absolute_gap(WELL_POPULATED):.3f}")
        for label, calibration in calibrations.items():
            after = np.array(
                [calibration.probability(w, n) for w, n in zip(chosen.match_weight, chosen.register_size, strict=True)]
            )
            measured = reliability(after, chosen.same_person)
            print_table(f"{population}, {label}", measured)
            print(f"mean gap over bins of {WELL_POPULATED}+: {measured.mean_absolute_gap(WELL_POPULATED):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=None, help="keep each set's intake outcomes here")
    parser.add_argument("--model", type=Path, default=None, help="model file (default: the bundled one)")
    parser.add_argument("--fit", action="store_true", help="fit a calibration on the development sets")
    parser.add_argument("--held-out-only", action="store_true")
    arguments = parser.parse_args()
    model = IdentityModel.load(arguments.model) if arguments.model else IdentityModel.bundled_default()
    print(f"# model {model.version}, weights of {replace(model, calibration=None).version}")
    calibrations: dict[str, Calibration] = {}
    if model.calibration is not None:
        calibrations["calibration in the model file"] = model.calibration
    if arguments.fit:
        development = IntakeOutcomes.concatenate(
            [outcomes_for(size, seed, model, arguments.cache) for size, seed in DEVELOPMENT]
        )
        calibrations["fitted on weight"] = fit_calibration(development)
        calibrations["fitted on weight and log2 register size"] = fit_calibration(development, use_register_size=True)
        for label, calibration in calibrations.items():
            print(f"# {label}: {json.dumps(calibration.to_document())}")
        if not arguments.held_out_only:
            report("development, all", development, calibrations)
    for size, seed in HELD_OUT:
        report(f"held out: {size} records, seed {seed}", outcomes_for(size, seed, model, arguments.cache), calibrations)


if __name__ == "__main__":
    main()
