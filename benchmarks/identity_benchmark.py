"""Identity benchmarks: live-check latency, Splink's stock predict_between, batch re-linking, accuracy, FEBRL.

Run (accuracy, FEBRL, and a 100,000-record register by default; --million adds the live check against a
1,000,000-record register, which needs several GB of memory; --million-only runs just that; --live-only and
--batch-only run one section at the sizes given):

    .venv/bin/python benchmarks/identity_benchmark.py [--million | --million-only] [--probes 200] [--stock-probes 10]
    .venv/bin/python benchmarks/identity_benchmark.py --live-only 100000 1000000
    .venv/bin/python benchmarks/identity_benchmark.py --batch-only 1000000

Everything is measured in the same run on the same machine and printed; nothing is cached between runs.
"""

from __future__ import annotations

import argparse
import logging
import resource
import statistics
import time
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import recordlinkage as rl
from splink import DuckDBAPI, Linker

from parity.identity.batch import relink
from parity.identity.evaluation import evaluate_records
from parity.identity.generator import generate_records
from parity.identity.intake import prepare_records
from parity.identity.live import SplinkIdentityResolver
from parity.identity.metrics import linkage_metrics
from parity.identity.model import NAME_FREQUENCY_COLUMN, IdentityModel, train_model
from parity.identity.model_input import model_rows_table
from parity.identity.records import IdentityRecord

TODAY = date(2026, 1, 1)
FEBRL_DIR = Path("/work/shared/data/record-linkage-benchmarks/febrl")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def live_and_stock(register_size: int, probes: int, stock_probes: int, model: IdentityModel) -> None:
    """Live-check latency against a register, and Splink's stock predict_between on the same register and probes."""
    started = time.perf_counter()
    labelled = generate_records(register_size + probes, seed=31)
    register, later = labelled[:register_size], labelled[register_size:]
    print(f"[{register_size:,}] generated {len(labelled):,} records in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    resolver = SplinkIdentityResolver(model, today=TODAY)
    resolver.add([r.record for r in register])
    print(f"[{register_size:,}] register normalised and indexed in {time.perf_counter() - started:.1f} s")

    people_in_register = {r.true_person_id for r in register}
    latencies, considered, found = [], [], 0
    for probe in later:
        started = time.perf_counter()
        result = resolver.check(probe.record)
        latencies.append((time.perf_counter() - started) * 1000)
        considered.append(result.candidates_considered)
        truth = {r.record.record_id for r in register if r.true_person_id == probe.true_person_id}
        found += bool(truth & {c.record_id for c in result.flagged})
    print(
        f"[{register_size:,}] live check over {probes} probes: p50={percentile(latencies, 0.5):.1f} ms "
        f"p95={percentile(latencies, 0.95):.1f} ms max={max(latencies):.1f} ms; "
        f"median candidates scored={statistics.median(considered):.0f}; probes with a true match flagged={found} "
        f"of {sum(p.true_person_id in people_in_register for p in later)} whose person is in the register"
    )

    # Splink's stock path: the register and the probe as Splink tables, blocking with the model's own exploding
    # rule over the same keys, term frequencies registered from the same register, the same prior.
    db_api = DuckDBAPI(duckdb.connect())
    register_rows = resolver.register_rows
    register_table = db_api.register(register_rows, dataset_display_name="register")
    linker = Linker(register_table, model.settings_for_register(register_rows.num_rows), log_level=logging.WARNING)
    linker.table_management.compute_tf_table(NAME_FREQUENCY_COLUMN)
    stock_ms, ours_ms, worst_difference = [], [], 0.0
    for index, probe in enumerate(later[:stock_probes]):
        normalised = prepare_records([probe.record], TODAY).usable
        if not normalised:
            continue
        probe_table = db_api.register(resolver.probe_row(normalised[0]), dataset_display_name=f"probe_{index}")
        started = time.perf_counter()
        stock = linker.inference.predict_between(register_table, probe_table, warning_mode="never").as_record_list()
        stock_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        ours = resolver.check(probe.record)
        ours_ms.append((time.perf_counter() - started) * 1000)
        stock_weights = {row["record_id_l"]: row["match_weight"] for row in stock}
        for candidate in ours.candidates:
            if candidate.record_id in stock_weights:
                worst_difference = max(
                    worst_difference, abs(candidate.match_weight - stock_weights[candidate.record_id])
                )
            elif candidate.decided_by == "match_weight":
                worst_difference = float("inf")
    print(
        f"[{register_size:,}] stock predict_between over {len(stock_ms)} probes: "
        f"median={statistics.median(stock_ms):.0f} ms; "
        f"live check on the same probes: median={statistics.median(ours_ms):.1f} ms; "
        f"speed-up={statistics.median(stock_ms) / statistics.median(ours_ms):.0f}x; "
        f"largest match-weight difference on shared candidates={worst_difference:.2e}"
    )

    # Intake: each boat of 5 is checked, then added; adding must not grow with the register.
    adds_ms = []
    for start in range(0, len(later), 5):
        boat = [r.record for r in later[start : start + 5]]
        resolver.check_all(boat)
        started = time.perf_counter()
        resolver.add(boat)
        adds_ms.append((time.perf_counter() - started) * 1000)
    print(
        f"[{register_size:,}] adding {len(adds_ms)} boats of 5 after their check: "
        f"p50={percentile(adds_ms, 0.5):.2f} ms p95={percentile(adds_ms, 0.95):.2f} ms"
    )


def batch(register_size: int, model: IdentityModel) -> None:
    labelled = generate_records(register_size, seed=41)
    started = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        print(
            f"    {time.perf_counter() - started:7.1f} s {stage} {done:,}/{total:,} (peak {peak:.1f} GiB)", flush=True
        )

    result = relink([r.record for r in labelled], model, today=TODAY, progress=progress)
    elapsed = time.perf_counter() - started
    truth = {r.record.record_id: r.true_person_id for r in labelled}
    metrics = linkage_metrics(result.cluster_of, truth)
    # ru_maxrss is in KiB on Linux: the process's peak resident memory, generation included.
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(
        f"[{register_size:,}] batch re-link in {elapsed:.1f} s ({len(result.links):,} links); "
        f"peak memory {peak_gib:.1f} GiB; {metrics.summary_line()}"
    )


def generator_accuracy(model: IdentityModel) -> None:
    for size, seed in ((2_000, 2), (20_000, 3)):
        labelled = generate_records(size, seed=seed)
        truth = {r.record.record_id: r.true_person_id for r in labelled}
        report = evaluate_records([r.record for r in labelled], truth, model, today=TODAY)
        print(f"generator {size:,} records (seed {seed}): {report.overall.summary_line()}")
        for group, metrics in report.by_nationality.items():
            if metrics.records >= 100:
                print(f"    {group} ({metrics.records} records): {metrics.summary_line()}")


def read_febrl(name: str) -> pd.DataFrame:
    frame = pd.read_csv(FEBRL_DIR / name, skipinitialspace=True, dtype=str, keep_default_na=False)
    frame["person"] = frame["rec_id"].str.extract(r"rec-(\d+)-")[0]
    return frame.set_index("rec_id")


def febrl_date(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def ecm_baseline(frame: pd.DataFrame) -> tuple[float, float, float]:
    """recordlinkage's ECM classifier on the fields our model uses: given name, surname, date of birth, id number."""
    indexer = rl.Index()
    for column in ("given_name", "surname", "date_of_birth"):
        indexer.block(column)
    pairs = indexer.index(frame)
    compare = rl.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("soc_sec_id", "soc_sec_id", label="soc_sec_id")
    features = compare.compute(pairs, frame)
    predicted = {frozenset(pair) for pair in rl.ECMClassifier().fit_predict(features)}
    person = frame["person"].to_dict()
    true_pairs = {
        frozenset((a, b)) for _, ids in frame.groupby("person").groups.items() for a in ids for b in ids if a < b
    }
    correct = sum(1 for pair in predicted if len({person[r] for r in pair}) == 1)
    precision = correct / len(predicted) if predicted else 1.0
    recall = correct / len(true_pairs)
    return precision, recall, 2 * precision * recall / (precision + recall)


def febrl() -> None:
    for name in ("dataset1.csv", "dataset2.csv", "dataset3.csv"):
        frame = read_febrl(name)
        records = [
            IdentityRecord(
                rec_id, row.given_name, row.surname, febrl_date(row.date_of_birth), "AUS", "", row.soc_sec_id
            )
            for rec_id, row in frame.iterrows()
        ]
        rows = model_rows_table(prepare_records(records, TODAY).usable)
        # Unsupervised, as ECM is: the same comparisons, parameters estimated by EM on this file alone.
        model = train_model(rows, labels=None)
        truth = frame["person"].to_dict()
        ours = evaluate_records(records, truth, model, today=TODAY).overall
        precision, recall, f1 = ecm_baseline(frame)
        print(
            f"FEBRL {name}: ours (EM) {ours.summary_line()} | recordlinkage ECM precision={precision:.4f} "
            f"recall={recall:.4f} f1={f1:.4f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--million", action="store_true", help="also run the 1,000,000-record register (live check)")
    parser.add_argument("--million-only", action="store_true", help="only the 1,000,000-record live check")
    parser.add_argument("--accuracy-only", action="store_true", help="only the generator and FEBRL accuracy")
    parser.add_argument("--batch-only", type=int, metavar="RECORDS", help="only batch re-linking of this many records")
    parser.add_argument("--live-only", type=int, nargs="+", metavar="RECORDS", help="only the live check, these sizes")
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--stock-probes", type=int, default=10)
    arguments = parser.parse_args()
    model = IdentityModel.bundled_default()
    print(f"model {model.version}")
    if arguments.batch_only:
        batch(arguments.batch_only, model)
        return
    if arguments.live_only:
        for size in arguments.live_only:
            live_and_stock(size, arguments.probes, arguments.stock_probes, model)
        return
    if arguments.accuracy_only:
        generator_accuracy(model)
        febrl()
        return
    if not arguments.million_only:
        generator_accuracy(model)
        febrl()
        live_and_stock(100_000, arguments.probes, arguments.stock_probes, model)
        batch(100_000, model)
    if arguments.million or arguments.million_only:
        live_and_stock(1_000_000, arguments.probes, arguments.stock_probes, model)


if __name__ == "__main__":
    main()
