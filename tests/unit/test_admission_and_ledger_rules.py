"""Admissions (brief §10 rules 13-20) and the parity ledger (rules 21-23) with the scheme's real values."""

from __future__ import annotations

from datetime import date

import pytest
from tests.builders import action, admission_case, documents_shown, family, utc

from parity.domain.admissions import AdmissionCase, AdmissionStatus
from parity.domain.errors import DeadlinePassed, InvalidCommand, LedgerLimitReached, NotEligible
from parity.domain.ledger import Ledger, week_start
from parity.domain.people import IdentityDocument
from parity.scheme import Scheme

PARENTS_AND_CHILD = (date(1990, 1, 1), date(1992, 5, 5), date(2015, 6, 1))


def confirmed(scheme: Scheme, at_hour: int = 20):  # type: ignore[no-untyped-def]
    case = admission_case(scheme, utc(2025, 9, 1, 10), family(*PARENTS_AND_CHILD))
    case.record(
        action(scheme, "confirm_location", utc(2025, 9, 1, at_hour), country="FR", confirmed_member_ids=["m0", "m1"]),
        scheme,
    )
    return case


def security_cleared(scheme: Scheme, case: AdmissionCase) -> None:
    """Take a location-confirmed family through eligibility, invitation, biometrics and security checks."""
    steps = [
        ("find_eligible", {}),
        ("invite", {}),
        ("enrol_biometrics", {"documents_presented": documents_shown(case.members)}),
        ("clear_security", {}),
    ]
    for kind, payload in steps:
        case.record(action(scheme, kind, utc(2025, 9, 5), **payload), scheme)


def test_rule_14_expression_of_interest_outside_a_window_is_invalid(uk_fr: Scheme) -> None:
    with pytest.raises(NotEligible, match="no application window"):
        admission_case(uk_fr, utc(2025, 8, 6, 10), family(date(1990, 1, 1)))


def test_rule_13_location_within_24_hours_by_every_adult(uk_fr: Scheme) -> None:
    assert confirmed(uk_fr).status is AdmissionStatus.LOCATION_CONFIRMED
    late = admission_case(uk_fr, utc(2025, 9, 1, 10), family(*PARENTS_AND_CHILD))
    with pytest.raises(DeadlinePassed, match="rule 13"):
        late.record(
            action(uk_fr, "confirm_location", utc(2025, 9, 2, 10), country="FR", confirmed_member_ids=["m0", "m1"]),
            uk_fr,
        )
    partial = admission_case(uk_fr, utc(2025, 9, 1, 10), family(*PARENTS_AND_CHILD))
    with pytest.raises(InvalidCommand, match="m1"):
        partial.record(
            action(uk_fr, "confirm_location", utc(2025, 9, 1, 11), country="FR", confirmed_member_ids=["m0"]), uk_fr
        )


def test_rule_15_main_applicant_must_be_adult(uk_fr: Scheme) -> None:
    case = admission_case(uk_fr, utc(2025, 9, 1, 10), family(date(2010, 1, 1)))
    case.record(action(uk_fr, "confirm_location", utc(2025, 9, 1, 11), country="FR", confirmed_member_ids=[]), uk_fr)
    with pytest.raises(NotEligible, match="under 18"):
        case.record(action(uk_fr, "find_eligible", utc(2025, 9, 2)), uk_fr)


def test_rule_16_prior_irregular_entry_bars_even_after_invitation(uk_fr: Scheme) -> None:
    case = confirmed(uk_fr)
    security_cleared(uk_fr, case)
    case.record(
        action(
            uk_fr,
            "record_exclusion",
            utc(2025, 9, 6),
            member_id="m1",
            exclusion="prior_irregular_entry",
            evidence="biometric match to a 2024 arrival",
        ),
        uk_fr,
    )
    with pytest.raises(NotEligible, match="prior_irregular_entry"):
        case.record(action(uk_fr, "issue_entry_clearance", utc(2025, 9, 7)), uk_fr)


def test_rule_16_an_exclusion_found_after_the_clearance_bars_arrival_and_the_clearance_can_be_revoked(
    uk_fr: Scheme,
) -> None:
    case = confirmed(uk_fr)
    security_cleared(uk_fr, case)
    case.record(action(uk_fr, "issue_entry_clearance", utc(2025, 9, 7)), uk_fr)
    late = {"member_id": "m1", "exclusion": "prior_irregular_entry", "evidence": "biometric match to a 2024 arrival"}
    case.record(action(uk_fr, "record_exclusion", utc(2025, 9, 8), **late), uk_fr)
    with pytest.raises(NotEligible, match="prior_irregular_entry"):
        case.record(action(uk_fr, "record_arrival", utc(2025, 9, 9)), uk_fr)
    assert case.status is AdmissionStatus.CLEARANCE_ISSUED
    case.record(action(uk_fr, "refuse", utc(2025, 9, 9), member_id="m1", reason="prior irregular entry"), uk_fr)
    assert case.status is AdmissionStatus.REFUSED


def invited(scheme: Scheme) -> AdmissionCase:
    case = confirmed(scheme)
    case.record(action(scheme, "find_eligible", utc(2025, 9, 2)), scheme)
    case.record(action(scheme, "invite", utc(2025, 9, 3)), scheme)
    return case


def enrol(scheme: Scheme, case: AdmissionCase, shown: object) -> None:
    case.record(action(scheme, "enrol_biometrics", utc(2025, 9, 4), documents_presented=shown), scheme)


def test_rule_18_the_documents_shown_at_the_visa_centre_are_compared_with_stage_one(uk_fr: Scheme) -> None:
    case = invited(uk_fr)
    shown = documents_shown(case.members)
    shown[1] = {**shown[1], "document_number": "pa 000-0001"}  # PA0000001, typed differently
    enrol(uk_fr, case, shown)
    assert case.status is AdmissionStatus.BIOMETRICS_ENROLLED


def test_rule_18_another_document_is_refused_naming_the_member_not_the_number(uk_fr: Scheme) -> None:
    case = invited(uk_fr)
    shown = documents_shown(case.members)
    shown[2] = {**shown[2], "document_number": "PA0000009"}
    with pytest.raises(NotEligible, match="shown at the visa centre by m2 is not the one given at stage 1") as refused:
        enrol(uk_fr, case, shown)
    assert "PA" not in str(refused.value)
    assert case.status is AdmissionStatus.INVITED


def test_rule_18_every_member_shows_a_document(uk_fr: Scheme) -> None:
    case = invited(uk_fr)
    with pytest.raises(InvalidCommand, match="none for m1"):
        enrol(uk_fr, case, [documents_shown(case.members)[i] for i in (0, 2)])
    with pytest.raises(InvalidCommand, match="'m7' is not part of family application"):
        enrol(uk_fr, case, [*documents_shown(case.members), {**documents_shown(case.members)[0], "member_id": "m7"}])
    with pytest.raises(InvalidCommand, match="m0 is listed twice"):
        enrol(uk_fr, case, [*documents_shown(case.members), documents_shown(case.members)[0]])


@pytest.mark.parametrize(
    "shown",
    [
        None,
        True,
        [],
        ["PA0000000"],
        [{"member_id": "m0", "document_type": "passport"}],
        [{"member_id": "m0", "document_type": "passport", "document_number": 7}],
    ],
)
def test_rule_18_a_malformed_record_of_documents_is_refused_with_its_field(uk_fr: Scheme, shown: object) -> None:
    case = invited(uk_fr)
    with pytest.raises(InvalidCommand, match="documents_presented"):
        enrol(uk_fr, case, shown)


def test_rules_19_and_20_clearance_valid_3_months_and_one_refusal_voids_the_family(uk_fr: Scheme) -> None:
    case = confirmed(uk_fr)
    security_cleared(uk_fr, case)
    case.record(action(uk_fr, "issue_entry_clearance", utc(2025, 9, 5)), uk_fr)
    expiry = case.deadline(uk_fr, "entry_clearance_expiry")
    assert expiry is not None
    assert expiry.due_at == utc(2025, 12, 6, 0)  # 5 Dec closes (GMT)
    with pytest.raises(DeadlinePassed):
        case.record(action(uk_fr, "record_arrival", utc(2025, 12, 6, 0)), uk_fr)
    refused = confirmed(uk_fr)
    refused.record(action(uk_fr, "refuse", utc(2025, 9, 2), member_id="m2", reason="security checks"), uk_fr)
    assert refused.status is AdmissionStatus.REFUSED


def test_rule_21_admissions_pause_beyond_tolerance(uk_fr: Scheme) -> None:
    ledger = Ledger("uk-fr-2025")
    ledger.commit_admission(25, date(2025, 9, 1), uk_fr.parity)  # tolerance 25 with no returns yet
    assert ledger.admissions_paused(uk_fr.parity)
    with pytest.raises(LedgerLimitReached, match="0 available"):
        ledger.commit_admission(1, date(2025, 9, 1), uk_fr.parity)
    ledger.record_return(1, date(2025, 9, 2), uk_fr.parity)
    ledger.commit_admission(1, date(2025, 9, 2), uk_fr.parity)


def test_rule_21_returns_ahead_are_flagged(uk_fr: Scheme) -> None:
    ledger = Ledger("uk-fr-2025")
    ledger.record_return(26, date(2025, 9, 1), uk_fr.parity)
    assert ledger.returns_ahead(uk_fr.parity)
    assert ledger.balance(uk_fr.parity) == 26


def test_rule_23_weekly_level_of_50_returns(uk_fr: Scheme) -> None:
    ledger = Ledger("uk-fr-2025")
    ledger.record_return(50, date(2025, 9, 1), uk_fr.parity)  # Monday
    with pytest.raises(LedgerLimitReached, match="weekly level is 50"):
        ledger.record_return(1, date(2025, 9, 7), uk_fr.parity)  # Sunday, same week
    ledger.record_return(1, date(2025, 9, 8), uk_fr.parity)  # next Monday
    assert week_start(date(2025, 9, 7)) == date(2025, 9, 1)


def test_rule_23_transfers_are_booked_within_the_weekly_level_of_50(uk_fr: Scheme) -> None:
    ledger = Ledger("uk-fr-2025")
    ledger.record_return(30, date(2025, 9, 2), uk_fr.parity)  # Tuesday
    ledger.check_transfer_booking(1, 19, date(2025, 9, 7), uk_fr.parity)  # 30 + 19 + 1 = 50 by Sunday
    with pytest.raises(
        LedgerLimitReached, match="30 returns and 20 people booked on transfers; the weekly level is 50"
    ):
        ledger.check_transfer_booking(1, 20, date(2025, 9, 7), uk_fr.parity)
    ledger.check_transfer_booking(50, 0, date(2025, 9, 8), uk_fr.parity)  # next week starts empty
    assert list(ledger.weeks) == [date(2025, 9, 1)]  # checking a week does not add it to the ledger


def test_eu_turkey_cap_of_72000(eu_tr: Scheme) -> None:
    ledger = Ledger("eu-tr-2016", returned=100_000, committed=71_999)
    assert ledger.admissions_allowed(eu_tr.parity) == 72_000
    with pytest.raises(LedgerLimitReached):
        ledger.commit_admission(2, date(2016, 6, 1), eu_tr.parity)


@pytest.mark.parametrize(
    ("given", "shown", "same"),
    [
        ("PA0000001", "pa 000-0001", True),  # spacing, punctuation and case do not count
        ("\u0410\u0412 1234567", "\u0415\u041a 1234567", False),  # Cyrillic letters count: not punctuation
        ("١٢٣٤٥", "12345", True),  # Arabic-Indic digits are the digits 0-9
        ("۱۲۳۴۵۶۷", "-", False),  # a number with no letter or digit matches nothing
        ("-", "-", False),
    ],
)
def test_rule_18_a_document_number_is_compared_by_its_letters_and_digits_in_any_script(
    given: str, shown: str, *, same: bool
) -> None:
    assert IdentityDocument("passport", given).has_number(shown) is same
