"""Accuracy of a clustering against the truth: pairwise precision, recall, F1 and the false-merge rate.

Pairwise: a pair of records is *predicted* when both are in the same predicted cluster and *true* when both belong
to the same person. The false-merge rate is the share of predicted clusters (singletons included) that hold
records of more than one person, the error that put wrong names and photos on Atlas records (brief §9).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class LinkageMetrics:
    records: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    clusters: int
    false_merges: int

    @property
    def precision(self) -> float:
        # No predicted pairs means no wrong ones: precision is perfect, recall shows what was missed.
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @property
    def false_merge_rate(self) -> float:
        return self.false_merges / self.clusters if self.clusters else 0.0

    def summary_line(self) -> str:
        return (
            f"precision={self.precision:.4f} recall={self.recall:.4f} f1={self.f1:.4f} "
            f"false_merge_rate={self.false_merge_rate:.4f}"
        )


def _pairs(group_sizes: Counter[object]) -> int:
    return sum(size * (size - 1) // 2 for size in group_sizes.values())


def linkage_metrics(predicted_cluster: Mapping[str, str], true_person: Mapping[str, str]) -> LinkageMetrics:
    """Metrics over the records in ``true_person``; each must have a predicted cluster id."""
    cluster_sizes: Counter[object] = Counter()
    person_sizes: Counter[object] = Counter()
    both_sizes: Counter[object] = Counter()
    people_in_cluster: dict[str, set[str]] = defaultdict(set)
    for record_id, person in true_person.items():
        cluster = predicted_cluster[record_id]
        cluster_sizes[cluster] += 1
        person_sizes[person] += 1
        both_sizes[(cluster, person)] += 1
        people_in_cluster[cluster].add(person)
    return LinkageMetrics(
        records=len(true_person),
        true_pairs=_pairs(person_sizes),
        predicted_pairs=_pairs(cluster_sizes),
        correct_pairs=_pairs(both_sizes),
        clusters=len(cluster_sizes),
        false_merges=sum(1 for people in people_in_cluster.values() if len(people) > 1),
    )


def metrics_by_group(
    predicted_cluster: Mapping[str, str], true_person: Mapping[str, str], group_of: Mapping[str, str]
) -> dict[str, LinkageMetrics]:
    """The same metrics within each group (e.g. recorded nationality); pairs across groups are left out."""
    members: dict[str, dict[str, str]] = defaultdict(dict)
    for record_id, person in true_person.items():
        members[group_of[record_id]][record_id] = person
    return {group: linkage_metrics(predicted_cluster, subset) for group, subset in sorted(members.items())}
