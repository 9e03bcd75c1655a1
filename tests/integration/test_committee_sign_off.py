"""Signing off a Joint Committee week over the real store: the figures are kept as signed, later records show as
corrections beside them, and a week is signed once, only when it is over, and only as its signer read it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests.web_seed import SCHEME, Seeded, seed_web_data

from parity.domain.committee import Correction, Figure
from parity.domain.errors import IllegalTransition, InvalidCommand, TooEarly
from parity.services.audit import latest_entries
from parity.services.cases import CaseCommand, act_on_return_case
from parity.services.committee import SignOffWeek, committee_report, committee_week, sign_off_week, signed_weeks
from parity.services.context import Services, SettableClock, StaleVersion

WEEK_1, WEEK_2, WEEK_3 = date(2025, 9, 1), date(2025, 9, 8), date(2025, 9, 15)


@pytest.fixture
def seeded(services: Services, clock: SettableClock) -> Seeded:
    return seed_web_data(services, clock)


def _sign(services: Services, week: date, command_id: str = "sign-1") -> None:
    seen = committee_report(services, SCHEME, week).fingerprint()
    sign_off_week(services, SignOffWeek(command_id, "user-7", "chair.uk", SCHEME, week, seen))


def _late_injunction(services: Services, case_id: str, decided_on: str) -> None:
    payload = {"kind": "injunction", "state": "in_force", "decided_on": decided_on, "evidence": "High Court order"}
    act_on_return_case(services, CaseCommand("late-order", "officer", case_id, "record_legal_event", payload))


@pytest.mark.usefixtures("seeded")
def test_a_signed_week_keeps_its_figures_and_names_its_signer(services: Services, clock: SettableClock) -> None:
    before = committee_report(services, SCHEME, WEEK_2)
    _sign(services, WEEK_2)
    week = committee_week(services, SCHEME, WEEK_2)
    assert week.report == before
    assert week.corrections == []
    assert week.sign_off is not None
    signed = (week.sign_off.signed_by, week.sign_off.actor, week.sign_off.signed_at, week.sign_off.scheme_version)
    assert signed == ("chair.uk", "user-7", clock.current, services.scheme(SCHEME).version)
    assert signed_weeks(services, SCHEME) == {WEEK_2}
    assert committee_week(services, SCHEME, WEEK_1).sign_off is None


def test_a_late_court_order_shows_as_a_correction_not_over_the_signed_figures(
    services: Services, seeded: Seeded
) -> None:
    signed = committee_report(services, SCHEME, WEEK_2)
    _sign(services, WEEK_2)
    # Recorded on the 17th, decided on the 10th: an injunction that stopped a transfer in the signed week.
    _late_injunction(services, seeded.appealed, "2025-09-10")
    week = committee_week(services, SCHEME, WEEK_2)
    assert week.report == signed
    assert week.corrections == [Correction(Figure("legal_blocks", ("injunction",), "in_force"), 0, 1)]


def test_an_unsigned_week_shows_the_record_as_it_stands(services: Services, seeded: Seeded) -> None:
    _late_injunction(services, seeded.appealed, "2025-09-10")
    week = committee_week(services, SCHEME, WEEK_2)
    assert (week.sign_off, week.corrections) == (None, [])
    assert week.report == committee_report(services, SCHEME, WEEK_2)


@pytest.mark.usefixtures("seeded")
def test_a_week_is_signed_off_only_once_it_is_over(services: Services, clock: SettableClock) -> None:
    # The clock stands on Wednesday 17 September: the week of the 15th ends on Sunday the 21st.
    with pytest.raises(TooEarly, match="from 2025-09-22"):
        _sign(services, WEEK_3)
    clock.current += timedelta(days=5)  # Monday 22 September
    _sign(services, WEEK_3)
    assert committee_week(services, SCHEME, WEEK_3).sign_off is not None


@pytest.mark.usefixtures("seeded")
def test_a_week_is_signed_off_once(services: Services) -> None:
    _sign(services, WEEK_1, "sign-1")
    with pytest.raises(IllegalTransition, match="already signed off"):
        _sign(services, WEEK_1, "sign-2")


def test_figures_that_changed_since_they_were_read_are_not_signed(services: Services, seeded: Seeded) -> None:
    seen = committee_report(services, SCHEME, WEEK_2).fingerprint()
    _late_injunction(services, seeded.appealed, "2025-09-10")
    with pytest.raises(StaleVersion, match="read them again"):
        sign_off_week(services, SignOffWeek("sign-1", "user-7", "chair.uk", SCHEME, WEEK_2, seen))
    assert committee_week(services, SCHEME, WEEK_2).sign_off is None


@pytest.mark.usefixtures("seeded")
def test_a_sign_off_is_audited_with_its_week(services: Services) -> None:
    _sign(services, WEEK_1)
    entry = latest_entries(services, 1)[0].event
    assert (entry.action, entry.outcome) == ("sign_off_committee_week", "done")
    fingerprint = committee_report(services, SCHEME, WEEK_1).fingerprint()
    assert set(entry.record_ids) == {SCHEME, f"{SCHEME}:2025-09-01", fingerprint}


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("seen", ["", "not hex at all!!", "0123456789ABCDEF", "0123456789abcdef0"])
def test_a_sign_off_without_a_well_formed_fingerprint_is_refused_naming_the_field(
    services: Services, seen: str
) -> None:
    with pytest.raises(InvalidCommand, match="figures: the fingerprint of the figures read"):
        sign_off_week(services, SignOffWeek("sign-1", "user-7", "chair.uk", SCHEME, WEEK_1, seen))
