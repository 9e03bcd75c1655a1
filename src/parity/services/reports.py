"""Read-side use cases: the weekly parity ledger and the board of legal deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from parity.domain.admissions import OPEN as OPEN_ADMISSIONS
from parity.domain.clocks import DeadlineState
from parity.domain.returns import IN_PROCESS
from parity.services.context import Services


@dataclass(frozen=True)
class LedgerWeek:
    week_start: date
    returned: int
    clearances_issued: int
    admitted: int
    cumulative_returned: int
    cumulative_admitted: int
    balance: float  # returns x ratio - admissions committed or used, at the end of the week


@dataclass(frozen=True)
class LedgerReport:
    scheme_id: str
    weeks: list[LedgerWeek]
    returned: int
    admitted: int
    committed: int
    balance: float
    tolerance: int
    weekly_level: int
    admissions_paused: bool
    returns_ahead: bool


def weekly_ledger(services: Services, scheme_id: str) -> LedgerReport:
    scheme = services.scheme(scheme_id)
    with services.uow() as uow:
        ledger = uow.ledgers.get(scheme_id)
    rule = scheme.parity
    weeks: list[LedgerWeek] = []
    cumulative_returned = cumulative_admitted = cumulative_issued = 0
    for day in sorted(ledger.weeks):
        week = ledger.weeks[day]
        cumulative_returned += week.returned
        cumulative_admitted += week.admitted
        cumulative_issued += week.clearances_issued
        # Clearances issued count from issue; those later used are then counted once, as admitted.
        balance = cumulative_returned * rule.admissions_per_return - cumulative_issued
        weeks.append(
            LedgerWeek(
                day,
                week.returned,
                week.clearances_issued,
                week.admitted,
                cumulative_returned,
                cumulative_admitted,
                balance,
            )
        )
    return LedgerReport(
        scheme_id=scheme_id,
        weeks=weeks,
        returned=ledger.returned,
        admitted=ledger.admitted,
        committed=ledger.committed,
        balance=ledger.balance(rule),
        tolerance=rule.tolerance,
        weekly_level=rule.weekly_level,
        admissions_paused=ledger.admissions_paused(rule),
        returns_ahead=ledger.returns_ahead(rule),
    )


@dataclass(frozen=True)
class DeadlineRow:
    case_type: str
    case_id: str
    status: str
    deadline: str
    due_at: datetime
    state: DeadlineState
    time_left: timedelta
    binding: bool


def deadline_board(services: Services, scheme_id: str, *, include_running: bool = False) -> list[DeadlineRow]:
    """Open deadlines on open cases, most urgent first: overdue, then due soon, then (optionally) running."""
    scheme = services.scheme(scheme_id)
    now = services.clock.now()
    wanted = {DeadlineState.OVERDUE, DeadlineState.DUE_SOON} | ({DeadlineState.RUNNING} if include_running else set())
    rows: list[DeadlineRow] = []
    with services.uow() as uow:
        for case_id in uow.returns.ids_by_status(scheme_id, IN_PROCESS):
            case = uow.returns.get(case_id)
            rows.extend(
                DeadlineRow(
                    "return", case.id, case.status.value, d.name, d.due_at, d.state(now), d.time_left(now), d.binding
                )
                for d in case.deadlines(scheme)
                if d.state(now) in wanted
            )
        for case_id in uow.admissions.ids_by_status(scheme_id, OPEN_ADMISSIONS):
            admission = uow.admissions.get(case_id)
            rows.extend(
                DeadlineRow(
                    "admission",
                    admission.id,
                    admission.status.value,
                    d.name,
                    d.due_at,
                    d.state(now),
                    d.time_left(now),
                    d.binding,
                )
                for d in admission.deadlines(scheme)
                if d.state(now) in wanted
            )
    return sorted(rows, key=lambda r: (r.due_at, r.case_id))
