"""The parity ledger: running totals of people returned and admitted, by week, and the limits they set.

Pairing is on running totals, not person to person (brief §5). Admissions are committed when entry clearance is
issued (a place is then spoken for) and counted as admitted on arrival; a clearance that expires unused gives its
place back. Admissions pause when they would lead returns by more than the scheme's tolerance; readmission requests
are flagged when returns lead admissions by more than it (brief §10 rules 21-23).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from parity.domain.errors import LedgerLimitReached
from parity.domain.messages import Message
from parity.scheme.model import ParityRule


def week_start(day: date) -> date:
    """Weeks run Monday to Sunday, as the Home Office's weekly tables and the Joint Committee's weekly check do."""
    return day - timedelta(days=day.weekday())


@dataclass
class WeekTotals:
    returned: int = 0
    clearances_issued: int = 0
    admitted: int = 0
    clearances_released: int = 0  # given back unused: withdrawn or expired before the holder arrived


@dataclass
class Ledger:
    scheme_id: str
    returned: int = 0
    admitted: int = 0
    committed: int = 0  # entry clearances issued, holder not yet arrived
    weeks: dict[date, WeekTotals] = field(default_factory=dict)
    version: int = 0

    def week(self, day: date) -> WeekTotals:
        return self.weeks.setdefault(week_start(day), WeekTotals())

    def admissions_allowed(self, rule: ParityRule) -> float:
        """Most people who may hold or have used an admission place now: returns x ratio + tolerance (and cap)."""
        allowed = self.returned * rule.admissions_per_return + rule.tolerance
        return allowed if rule.admissions_cap is None else min(allowed, rule.admissions_cap)

    def admissions_paused(self, rule: ParityRule) -> bool:
        return self.admitted + self.committed >= self.admissions_allowed(rule)

    def places_by_balance(self, rule: ParityRule) -> int:
        """Admission places the parity balance leaves free now (rule 21), whatever the week."""
        return max(0, int(self.admissions_allowed(rule)) - self.admitted - self.committed)

    def places_available(self, rule: ParityRule, on: date) -> int:
        """Admission places that may be released now: what the balance allows, within this week's level."""
        by_week = rule.weekly_level - self.week(on).clearances_issued
        return max(0, min(self.places_by_balance(rule), by_week))

    def returns_ahead(self, rule: ParityRule) -> bool:
        """Returns lead admissions beyond the tolerance: the readmitting state may refuse new requests (rule 21)."""
        return self.returned * rule.admissions_per_return - (self.admitted + self.committed) > rule.tolerance

    def balance(self, rule: ParityRule) -> float:
        """Positive: returns ahead (admissions owed); negative: admissions ahead."""
        return self.returned * rule.admissions_per_return - self.admitted - self.committed

    def check_transfer_booking(self, people: int, booked: int, departs_on: date, rule: ParityRule) -> None:
        """Refuse booking ``people`` onto a transfer departing on ``departs_on`` if, with the week's returns so far
        and the ``booked`` people already on transfers departing that week, it would pass the weekly level (rule 23).
        The level is met when flights are booked, so that nobody is flown and then found over it."""
        returned = self.weeks.get(week_start(departs_on), WeekTotals()).returned
        if returned + booked + people > rule.weekly_level:
            raise LedgerLimitReached(
                Message(
                    "the week of %(week)s already has %(returned)s returns and %(booked)s people booked on transfers; "
                    "the weekly level is %(level)s (rule 23): book a transfer in another week",
                    week=week_start(departs_on),
                    returned=returned,
                    booked=booked,
                    level=rule.weekly_level,
                )
            )

    def record_return(self, people: int, on: date, rule: ParityRule) -> None:
        week = self.week(on)
        if week.returned + people > rule.weekly_level:
            raise LedgerLimitReached(
                Message(
                    "the week of %(week)s already has %(returned)s returns; the weekly level is %(level)s (rule 23)",
                    week=week_start(on),
                    returned=week.returned,
                    level=rule.weekly_level,
                )
            )
        week.returned += people
        self.returned += people

    def commit_admission(self, people: int, on: date, rule: ParityRule) -> None:
        available = self.places_available(rule, on)
        if people > available:
            raise LedgerLimitReached(
                Message(
                    "%(people)s admission place(s) needed but %(available)s available: returned %(returned)s, "
                    "admitted %(admitted)s, clearances outstanding %(committed)s, tolerance %(tolerance)s, "
                    "weekly level %(level)s (rules 21-23)",
                    people=people,
                    available=available,
                    returned=self.returned,
                    admitted=self.admitted,
                    committed=self.committed,
                    tolerance=rule.tolerance,
                    level=rule.weekly_level,
                )
            )
        self.week(on).clearances_issued += people
        self.committed += people

    def record_admission(self, people: int, on: date) -> None:
        self.committed -= people
        self.admitted += people
        self.week(on).admitted += people

    def release_commitment(self, people: int, on: date) -> None:
        """An entry clearance given back unused: its places count again from the week `on` (rule 21)."""
        self.committed -= people
        self.week(on).clearances_released += people
