"""Evaluating deduplication against labelled records: overall and per nationality group."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from parity.identity.batch import ProgressCallback, relink
from parity.identity.calibration import IntakeOutcomes
from parity.identity.generator import LabelledRecord
from parity.identity.live import SplinkIdentityResolver
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


def intake_outcomes(
    labelled: Sequence[LabelledRecord],
    model: IdentityModel,
    *,
    today: date | None = None,
    progress: ProgressCallback | None = None,
) -> IntakeOutcomes:
    """Every candidate the live check returns when ``labelled`` arrive one by one, in order, each checked against
    the records before it and then added, as intake does; with the truth of each pair."""
    resolver = SplinkIdentityResolver(model, today=today)
    person = {r.record.record_id: r.true_person_id for r in labelled}
    weight: list[float] = []
    displayed: list[float] = []
    register_size: list[int] = []
    same: list[bool] = []
    flagged: list[bool] = []
    biometric: list[bool] = []
    for done, item in enumerate(labelled, start=1):
        size = resolver.register_size
        check = resolver.check(item.record)
        for candidate in check.candidates:
            weight.append(candidate.match_weight)
            displayed.append(candidate.match_probability)
            register_size.append(size)
            same.append(person[candidate.record_id] == item.true_person_id)
            flagged.append(candidate.above_threshold)
            biometric.append(candidate.decided_by == "biometric")
        resolver.add([item.record])
        if progress is not None and (done % 1000 == 0 or done == len(labelled)):
            progress("intake", done, len(labelled))
    return IntakeOutcomes(
        match_weight=np.array(weight, dtype=np.float64),
        displayed_probability=np.array(displayed, dtype=np.float64),
        register_size=np.array(register_size, dtype=np.int64),
        same_person=np.array(same, dtype=np.bool_),
        flagged=np.array(flagged, dtype=np.bool_),
        biometric=np.array(biometric, dtype=np.bool_),
    )
