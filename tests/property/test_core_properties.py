"""Property tests: transition tables, clock arithmetic and ledger invariants hold for any input hypothesis finds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from parity.domain.admissions import ADMISSION_TRANSITIONS, AdmissionStatus
from parity.domain.clocks import ClockRules, Pause, WorkingCalendar
from parity.domain.errors import IllegalTransition, LedgerLimitReached
from parity.domain.ledger import Ledger
from parity.domain.returns import CLOSED, RETURN_TRANSITIONS, ReturnStatus
from parity.scheme import load_scheme
from parity.scheme.model import Duration, DurationUnit

UK_FR = load_scheme("uk-fr-2025")
LONDON = ZoneInfo("Europe/London")
instants = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2027, 12, 31),
    timezones=st.just(UTC),
)


@given(st.lists(st.sampled_from(sorted(RETURN_TRANSITIONS.transitions)), max_size=25))
def test_return_table_replays_to_a_known_status_or_raises(kinds: list[str]) -> None:
    status = RETURN_TRANSITIONS.initial
    for kind in kinds:
        allowed = kind in RETURN_TRANSITIONS.allowed(status)
        try:
            status = RETURN_TRANSITIONS.next_status(status, kind)
        except IllegalTransition:
            assert not allowed
        else:
            assert allowed
        assert status in set(ReturnStatus)
    if status in CLOSED:
        assert RETURN_TRANSITIONS.allowed(status) == set()


@given(st.lists(st.sampled_from(sorted(ADMISSION_TRANSITIONS.transitions)), max_size=25))
def test_admission_table_never_leaves_a_closed_case(kinds: list[str]) -> None:
    status = ADMISSION_TRANSITIONS.initial
    closed = {AdmissionStatus.ARRIVED, AdmissionStatus.REFUSED, AdmissionStatus.WITHDRAWN, AdmissionStatus.EXPIRED}
    for kind in kinds:
        before = status
        try:
            status = ADMISSION_TRANSITIONS.next_status(status, kind)
        except IllegalTransition:
            continue
        assert before not in closed


@given(instants, st.integers(min_value=0, max_value=400))
def test_calendar_day_clocks_end_at_london_midnight_n_days_on(start: datetime, days: int) -> None:
    clock = ClockRules(UK_FR.timezone, UK_FR.calendars)
    due = clock.deadline(start, Duration(amount=days, unit=DurationUnit.CALENDAR_DAYS))
    local = due.astimezone(LONDON)
    assert (local.hour, local.minute) == (0, 0)
    assert local.date() - timedelta(days=1) == start.astimezone(LONDON).date() + timedelta(days=days)
    assert due > start


@given(instants, st.integers(min_value=0, max_value=30))
def test_working_day_clocks_land_on_a_working_day_at_least_n_days_on(start: datetime, days: int) -> None:
    clock = ClockRules(UK_FR.timezone, UK_FR.calendars)
    rule = Duration(amount=days, unit=DurationUnit.WORKING_DAYS, calendars=("uk", "fr"))
    last_day = clock.deadline(start, rule).astimezone(LONDON).date() - timedelta(days=1)
    first = start.astimezone(LONDON).date()
    assert (last_day - first).days >= days
    if days:
        assert WorkingCalendar(tuple(UK_FR.calendars.values())).is_working_day(last_day)


@given(instants, st.integers(min_value=1, max_value=36))
def test_month_clocks_are_monotone(start: datetime, months: int) -> None:
    clock = ClockRules(UK_FR.timezone, UK_FR.calendars)
    shorter = clock.deadline(start, Duration(amount=months - 1, unit=DurationUnit.MONTHS))
    longer = clock.deadline(start, Duration(amount=months, unit=DurationUnit.MONTHS))
    assert shorter < longer


pauses = st.lists(
    st.tuples(st.dates(date(2024, 1, 1), date(2028, 6, 30)), st.one_of(st.none(), st.integers(0, 60))).map(
        lambda pause: Pause(pause[0], None if pause[1] is None else pause[0] + timedelta(days=pause[1]))
    ),
    max_size=4,
)


@given(instants, st.integers(min_value=1, max_value=6), pauses)
def test_pauses_only_ever_push_a_deadline_later_even_when_still_running(
    start: datetime, months: int, paused: list[Pause]
) -> None:
    clock = ClockRules(UK_FR.timezone, UK_FR.calendars)
    aim = Duration(amount=months, unit=DurationUnit.MONTHS)
    unpaused = clock.deadline(start, aim)
    with_pauses = clock.deadline(start, aim, paused)
    assert with_pauses >= unpaused
    paused_days = sum(((p.last_day or p.first_day) - p.first_day).days + 1 for p in paused)
    assert with_pauses <= unpaused + timedelta(days=paused_days, hours=1)  # an hour for a clock change


operations = st.lists(
    st.tuples(st.sampled_from(["return", "issue", "arrive", "expire"]), st.integers(1, 6), st.integers(0, 120)),
    max_size=80,
)


@settings(max_examples=200)
@given(operations)
def test_ledger_limits_always_hold(steps: list[tuple[str, int, int]]) -> None:
    rule = UK_FR.parity
    ledger = Ledger("uk-fr-2025")
    start = date(2025, 8, 4)
    for kind, people, day_offset in steps:
        day = start + timedelta(days=day_offset)
        try:
            if kind == "return":
                ledger.record_return(people, day, rule)
            elif kind == "issue":
                ledger.commit_admission(people, day, rule)
            elif kind == "arrive" and ledger.committed >= people:
                ledger.record_admission(people, day)
            elif kind == "expire" and ledger.committed >= people:
                ledger.release_commitment(people, day)
        except LedgerLimitReached:
            pass
        assert ledger.admitted + ledger.committed <= ledger.returned * rule.admissions_per_return + rule.tolerance
        assert all(week.returned <= rule.weekly_level for week in ledger.weeks.values())
        assert all(week.clearances_issued <= rule.weekly_level for week in ledger.weeks.values())
        weeks = ledger.weeks.values()
        assert ledger.returned == sum(week.returned for week in weeks)
        # The weeks' movements add up to the running totals, so a week's balance is the ledger's as of then.
        assert ledger.admitted == sum(week.admitted for week in weeks)
        assert ledger.committed == sum(w.clearances_issued - w.admitted - w.clearances_released for w in weeks)
        assert min(ledger.committed, ledger.admitted) >= 0
