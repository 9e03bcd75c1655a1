"""Legal clocks with the scheme's real durations: calendar days to local midnight, months, working days, pauses."""

from __future__ import annotations

from datetime import date

from tests.builders import utc

from parity.domain.clocks import ClockRules, Deadline, DeadlineState, Pause, WorkingCalendar
from parity.scheme import Scheme
from parity.scheme.model import Duration, DurationUnit


def rules(scheme: Scheme) -> ClockRules:
    return ClockRules(scheme.timezone, scheme.calendars)


def test_request_deadline_is_the_end_of_arrival_day_plus_14_in_london(uk_fr: Scheme) -> None:
    # Arrived 6 Aug 2025 (BST): the request may be sent until midnight London time on 20 Aug.
    due = rules(uk_fr).deadline(utc(2025, 8, 6, 3), uk_fr.returns.deadlines.request)  # type: ignore[arg-type]
    assert due == utc(2025, 8, 20, 23)


def test_fourteen_days_across_the_clocks_going_back_still_end_at_local_midnight(uk_fr: Scheme) -> None:
    # 20 Oct 2025 + 14 days crosses 26 Oct (BST -> GMT): the deadline closes at 00:00 GMT on 4 Nov.
    due = rules(uk_fr).deadline(utc(2025, 10, 20, 10), uk_fr.returns.deadlines.request)  # type: ignore[arg-type]
    assert due == utc(2025, 11, 4, 0)


def test_late_evening_arrival_counts_from_the_local_day(uk_fr: Scheme) -> None:
    # 23:30 UTC on 31 Aug is 00:30 on 1 Sep in London: day zero is 1 Sep.
    due = rules(uk_fr).deadline(utc(2025, 8, 31, 23, 30), uk_fr.returns.deadlines.request)  # type: ignore[arg-type]
    assert due == utc(2025, 9, 15, 23)


def test_three_month_aim_clamps_to_month_end(uk_fr: Scheme) -> None:
    aim = uk_fr.returns.deadlines.transfer_aim
    assert aim is not None
    assert rules(uk_fr).deadline(utc(2025, 11, 30, 10), aim) == utc(2026, 3, 1, 0)  # 28 Feb 2026 ends
    assert rules(uk_fr).deadline(utc(2025, 8, 6, 10), aim) == utc(2025, 11, 7, 0)  # 6 Nov ends (GMT)


def test_working_days_skip_weekends_and_both_countries_holidays(eu_tr: Scheme) -> None:
    calendar = WorkingCalendar(tuple(eu_tr.calendars.values()))
    assert not calendar.is_working_day(date(2016, 3, 25))  # Greek Independence Day (and Good Friday in neither)
    assert not calendar.is_working_day(date(2016, 3, 26))  # Saturday
    assert calendar.is_working_day(date(2016, 3, 24))


def test_uk_and_french_holidays_both_stop_a_working_day_clock(uk_fr: Scheme) -> None:
    both = Duration(amount=1, unit=DurationUnit.WORKING_DAYS, calendars=("uk", "fr"))
    # Fri 1 May 2026 (French Labour Day) and Mon 4 May (UK Early May bank holiday) are not working days.
    assert rules(uk_fr).deadline(utc(2026, 4, 30, 10), both) == utc(2026, 5, 5, 23)


def test_paused_days_push_a_calendar_clock_out(uk_fr: Scheme) -> None:
    fourteen = Duration(amount=14, unit=DurationUnit.CALENDAR_DAYS)
    paused = rules(uk_fr).deadline(utc(2025, 9, 1, 10), fourteen, [Pause(date(2025, 9, 5), date(2025, 9, 7))])
    assert paused == utc(2025, 9, 18, 23)


def test_deadline_states() -> None:
    deadline = Deadline("request", utc(2025, 9, 15, 23), alert_from=utc(2025, 9, 12))
    assert deadline.state(utc(2025, 9, 10)) is DeadlineState.RUNNING
    assert deadline.state(utc(2025, 9, 13)) is DeadlineState.DUE_SOON
    assert deadline.state(utc(2025, 9, 15, 23)) is DeadlineState.OVERDUE
    done = Deadline("request", utc(2025, 9, 15, 23), done_at=utc(2025, 9, 16))
    assert done.state(utc(2025, 9, 20)) is DeadlineState.MISSED
