"""`parity identity calibrate-from-decisions`: refit the probability shown on identity flags to people's decisions.

`parity identity calibrate` fits the model file's calibration section on simulated intake; this command fits the
same two parameters, with the same fit (`parity.identity.calibration.fit_calibration`), to the flags caseworkers
have decided: each flag's match weight and whether they answered "same person". It reads the database
(PARITY_DATABASE_URL) through the services, which audit the read; what it reads is no personal data (weights,
answers, model versions, dates), and the new file keeps the weights and threshold, so every flag stays as it is.
It lives here rather than in `parity.identity.cli` because the identity package is a library that never reaches
the store or the services.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import numpy as np
import numpy.typing as npt
import typer

from parity.bootstrap import build_services
from parity.config import Settings
from parity.identity.calibration import (
    CALIBRATION_METHOD,
    MIN_DECISIONS,
    MIN_EACH_ANSWER,
    Calibration,
    Reliability,
    fit_calibration_to_decisions,
    reliability,
)
from parity.services.identity import decisions_for_calibration

if TYPE_CHECKING:
    from parity.identity.model import IdentityModel


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=1)


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _fail(f"{option} takes YYYY-MM-DD, not {text!r}") from None


def _print_reliability(title: str, measured: Reliability) -> None:
    typer.echo(f"\n{title}: {measured.count} decisions, Brier {measured.brier:.4f}, log loss {measured.log_loss:.4f}")
    typer.echo("| shown | decisions | mean shown | share same person |")
    typer.echo("|---|---|---|---|")
    for b in measured.bins:
        typer.echo(f"| {b.low:.2f}-{b.high:.2f} | {b.count} | {b.mean_displayed:.3f} | {b.share_true:.3f} |")


def calibrate_from_decisions_command(
    output: Annotated[Path, typer.Argument(help="Model file to write, or a directory to name it after its version.")],
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            help="The model file in use (its weights decide which flags count); default: PARITY_IDENTITY_MODEL, "
            "else the bundled model.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    same_weights_models: Annotated[
        list[Path] | None,
        typer.Option(
            "--same-weights-model",
            help="An earlier model file with the same weights but another calibration, whose flags count too "
            "(checked); repeat for more.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    since: Annotated[str | None, typer.Option(help="Only flags decided on or after this date (YYYY-MM-DD).")] = None,
    fitted_on: Annotated[
        str | None, typer.Option(help="Date recorded as when the calibration was fitted (YYYY-MM-DD); default today.")
    ] = None,
) -> None:
    """Refit the probability shown on flags to the flags people decided, and write the model with that calibration.

    Counts the flags decided by a person on the match weight (not those decided by fingerprints) that were raised
    under a model with the same weights and threshold as --model. Refuses with fewer than 200 such decisions or
    fewer than 20 of either answer. Prints the decisions' reliability table under the current calibration and under
    the new one; the weights, the threshold and so the flags are unchanged. Review the tables before deploying the
    file.
    """
    # Splink and DuckDB load with the model, so only when the command runs (the CLI imports this module on every start).
    from parity.identity.model import IdentityModel

    settings = Settings.from_environment()
    path = model or settings.identity_model
    current = IdentityModel.load(path) if path else IdentityModel.bundled_default()
    versions = set(current.versions_with_these_weights())
    for other_path in same_weights_models or []:
        other = IdentityModel.load(other_path)
        if other.weights_version != current.weights_version:
            raise _fail(
                f"{other_path} has other weights or another threshold (weights version {other.weights_version}, "
                f"not {current.weights_version}): its flags cannot be mixed with these"
            )
        versions.add(other.version)
    since_date = _date(since, "--since")
    when = _date(fitted_on, "--fitted-on") or datetime.now(UTC).date()

    services = build_services(settings)
    decided = decisions_for_calibration(
        services,
        versions,
        since=None if since_date is None else datetime.combine(since_date, time(0, 0), tzinfo=UTC),
    )
    typer.echo(
        f"{len(decided.pairs)} decided flags (basis: match weight) under models {', '.join(sorted(versions))}: "
        f"{decided.same_person} same person, {decided.not_same_person} not the same person"
    )
    weights = np.array([weight for weight, _ in decided.pairs], dtype=np.float64)
    answers = np.array([same for _, same in decided.pairs], dtype=np.bool_)
    first, last = decided.first_decided_at, decided.last_decided_at
    provenance = {
        "fit": f"{CALIBRATION_METHOD}; Newton's method, no penalty, on the match weight alone (the register's size "
        "is not stored with a flag)",
        "data": "decided flags: identity flags decided by a person on the match weight (flags decided by "
        "fingerprints left out)",
        "decisions": len(decided.pairs),
        "same_person": decided.same_person,
        "not_same_person": decided.not_same_person,
        "decided_from": first.date().isoformat() if first else None,
        "decided_to": last.date().isoformat() if last else None,
        "since": since_date.isoformat() if since_date else None,
        "decisions_by_model": dict(decided.by_model_version),
        "weights_of_model": current.weights_version,
        "models_with_these_weights": sorted(versions),
        "refitted_from_model": current.version,
        "fitted_on": when.isoformat(),
        "caveats": "labels only at or above the threshold (it calibrates flags); answers may lean on the "
        "probability shown; review the reliability table before deploying",
    }
    try:
        calibration = fit_calibration_to_decisions(weights, answers, provenance=provenance)
    except ValueError as error:
        raise _fail(
            f"{error}. (Minimum: {MIN_DECISIONS} decisions, {MIN_EACH_ANSWER} of each answer; see docs/identity.md, "
            "'Calibration of the probability shown'.)"
        ) from None
    _report(current, calibration, weights, answers)
    calibrated = replace(current, calibration=calibration)
    written = calibrated.save(output)
    typer.echo(
        f"\ncalibration: intercept={calibration.intercept} weight_coefficient={calibration.weight_coefficient} "
        f"(was {current.calibration.intercept if current.calibration else 0.0} and "
        f"{current.calibration.weight_coefficient if current.calibration else 1.0})"
    )
    typer.echo(
        f"model version {calibrated.version} written to {written} (weights version {calibrated.weights_version}, "
        "unchanged: the same flags). Review the tables above before deploying it."
    )


def _report(
    current: IdentityModel, calibration: Calibration, weights: npt.NDArray[np.float64], answers: npt.NDArray[np.bool_]
) -> None:
    # The register's size when each flag was raised is not stored: the current file's probability is taken at its
    # reference size (the same for every flag when its calibration has no size term, as the bundled one has none).
    before = np.array([current.match_probability(w, current.reference_register_size) for w in weights])
    after = np.array([calibration.probability(w, current.reference_register_size) for w in weights])
    _print_reliability(f"Before (model {current.version})", reliability(before, answers))
    _print_reliability("After (refitted on these decisions)", reliability(after, answers))
