"""Read-side use cases: the weekly parity ledger, the share of real arrivals returned, the board of deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from parity.data import small_boat_days
from parity.domain.admissions import OPEN as OPEN_ADMISSIONS
from parity.domain.clocks import ClockRules, DeadlineState
from parity.domain.ledger import week_start
from parity.domain.returns import IN_PROCESS, ReturnStatus
from parity.services.context import Services


@dataclass(frozen=True)
class LedgerWeek:
    week_start: date
    returned: int
    clearances_issued: int
    admitted: int
    clearances_released: int  # given back unused (withdrawn or expired): their places count again
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

    def week(self, start: date) -> LedgerWeek:
        """The line of the week starting `start`; a week without movements carries the running totals before it."""
        before = [w for w in self.weeks if w.week_start <= start]
        if before and before[-1].week_start == start:
            return before[-1]
        if not before:
            return LedgerWeek(start, 0, 0, 0, 0, 0, 0, 0.0)
        last = before[-1]
        return LedgerWeek(start, 0, 0, 0, 0, last.cumulative_returned, last.cumulative_admitted, last.balance)


def weekly_ledger(services: Services, scheme_id: str) -> LedgerReport:
    scheme = services.scheme(scheme_id)
    with services.uow() as uow:
        ledger = uow.ledgers.read(scheme_id)
    rule = scheme.parity
    weeks: list[LedgerWeek] = []
    cumulative_returned = cumulative_admitted = cumulative_held = 0
    for day in sorted(ledger.weeks):
        week = ledger.weeks[day]
        cumulative_returned += week.returned
        cumulative_admitted += week.admitted
        # Clearances count from issue (those later used are then counted once, as admitted) until given back.
        cumulative_held += week.clearances_issued - week.clearances_released
        balance = cumulative_returned * rule.admissions_per_return - cumulative_held
        weeks.append(
            LedgerWeek(
                day,
                week.returned,
                week.clearances_issued,
                week.admitted,
                week.clearances_released,
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


def scheme_weeks(services: Services, scheme_id: str) -> list[date]:
    """The Mondays of every week from the scheme's coming into force to the current week; once it has ended, to its
    last week or the last week with a return or admission, whichever is later (transfers go on after the last day
    new cases may open, and a week that moved the balance is always shown)."""
    scheme = services.scheme(scheme_id)
    today = ClockRules(scheme.timezone, scheme.calendars).local_date(services.clock.now())
    last = today
    if scheme.in_force.end is not None and today > scheme.in_force.end:
        with services.uow() as uow:
            moved = max(uow.ledgers.read(scheme_id).weeks, default=scheme.in_force.end)
        last = min(today, max(scheme.in_force.end, moved))
    first = week_start(scheme.in_force.start)
    return [first + timedelta(weeks=n) for n in range((week_start(last) - first).days // 7 + 1)]


# The Home Office series counts people crossing the Channel to the UK in small boats: it is the arrivals series of a
# scheme returning from the UK to France, and of no other.
SMALL_BOAT_SERIES_PARTIES = ("GB", "FR")


@dataclass(frozen=True)
class ArrivalsWeek:
    """Real small-boat arrivals in a week of the scheme (Home Office series) against the people returned."""

    week_start: date
    arrivals: int
    returned: int
    cumulative_arrivals: int
    cumulative_returned: int

    @property
    def one_in(self) -> float | None:
        """One person returned for every N who arrived this week; None when nobody was returned."""
        return self.arrivals / self.returned if self.returned else None

    @property
    def cumulative_one_in(self) -> float | None:
        return self.cumulative_arrivals / self.cumulative_returned if self.cumulative_returned else None


def arrivals_returned(services: Services, scheme_id: str) -> list[ArrivalsWeek]:
    """Week by week since the scheme came into force (up to today and the series' last day): the "1 in N".

    Empty for a scheme whose parties the small-boat series does not describe.
    """
    scheme = services.scheme(scheme_id)
    parties = (scheme.parties.returning.code, scheme.parties.readmitting.code)
    if parties != SMALL_BOAT_SERIES_PARTIES:
        return []
    today = ClockRules(scheme.timezone, scheme.calendars).local_date(services.clock.now())
    arrivals: dict[date, int] = {}
    for day in small_boat_days(scheme.in_force.start, today):
        arrivals[week_start(day.day)] = arrivals.get(week_start(day.day), 0) + day.people
    returned = {week.week_start: week.returned for week in weekly_ledger(services, scheme_id).weeks}
    weeks: list[ArrivalsWeek] = []
    cumulative_arrivals = cumulative_returned = 0
    for week in sorted(arrivals):
        cumulative_arrivals += arrivals[week]
        cumulative_returned += returned.get(week, 0)
        weeks.append(
            ArrivalsWeek(week, arrivals[week], returned.get(week, 0), cumulative_arrivals, cumulative_returned)
        )
    return weeks


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


@dataclass(frozen=True)
class FlightCost:
    flight_ref: str
    people: int
    costed: int  # people whose transport cost was recorded
    cost_gbp: Decimal

    @property
    def per_person(self) -> Decimal | None:
        return (self.cost_gbp / self.costed).quantize(Decimal("0.01")) if self.costed else None


def transfer_costs(services: Services, scheme_id: str) -> list[FlightCost]:
    """What returns cost the UK (rule 12), per flight, from the costs recorded when transfers were scheduled."""
    flights: dict[str, list[Decimal | None]] = {}
    with services.uow() as uow:
        for case_id in uow.returns.ids_by_status(scheme_id, frozenset({ReturnStatus.RETURNED})):
            transport = uow.returns.get(case_id).transport
            if transport is not None:
                flights.setdefault(transport[0], []).append(transport[1])
    return [
        FlightCost(ref, len(costs), sum(c is not None for c in costs), sum((c for c in costs if c), Decimal(0)))
        for ref, costs in sorted(flights.items())
    ]
