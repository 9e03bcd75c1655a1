"""How far the generator's records allow deduplication to go: a check of the F1 target (issue 5), not of speed.

Our Splink model reaches pairwise F1 0.92 on the generator against a target of 0.98. This script asks whether a
better model of the same records could, by comparing on the same held-out sets:

* **Splink**: the bundled model, clustered as ``relink`` clusters, at several thresholds;
* **supervised**: a gradient-boosted classifier (scikit-learn) trained on the labelled pairs of a separate
  development set, given everything the Splink model sees (each comparison's level, the name's frequency on both
  sides, the match weight) and what a pairwise model cannot see: how many strong candidates each record has and
  where this pair ranks among them. Its log-odds replace the match weight; clustering is the same;
* **blocking ceiling**: every true pair among the blocked pairs linked, every false one left out (the recall
  no model scoring these candidates can pass).

    .venv/bin/python benchmarks/identity_ceiling.py [--train 20000 3] [--test 10000 104 --test 2000 101]

All pairs whose weight bound reaches -15 are scored (far below any threshold), so both models see the same pairs.
"""

from __future__ import annotations

import argparse
import logging
import platform
import time
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
from sklearn.ensemble import HistGradientBoostingClassifier
from splink import DuckDBAPI, Linker

from parity.identity.batch import relink
from parity.identity.blocking import without_crowded_keys
from parity.identity.clustering import ConstrainedClusters
from parity.identity.generator import generate_records
from parity.identity.intake import prepare_records
from parity.identity.metrics import LinkageMetrics, linkage_metrics
from parity.identity.model import IdentityModel
from parity.identity.model_input import model_rows_table

LOWEST_WEIGHT_SCORED = -15.0
# A pair at or above this weight counts as a strong candidate of its records (context features).
STRONG_CANDIDATE_WEIGHT = -4.0
THRESHOLDS = (-2.0, -1.0, 0.0, 0.5, 1.0, 2.0, 3.0)
COMPARISONS = ("name", "dob", "nationality", "sex", "document_number")


@dataclass
class LabelledPairs:
    """The scored pairs of one generated register, with features, labels and what clustering needs."""

    size: int
    seed: int
    records: list  # the usable records, in the order clustering sees them
    truth: dict[str, str]
    pairs: pd.DataFrame  # record_id_l, record_id_r, match_weight, gamma_*, tf_*, same
    biometric_links: list[tuple[str, str]]


def labelled_pairs(size: int, seed: int, model: IdentityModel) -> LabelledPairs:
    labelled = generate_records(size, seed)
    records = [item.record for item in labelled]
    truth = {item.record.record_id: item.true_person_id for item in labelled}
    scored = relink(records, replace(model, match_weight_threshold=LOWEST_WEIGHT_SCORED))
    by_weight = [(link.left_id, link.right_id) for link in scored.links if link.decided_by == "match_weight"]
    biometric = [(link.left_id, link.right_id) for link in scored.links if link.decided_by == "biometric"]
    usable = prepare_records(records).usable
    pairs = _comparison_levels(usable, by_weight, model)
    pairs["same"] = [truth[a] == truth[b] for a, b in zip(pairs.record_id_l, pairs.record_id_r, strict=True)]
    return LabelledPairs(size, seed, usable, truth, pairs, biometric)


def _comparison_levels(usable: list, pairs: list[tuple[str, str]], model: IdentityModel) -> pd.DataFrame:
    """Splink's own predict on exactly these pairs, keeping each comparison's level and the term frequencies."""
    rows = without_crowded_keys(model_rows_table(usable)).rows
    connection = duckdb.connect()
    db_api = DuckDBAPI(connection)
    linker = Linker(
        db_api.register(rows, table_name="rows"), model.settings_for_register(rows.num_rows), log_level=logging.WARNING
    )
    left, right = zip(*pairs, strict=True) if pairs else ((), ())
    blocked = pa.table({"match_key": ["0"] * len(pairs), "join_key_l": list(left), "join_key_r": list(right)})
    linker.table_management.register_blocked_pairs_for_predict(db_api.register(blocked, table_name="blocked"))
    predictions = linker.inference.predict(threshold_match_weight=-100, warning_mode="never")
    columns = ", ".join(
        ["record_id_l", "record_id_r", "match_weight", "tf_skeleton_sorted_l", "tf_skeleton_sorted_r"]
        + [f"gamma_{c}" for c in COMPARISONS]
    )
    return connection.execute(f"SELECT {columns} FROM {predictions.physical_name}").df()  # noqa: S608


def features(pairs: pd.DataFrame, size: int) -> pd.DataFrame:
    frame = pd.DataFrame({f"gamma_{c}": pairs[f"gamma_{c}"] for c in COMPARISONS})
    tf_left = pairs.tf_skeleton_sorted_l.fillna(0.0).to_numpy() * size
    tf_right = pairs.tf_skeleton_sorted_r.fillna(0.0).to_numpy() * size
    frame["name_count_max"] = np.maximum(tf_left, tf_right)
    frame["name_count_min"] = np.minimum(tf_left, tf_right)
    frame["match_weight"] = pairs.match_weight
    strong = pairs[pairs.match_weight >= STRONG_CANDIDATE_WEIGHT]
    candidates = pd.concat([strong.record_id_l, strong.record_id_r]).value_counts()
    frame["strong_candidates_l"] = pairs.record_id_l.map(candidates).fillna(0).to_numpy()
    frame["strong_candidates_r"] = pairs.record_id_r.map(candidates).fillna(0).to_numpy()
    frame["rank_l"] = pairs.groupby("record_id_l").match_weight.rank(ascending=False).to_numpy()
    frame["rank_r"] = pairs.groupby("record_id_r").match_weight.rank(ascending=False).to_numpy()
    return frame


def clustered(data: LabelledPairs, weights: np.ndarray, threshold: float) -> LinkageMetrics:
    """Cluster as ``relink`` does: biometric links first, then links at or above the threshold, strongest first."""
    position = {record.record_id: n for n, record in enumerate(data.records)}
    clusters = ConstrainedClusters(data.records)
    for left, right in data.biometric_links:
        clusters.join(position[left], position[right])
    order = np.argsort(-weights, kind="stable")
    lefts, rights = data.pairs.record_id_l.to_numpy(), data.pairs.record_id_r.to_numpy()
    for index in order[weights[order] >= threshold]:
        clusters.join(position[lefts[index]], position[rights[index]])
    ids = [record.record_id for record in data.records]
    cluster_of = {record_id: ids[clusters.root(n)] for n, record_id in enumerate(ids)}
    return linkage_metrics(cluster_of, {record_id: data.truth[record_id] for record_id in cluster_of})


def blocking_ceiling(data: LabelledPairs) -> LinkageMetrics:
    return clustered(data, np.where(data.pairs.same.to_numpy(), 1.0, -1.0), 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", type=int, nargs=2, default=[20000, 3], metavar=("RECORDS", "SEED"))
    parser.add_argument("--test", type=int, nargs=2, action="append", metavar=("RECORDS", "SEED"))
    arguments = parser.parse_args()
    tests = arguments.test or [[10000, 104], [2000, 101]]
    print(f"machine: {platform.node()} {platform.machine()} {platform.python_version()}")
    model = IdentityModel.bundled_default()
    started = time.perf_counter()
    training = labelled_pairs(*arguments.train, model)
    classifier = HistGradientBoostingClassifier(max_iter=300, random_state=0)
    classifier.fit(features(training.pairs, training.size), training.pairs.same)
    print(
        f"supervised model trained on {len(training.pairs):,} pairs of {training.size:,} records (seed "
        f"{training.seed}) in {time.perf_counter() - started:.1f} s; Splink model {model.version}"
    )
    for size, seed in tests:
        data = labelled_pairs(size, seed, model)
        probability = np.clip(classifier.predict_proba(features(data.pairs, size))[:, 1], 1e-9, 1 - 1e-9)
        log_odds = np.log2(probability / (1 - probability))
        ceiling = blocking_ceiling(data)
        print(f"\n{size:,} records, seed {seed}: {len(data.pairs):,} scored pairs")
        print(f"  blocking ceiling: recall {ceiling.recall:.4f}, F1 {ceiling.f1:.4f}")
        print("  threshold | Splink P / R / F1 / false-merge     | supervised P / R / F1 / false-merge")
        for threshold in THRESHOLDS:
            ours = clustered(data, data.pairs.match_weight.to_numpy(), threshold)
            learnt = clustered(data, log_odds, threshold)
            print(
                f"  {threshold:>9} | {ours.precision:.4f} / {ours.recall:.4f} / {ours.f1:.4f} / "
                f"{ours.false_merge_rate:.4f} | {learnt.precision:.4f} / {learnt.recall:.4f} / {learnt.f1:.4f} / "
                f"{learnt.false_merge_rate:.4f}"
            )


if __name__ == "__main__":
    main()
