"""Legal clocks: when a deadline falls, computed from a start instant, a scheme duration, calendars and pauses.

Deadlines are never stored as the truth: callers recompute them from the case history, so a corrected start
event, a new pause or a scheme change shows at once.

Day-based durations count whole days in the scheme's time zone and end at the close of the last day (midnight
local time), so a 14-day clock that crosses a daylight-saving change still ends at local midnight.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.relativedelta import relativedelta

from parity.scheme.model import Duration, DurationUnit, HolidayCalendar

SATURDAY = 5


@dataclass(frozen=True)
class Pause:
    """Days on which a clock stands still (e.g. while an injunction is in force), first and last day inclusive."""

    first_day: date
    last_day: date | None = None  # None: still paused; deadlines are then given as if it ended on its first day

    def covers(self, day: date) -> bool:
        return self.first_day <= day and (self.last_day is None or day <= self.last_day)


@lru_cache(maxsize=64)
def _public_holidays(country: str, subdivision: str | None) -> holidays.HolidayBase:
    # One lazily-populated table per calendar: `holidays` fills in years as they are asked for.
    return holidays.country_holidays(country, subdiv=subdivision)


@dataclass(frozen=True)
class WorkingCalendar:
    """Weekends and the public holidays of every listed calendar are not working days."""

    calendars: tuple[HolidayCalendar, ...]

    def is_working_day(self, day: date) -> bool:
        if day.weekday() >= SATURDAY:
            return False
        return not any(day in _public_holidays(c.country, c.subdivision) for c in self.calendars)


@dataclass(frozen=True)
class ClockRules:
    """What a clock needs from a scheme: its time zone and its named holiday calendars."""

    timezone: str
    calendars: dict[str, HolidayCalendar]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()

    def end_of_day(self, day: date) -> datetime:
        """The instant a day closes in the scheme's zone (midnight at the start of the next day), in UTC."""
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.zone).astimezone(UTC)

    def deadline(self, start: datetime, duration: Duration, pauses: Iterable[Pause] = ()) -> datetime:
        """The instant by which something must happen, `duration` after `start`, not counting paused days."""
        if start.tzinfo is None:
            raise ValueError("clock start must be timezone-aware")
        pauses = tuple(pauses)
        if duration.unit is DurationUnit.HOURS:
            # Hour clocks (e.g. 24 hours to confirm a location) are too short to pause; they run in absolute time.
            return (start + timedelta(hours=duration.amount)).astimezone(UTC)
        first = self.local_date(start)
        if duration.unit is DurationUnit.WORKING_DAYS:
            calendar = WorkingCalendar(tuple(self.calendars[name] for name in duration.calendars))
            return self.end_of_day(_add_working_days(first, duration.amount, calendar, pauses))
        if duration.unit is DurationUnit.CALENDAR_DAYS:
            naive_due = first + timedelta(days=duration.amount)
        elif duration.unit is DurationUnit.MONTHS:
            naive_due = first + relativedelta(months=duration.amount)  # 30 Nov + 3 months = 28/29 Feb
        else:
            naive_due = first + relativedelta(years=duration.amount)
        # A pause still running has no last day yet: count it as ending on its first day, the earliest the clock
        # could restart; the deadline says it is paused (Deadline.paused_since) until the pause has an end.
        bounded = tuple(Pause(p.first_day, p.last_day or p.first_day) for p in pauses)
        return self.end_of_day(_extend_past_pauses(first, naive_due, bounded))

    def earlier(self, due: datetime, duration: Duration) -> datetime:
        """The instant `duration` before `due` (for alerts ahead of a deadline); working days count back too."""
        if duration.unit is DurationUnit.HOURS:
            return due - timedelta(hours=duration.amount)
        last_day = self.local_date(due) - timedelta(days=1)  # `due` is the close of this day
        if duration.unit is DurationUnit.CALENDAR_DAYS:
            start = last_day - timedelta(days=duration.amount)
        elif duration.unit is DurationUnit.MONTHS:
            start = last_day - relativedelta(months=duration.amount)
        elif duration.unit is DurationUnit.YEARS:
            start = last_day - relativedelta(years=duration.amount)
        else:
            calendar = WorkingCalendar(tuple(self.calendars[name] for name in duration.calendars))
            start, remaining = last_day, duration.amount
            while remaining > 0:
                start -= timedelta(days=1)
                remaining -= calendar.is_working_day(start)
        return self.end_of_day(start)


def _add_working_days(first: date, count: int, calendar: WorkingCalendar, pauses: tuple[Pause, ...]) -> date:
    """The `count`-th working day after `first` (the start day itself never counts)."""
    day = first
    remaining = count
    while remaining > 0:
        day += timedelta(days=1)
        if calendar.is_working_day(day) and not any(p.covers(day) for p in pauses):
            remaining -= 1
    return day


def _extend_past_pauses(first: date, due: date, pauses: tuple[Pause, ...]) -> date:
    """Push a calendar-day due date out by one day for each paused day between the start and the due date."""
    if not pauses:
        return due
    day = first
    while day < due:
        day += timedelta(days=1)
        if any(p.covers(day) for p in pauses):
            due += timedelta(days=1)
    return due


class DeadlineState(StrEnum):
    MET = "met"
    RUNNING = "running"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MISSED = "missed"
    PAUSED = "paused"  # the clock stands still (e.g. an injunction in force) and its due date is not yet fixed


@dataclass(frozen=True)
class Deadline:
    """A computed deadline and, once the awaited event has happened, when it happened."""

    name: str
    due_at: datetime
    alert_from: datetime | None = None
    done_at: datetime | None = None
    binding: bool = True  # False for targets and aims, which are reported but never refuse an action
    paused_since: date | None = None  # set while a pause with no end yet holds the clock

    def state(self, now: datetime) -> DeadlineState:
        if self.done_at is not None:
            return DeadlineState.MET if self.done_at < self.due_at else DeadlineState.MISSED
        if self.paused_since is not None:
            return DeadlineState.PAUSED
        if now >= self.due_at:
            return DeadlineState.OVERDUE
        if self.alert_from is not None and now >= self.alert_from:
            return DeadlineState.DUE_SOON
        return DeadlineState.RUNNING

    def time_left(self, now: datetime) -> timedelta:
        return self.due_at - now
