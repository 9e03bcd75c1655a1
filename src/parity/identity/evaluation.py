"""Evaluating deduplication against labelled records: overall and per nationality group."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from parity.identity.batch import ProgressCallback, relink
from parity.identity.metrics import LinkageMetrics, linkage_metrics, metrics_by_group
from parity.identity.model import IdentityModel
from parity.identity.nationality import normalise_nationality
from parity.identity.records import IdentityRecord, RejectedRecord

UNKNOWN_GROUP = "unknown"


@dataclass(frozen=True)
class EvaluationReport:
    model_version: str
    overall: LinkageMetrics
    by_nationality: dict[str, LinkageMetrics]
    rejected: list[RejectedRecord]


def evaluate_records(
    records: Sequence[IdentityRecord],
    true_person: Mapping[str, str],
    model: IdentityModel,
    *,
    earlier_rejections: Sequence[RejectedRecord] = (),
    today: date | None = None,
    progress: ProgressCallback | None = None,
) -> EvaluationReport:
    """Deduplicate ``records`` and score the clusters against ``true_person``.

    A rejected record (here or in ``earlier_rejections``) stays in a cluster of its own: it counts against
    recall if it had duplicates, never against precision.
    """
    result = relink(records, model, today=today, progress=progress)
    cluster_of = dict(result.cluster_of)
    rejected = [*earlier_rejections, *result.rejected]
    for rejection in rejected:
        cluster_of.setdefault(rejection.record_id, f"rejected:{rejection.record_id}")
    labelled = {record_id: person for record_id, person in true_person.items() if record_id in cluster_of}
    group_of = {r.record_id: normalise_nationality(r.nationality) or UNKNOWN_GROUP for r in records}
    return EvaluationReport(
        model_version=result.model_version,
        overall=linkage_metrics(cluster_of, labelled),
        by_nationality=metrics_by_group(
            cluster_of, labelled, {rid: group_of.get(rid, UNKNOWN_GROUP) for rid in labelled}
        ),
        rejected=rejected,
    )
