"""Which evidence in the records moves F1: the bundled model on registers generated with one corruption rate changed
at a time (issue 5's F1 target, 0.98, against 0.92 on the generator as it is).

The model is not retrained: the question is what the same model reaches when the records carry more (or less)
evidence, which tells where the shortfall comes from and what a scheme's data collection would change. Each row is
one register per seed, deduplicated as ``parity identity evaluate`` does (threshold and clustering unchanged).

    .venv/bin/python benchmarks/identity_sensitivity.py [--records 10000] [--seeds 104 105]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from dataclasses import replace

from parity.identity.evaluation import evaluate_records
from parity.identity.generator import CorruptionRates, generate_records
from parity.identity.metrics import LinkageMetrics
from parity.identity.model import IdentityModel

BASE = CorruptionRates()
# One change at a time, each a plausible difference in how records are taken; the last row takes them together.
VARIANTS: dict[str, CorruptionRates] = {
    "as generated": BASE,
    **{
        f"fingerprints on {rate:.0%} of records (50%)": replace(BASE, biometric_taken=rate)
        for rate in (0.6, 0.7, 0.8, 0.9)
    },
    "a document on 90% of records (50%)": replace(BASE, document_shown=0.9),
    "date of birth always recorded (10% missing)": replace(BASE, dob_missing=0.0),
    "no other transliteration (45%)": replace(BASE, other_spelling=0.0),
    "no typing errors (12%)": replace(BASE, typo=0.0),
    "names never swapped (12%)": replace(BASE, swapped_order=0.0),
    "fingerprints 90%, document 90%, date always": replace(
        BASE, biometric_taken=0.9, document_shown=0.9, dob_missing=0.0
    ),
}


def measured(records: int, seed: int, rates: CorruptionRates, model: IdentityModel) -> LinkageMetrics:
    labelled = generate_records(records, seed, rates)
    report = evaluate_records(
        [item.record for item in labelled], {item.record.record_id: item.true_person_id for item in labelled}, model
    )
    return report.overall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[104, 105])
    arguments = parser.parse_args()
    model = IdentityModel.bundled_default()
    print(f"machine: {platform.node()} {platform.machine()} Python {platform.python_version()}; model {model.version}")
    print(f"{arguments.records:,} records, seeds {arguments.seeds}; mean over seeds of precision / recall / F1 / FM")
    started = time.perf_counter()
    for name, rates in VARIANTS.items():
        runs = [measured(arguments.records, seed, rates, model) for seed in arguments.seeds]
        precision, recall, f1, false_merge = (
            statistics.mean(getattr(run, field) for run in runs)
            for field in ("precision", "recall", "f1", "false_merge_rate")
        )
        print(f"  {name:<46} {precision:.4f} / {recall:.4f} / {f1:.4f} / {false_merge:.4f}", flush=True)
    print(f"done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
