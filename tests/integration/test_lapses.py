"""The scheme's clock over the real store: each deadline that passes with nothing done is recorded as its lapse, once,
by the sweep (`parity record-lapses`); an unused entry clearance gives its places back when it expires."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.builders import family_with_clearance
from tests.web_seed import SCHEME, Seeded, seed_web_data

from parity.domain.admissions import AdmissionStatus
from parity.domain.returns import ReturnStatus
from parity.services.context import Services, SettableClock
from parity.services.lapses import SCHEME_CLOCK, record_lapses
from parity.services.reports import weekly_ledger


@pytest.fixture
def seeded(services: Services, clock: SettableClock) -> Seeded:
    return seed_web_data(services, clock)  # the clock stands on 17 September 2025


def _status(services: Services, case_id: str) -> ReturnStatus:
    with services.uow() as uow:
        return uow.returns.get(case_id).status


def test_a_request_deadline_and_a_reply_date_passed_are_recorded_once(services: Services, seeded: Seeded) -> None:
    # The request never sent was due with 15 September (arrival + 14 days); France's reply with the 16th.
    run = record_lapses(services, SCHEME)
    assert run.recorded == {"expire_request_deadline": 1, "escalate_overdue_reply": 1}
    assert run.not_recorded == []
    assert _status(services, seeded.never_requested) is ReturnStatus.DEADLINE_EXPIRED
    assert _status(services, seeded.claimed_human_rights) is ReturnStatus.REPLY_OVERDUE
    with services.uow() as uow:
        lapse = uow.returns.get(seeded.never_requested).actions[-1]
    assert (lapse.kind, lapse.actor) == ("expire_request_deadline", SCHEME_CLOCK)
    again = record_lapses(services, SCHEME)
    assert (again.recorded, again.not_recorded) == ({}, [])


def test_nothing_lapses_before_its_deadline(services: Services, seeded: Seeded, clock: SettableClock) -> None:
    # The second boat landed on 8 September: its people's requests are due with the 22nd, not before.
    record_lapses(services, SCHEME)
    assert {_status(services, c) for c in seeded.second_boat} == {ReturnStatus.ELIGIBLE}
    clock.current += timedelta(days=5)  # Monday 22 September, 10:00: the 22nd has not ended
    assert record_lapses(services, SCHEME).recorded == {}
    clock.current += timedelta(days=1)
    assert record_lapses(services, SCHEME).recorded == {"expire_request_deadline": 3}
    assert {_status(services, c) for c in seeded.second_boat} == {ReturnStatus.DEADLINE_EXPIRED}


@pytest.mark.usefixtures("seeded")
def test_an_unused_entry_clearance_expires_and_gives_its_places_back(services: Services, clock: SettableClock) -> None:
    case_id, _members = family_with_clearance(services, "FAM-LAPSE")
    committed = weekly_ledger(services, SCHEME).committed
    clock.current += timedelta(days=92)  # issued 17 September, valid 3 months: unused on 18 December
    run = record_lapses(services, SCHEME)
    assert run.recorded["expire_entry_clearance"] == 1
    with services.uow() as uow:
        assert uow.admissions.get(case_id).status is AdmissionStatus.EXPIRED
    ledger = weekly_ledger(services, SCHEME)
    assert ledger.committed == committed - 2
    monday = clock.current.date() - timedelta(days=clock.current.weekday())
    assert ledger.week(monday).clearances_released == 2
