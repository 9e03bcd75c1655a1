"""The Joint Committee's weekly report over the real store: each figure checked against the seeded histories."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests.web_seed import SCHEME, seed_web_data

from parity.domain.clocks import ClockRules
from parity.domain.committee import DeadlineTally, LegalBlockCount, RefusalCount
from parity.domain.decisions import CaseType
from parity.domain.errors import InvalidCommand
from parity.domain.returns import ReturnStatus
from parity.scheme import Scheme
from parity.services.committee import ADMISSION_REFUSAL, committee_report
from parity.services.context import Services, SettableClock

WEEK_1, WEEK_2, WEEK_3 = date(2025, 9, 1), date(2025, 9, 8), date(2025, 9, 15)


@pytest.fixture
def seeded(services: Services, clock: SettableClock) -> Services:
    seed_web_data(services, clock)
    return services


def test_returns_admissions_and_balance_come_from_the_ledger_week(seeded: Services) -> None:
    report = committee_report(seeded, SCHEME, WEEK_2)
    assert (report.returned, report.admitted, report.clearances_issued) == (2, 2, 2)
    assert (report.cumulative_returned, report.cumulative_admitted, report.balance) == (2, 2, 0)
    assert (report.tolerance, report.weekly_level) == (25, 50)


def test_returns_match_the_transfers_completed_in_the_store(seeded: Services, uk_fr: Scheme) -> None:
    zone = ClockRules(uk_fr.timezone, uk_fr.calendars)
    with seeded.uow() as uow:
        cases = [uow.returns.get(i) for i in uow.returns.ids_by_status(SCHEME, frozenset(ReturnStatus))]
    completed = [zone.local_date(a.at) for c in cases for a in c.actions if a.kind == "complete_transfer"]
    for week in (WEEK_1, WEEK_2, WEEK_3):
        in_week = sum(week <= day <= week + timedelta(days=6) for day in completed)
        assert committee_report(seeded, SCHEME, week).returned == in_week


def test_a_week_without_movements_carries_the_running_totals(seeded: Services) -> None:
    report = committee_report(seeded, SCHEME, WEEK_3)
    assert (report.returned, report.admitted) == (0, 0)
    assert (report.cumulative_returned, report.cumulative_admitted, report.balance) == (2, 2, 0)


def test_deadlines_count_once_in_the_week_they_were_met_or_missed(seeded: Services) -> None:
    assert committee_report(seeded, SCHEME, WEEK_1).deadlines == [
        DeadlineTally(CaseType.RETURN, "reply", binding=True, met=4, missed=0),
        DeadlineTally(CaseType.RETURN, "request", binding=True, met=5, missed=0),
        DeadlineTally(CaseType.RETURN, "request_target", binding=False, met=5, missed=1),
    ]
    assert committee_report(seeded, SCHEME, WEEK_2).deadlines == [
        DeadlineTally(CaseType.ADMISSION, "entry_clearance_expiry", binding=True, met=1, missed=0),
        DeadlineTally(CaseType.ADMISSION, "location_confirmation", binding=True, met=2, missed=0),
        DeadlineTally(CaseType.RETURN, "request_target", binding=False, met=0, missed=3),
        DeadlineTally(CaseType.RETURN, "transfer_aim", binding=False, met=2, missed=0),
    ]


def test_a_deadline_counts_as_missed_only_once_it_has_passed(seeded: Services, clock: SettableClock) -> None:
    # Week of 15 Sep, seen on the 17th: the request never sent (due with the 15th) and the reply not given (due with
    # the 16th) are missed; the second boat's requests (due with the 22nd) are not, until that day has passed.
    assert committee_report(seeded, SCHEME, WEEK_3).deadlines == [
        DeadlineTally(CaseType.RETURN, "reply", binding=True, met=0, missed=1),
        DeadlineTally(CaseType.RETURN, "request", binding=True, met=0, missed=1),
    ]
    week_4 = WEEK_3 + timedelta(weeks=1)
    assert committee_report(seeded, SCHEME, week_4).deadlines == []
    clock.current += timedelta(days=7)
    assert committee_report(seeded, SCHEME, week_4).deadlines == [
        DeadlineTally(CaseType.RETURN, "request", binding=True, met=0, missed=3)
    ]


def test_refusals_are_counted_by_reason_in_their_week(seeded: Services) -> None:
    assert committee_report(seeded, SCHEME, WEEK_1).refusals == [RefusalCount(CaseType.RETURN, "public_order", 1)]
    assert committee_report(seeded, SCHEME, WEEK_2).refusals == [RefusalCount(CaseType.ADMISSION, ADMISSION_REFUSAL, 1)]


def test_legal_blocks_new_in_the_week_and_still_in_force_at_its_end(seeded: Services) -> None:
    # Everyone on the boats claimed protection on arrival (rule 8). Week 1: six claims; three declared inadmissible
    # and one case closed by France's refusal leave two. Week 2: three more, none decided by its end.
    assert committee_report(seeded, SCHEME, WEEK_1).legal_blocks == [
        LegalBlockCount("human_rights_claim", 1, 1),
        LegalBlockCount("protection_claim", 6, 2),
    ]
    assert committee_report(seeded, SCHEME, WEEK_2).legal_blocks == [
        LegalBlockCount("human_rights_claim", 0, 1),
        LegalBlockCount("protection_claim", 3, 5),
        LegalBlockCount("suspensive_appeal", 1, 1),
    ]


def test_a_report_week_starts_on_a_monday(seeded: Services) -> None:
    with pytest.raises(InvalidCommand, match="Monday"):
        committee_report(seeded, SCHEME, date(2025, 9, 9))
