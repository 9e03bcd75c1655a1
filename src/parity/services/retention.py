"""Applying the scheme's retention period (`parity retention apply`): closed cases whose period has passed have
their people anonymised (see `parity.domain.retention` for what is cleared and what is kept, and why).

Each batch of cases is one command through `run_command`: one transaction, recorded in the command log and the
audit chain with the ids of the cases anonymised and the scheme version whose period was applied. A run stopped
part-way is simply run again: cases already anonymised are no longer found.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from parity.domain.admissions import CLOSED as ADMISSIONS_CLOSED
from parity.domain.identity_links import RecordSource
from parity.domain.retention import retention_ends
from parity.domain.returns import CLOSED as RETURNS_CLOSED
from parity.scheme.model import Scheme
from parity.services.context import Services, run_command
from parity.services.ports import ClosedCase, UnitOfWork

BATCH = 500


@dataclass(frozen=True)
class RetentionOutcome:
    scheme_id: str
    scheme_version: str
    retention: str  # the period applied, e.g. "18 months"
    return_cases: int  # closed cases past the period whose people were (or, on a dry run, would be) anonymised
    admission_cases: int
    people: int = 0  # rows anonymised; 0 on a dry run
    admission_members: int = 0
    identity_records: int = 0
    action_payloads: int = 0  # payloads whose free text was replaced (see `parity.domain.retention`)


def apply_retention(
    services: Services,
    scheme_ids: Sequence[str] | None = None,
    *,
    dry_run: bool = False,
    batch: int = BATCH,
    progress: Callable[[int, int], None] | None = None,
) -> list[RetentionOutcome]:
    """Anonymise the people of closed cases past retention, per scheme (every scheme in force unless named).

    `progress` hears cases done and cases due, after each batch. A dry run changes and records nothing."""
    schemes = [services.scheme(scheme_id) for scheme_id in scheme_ids or sorted(services.schemes)]
    return [_apply(services, scheme, dry_run, batch, progress) for scheme in schemes]


def _apply(
    services: Services,
    scheme: Scheme,
    dry_run: bool,
    batch: int,
    progress: Callable[[int, int], None] | None,
) -> RetentionOutcome:
    now = services.clock.now()
    with services.uow() as uow:
        closed = uow.personal_data.closed_cases_holding_personal_data(scheme.id, RETURNS_CLOSED, ADMISSIONS_CLOSED)
    due = sorted((c for c in closed if retention_ends(scheme, c.closed_at) <= now), key=lambda c: c.case_id)
    period = f"{scheme.data.retention.amount} {scheme.data.retention.unit.value}"
    outcome = RetentionOutcome(
        scheme.id,
        scheme.version,
        period,
        return_cases=sum(c.source is RecordSource.ARRIVAL for c in due),
        admission_cases=sum(c.source is RecordSource.ADMISSION for c in due),
    )
    if dry_run:
        return outcome
    totals = {"people": 0, "admission_members": 0, "identity_records": 0, "action_payloads": 0}
    run = uuid.uuid4()
    for start in range(0, len(due), batch):
        result = _anonymise(
            services, f"retention:{run}:{scheme.id}:{start}", scheme, period, due[start : start + batch]
        )
        for name in totals:
            totals[name] += int(result[name])
        if progress is not None:
            progress(min(start + batch, len(due)), len(due))
    return replace(
        outcome,
        people=totals["people"],
        admission_members=totals["admission_members"],
        identity_records=totals["identity_records"],
        action_payloads=totals["action_payloads"],
    )


def _anonymise(
    services: Services, command_id: str, scheme: Scheme, period: str, cases: Sequence[ClosedCase]
) -> Mapping[str, Any]:
    return_ids = [c.case_id for c in cases if c.source is RecordSource.ARRIVAL]
    admission_ids = [c.case_id for c in cases if c.source is RecordSource.ADMISSION]

    def handle(uow: UnitOfWork) -> Mapping[str, Any]:
        counts = uow.personal_data.anonymise(return_ids, admission_ids, services.clock.now())
        return {
            "scheme": scheme.id,
            "scheme_version": scheme.version,
            "retention": period,
            "return_case_ids": return_ids,
            "admission_case_ids": admission_ids,
            **vars(counts),
        }

    request = {"scheme": scheme.id, "return_case_ids": return_ids, "admission_case_ids": admission_ids}
    return run_command(services, command_id, "apply_retention", request, handle)
