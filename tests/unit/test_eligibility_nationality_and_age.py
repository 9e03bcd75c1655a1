"""Who is out of scope by nationality (treaty Arts 3 and 12, rule 16), a date of birth that contradicts a recorded
adult (rule 3), and ages judged on the scheme's local date (Europe/London), with uk-fr-2025's real values."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from importlib import resources

import pytest
from tests.builders import action, admission_case, boat, family, identity, utc

from parity.domain.admissions import AdmissionStatus
from parity.domain.eligibility import Applicant, admission_bars, screen_arrival
from parity.domain.errors import InvalidCommand, NotEligible
from parity.domain.people import AgeStatus, ArrivingPerson
from parity.identity.nationality import KNOWN_NATIONALITY_CODES
from parity.scheme import Scheme, SchemeError, load_scheme, parse_scheme
from parity.scheme.loader import BUNDLED_PACKAGE
from parity.scheme.model import ReturnGround

EU_27 = {
    "AUT", "BEL", "BGR", "CYP", "CZE", "DEU", "DNK", "ESP", "EST", "FIN", "FRA", "GRC", "HRV", "HUN",
    "IRL", "ITA", "LTU", "LUX", "LVA", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "SWE",
}  # fmt: skip
EEA = EU_27 | {"ISL", "LIE", "NOR"}


def person(
    nationality: str = "ERI",
    born: date | None = date(1995, 3, 2),
    age_status: AgeStatus = AgeStatus.ADULT,
    family_group: str | None = None,
) -> ArrivingPerson:
    return ArrivingPerson(
        f"p-{nationality}-{born}-{age_status}",
        identity(nationality, born),
        age_status,
        frozenset({ReturnGround.PROTECTION_CLAIM}),
        "FR",
        "Interview: stayed in Dunkirk camp",
        family_group,
    )


def reasons(scheme: Scheme, *people: ArrivingPerson, at: datetime | None = None) -> list[list[str]]:
    """Each person's screening reasons, screened four hours after the boat landed (at `at`)."""
    arrival = boat(*people, at=at or utc(2025, 9, 1, 4))
    return [
        [str(r) for r in s.reasons] for s in screen_arrival(scheme, arrival, arrival.arrived_at + timedelta(hours=4))
    ]


# Returns: Art. 3 covers third-country nationals only.


@pytest.mark.parametrize("nationality", ["GBR", "FRA", "DEU", "IRL", "NOR", "CHE"])
def test_nationals_of_the_parties_and_of_eea_states_are_never_screened_eligible_for_return(
    uk_fr: Scheme, nationality: str
) -> None:
    [found] = reasons(uk_fr, person(nationality))
    assert found == [
        f"nationality {nationality} is excluded from returns: the scheme covers third-country nationals only "
        "(Art. 3, rule 1)"
    ]


@pytest.mark.parametrize("nationality", ["ERI", "AFG", "SDN", "TUR", "XXA"])
def test_third_country_nationals_and_stateless_people_stay_within_scope(uk_fr: Scheme, nationality: str) -> None:
    assert reasons(uk_fr, person(nationality)) == [[]]


# Admissions: rule 16 excludes EEA nationals whether or not they declare it.


def located(scheme: Scheme, *births: date, nationality: str):  # type: ignore[no-untyped-def]
    case = admission_case(scheme, utc(2025, 9, 1, 10), family(*births, nationality=nationality))
    adults = [m.id for m in case.members if (m.age_on(date(2025, 9, 1)) or 0) >= 18]
    case.record(
        action(scheme, "confirm_location", utc(2025, 9, 1, 11), country="FR", confirmed_member_ids=adults), scheme
    )
    return case


@pytest.mark.parametrize("nationality", ["DEU", "FRA", "CHE", "GBR"])
def test_an_eea_swiss_or_british_family_is_not_found_eligible_without_declaring_it(
    uk_fr: Scheme, nationality: str
) -> None:
    case = located(uk_fr, date(1990, 1, 1), date(2015, 6, 1), nationality=nationality)
    with pytest.raises(NotEligible) as refused:
        case.record(action(uk_fr, "find_eligible", utc(2025, 9, 2)), uk_fr)
    for member in ("m0", "m1"):
        assert (
            f"member {member}: nationality {nationality} is excluded: only third-country nationals who are not EEA "
            "nationals may apply (Art. 12, rule 16)"
        ) in str(refused.value)
    assert case.status is AdmissionStatus.LOCATION_CONFIRMED


def test_one_eea_national_in_a_family_bars_the_whole_family(uk_fr: Scheme) -> None:
    afghan = family(date(1990, 1, 1), date(1992, 5, 5), nationality="AFG")
    members = (afghan[0], Applicant("m1", identity("FRA", date(1992, 5, 5)), is_main_applicant=False))
    bars = [str(b) for b in admission_bars(uk_fr, members, date(2025, 9, 2))]
    assert bars == [
        "member m1: nationality FRA is excluded: only third-country nationals who are not EEA nationals may apply "
        "(Art. 12, rule 16)"
    ]
    assert admission_bars(uk_fr, afghan, date(2025, 9, 2)) == []


def test_the_scheme_file_lists_the_eea_states_and_switzerland_for_both_directions(uk_fr: Scheme) -> None:
    returns = set(uk_fr.returns.eligibility.excluded_nationalities)
    admissions = set(uk_fr.admissions.eligibility.excluded_nationalities)
    assert returns == EEA | {"CHE", "GBR"}
    assert admissions == EEA | {"CHE", "GBR"}
    assert (returns | admissions) <= KNOWN_NATIONALITY_CODES
    assert len(uk_fr.returns.eligibility.excluded_nationalities) == len(returns)  # no code listed twice
    assert len(uk_fr.admissions.eligibility.excluded_nationalities) == len(admissions)


def test_eu_turkey_excludes_no_nationality_the_brief_does_not_name(eu_tr: Scheme) -> None:
    assert eu_tr.returns.eligibility.excluded_nationalities == ()
    assert eu_tr.admissions.eligibility.excluded_nationalities == ()
    assert eu_tr.returns.eligibility.adult_age == 18


def _uk_fr_text() -> str:
    return resources.files(BUNDLED_PACKAGE).joinpath("uk-fr-2025.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("edit", "field", "reason"),
    [
        (('"GBR", "FRA",  # the parties', '"GB", "FRA",  # the parties'), "returns.eligibility", "match pattern"),
        (
            ("nationalities = []                  # brief §2 Art. 3", 'nationalities = ["FRA"]  # brief §2 Art. 3'),
            "returns.eligibility",
            "both in nationalities and in excluded_nationalities",
        ),
    ],
)
def test_excluded_nationalities_are_alpha_3_codes_outside_any_whitelist(
    edit: tuple[str, str], field: str, reason: str
) -> None:
    text = _uk_fr_text()
    assert edit[0] in text
    with pytest.raises(SchemeError) as refused:
        parse_scheme(text.replace(*edit), "edited.toml")
    assert any(f.startswith(field) and reason in why for f, why in refused.value.problems), refused.value.problems


def test_adding_the_exclusions_changed_the_version_and_comments_still_do_not() -> None:
    text = _uk_fr_text()
    assert parse_scheme(text.replace("# the parties", "# other words")).version == load_scheme("uk-fr-2025").version
    assert parse_scheme(text.replace('"CHE",  # Switzerland: free', "# ")).version != load_scheme("uk-fr-2025").version


# Rule 3: a date of birth that makes a recorded adult a child is an age dispute.


def test_a_recorded_adult_whose_date_of_birth_makes_them_17_on_arrival_is_age_disputed(uk_fr: Scheme) -> None:
    # The demo's case: born 13 August 2007, landed 9 August 2025, recorded as an adult.
    [found] = reasons(uk_fr, person(born=date(2007, 8, 13)), at=utc(2025, 8, 9, 4))
    assert found == [
        "age disputed: recorded as an adult, but the recorded date of birth makes them under 18 on arrival "
        "(2025-08-09); not eligible until an age assessment is recorded (rule 3)"
    ]


def test_the_age_on_arrival_is_taken_on_the_uk_date(uk_fr: Scheme) -> None:
    # 23:30 UTC on 12 August 2025 is 00:30 BST on 13 August, the 18th birthday: an adult.
    assert reasons(uk_fr, person(born=date(2007, 8, 13)), at=utc(2025, 8, 12, 23, 30)) == [[]]
    # 22:30 UTC is 23:30 BST on 12 August: still 17.
    [found] = reasons(uk_fr, person(born=date(2007, 8, 13)), at=utc(2025, 8, 12, 22, 30))
    assert "makes them under 18 on arrival (2025-08-12)" in found[0]


def test_a_1_january_placeholder_contradicts_adult_only_when_every_day_of_that_year_would(uk_fr: Scheme) -> None:
    # Born at any time in 2008, a person landing on 9 August 2025 is at most 17.
    [flagged] = reasons(uk_fr, person(born=date(2008, 1, 1)), at=utc(2025, 8, 9, 4))
    assert "date of birth makes them under 18" in flagged[0]
    # Born in 2007 they might be 17 or 18: the officer's "adult" stands; an estimate does not overturn it.
    assert reasons(uk_fr, person(born=date(2007, 1, 1)), at=utc(2025, 8, 9, 4)) == [[]]


def test_no_date_of_birth_leaves_the_officers_record_as_it_is(uk_fr: Scheme) -> None:
    assert reasons(uk_fr, person(born=None)) == [[]]


def test_an_adult_whose_date_of_birth_says_child_does_not_accompany_a_minor(uk_fr: Scheme) -> None:
    sibling, child = (
        person(born=date(2008, 3, 1), family_group="F1"),
        person(born=date(2012, 3, 1), age_status=AgeStatus.ACCOMPANIED_MINOR, family_group="F1"),
    )
    found = reasons(uk_fr, sibling, child)
    assert "age disputed" in found[0][0]
    assert found[1] == [
        "recorded as an accompanied minor but no adult of the same family group is on this arrival (rule 4)"
    ]
    parent = person(born=date(1985, 3, 1), family_group="F1")
    assert reasons(uk_fr, parent, child)[1] == []


# Admissions: ages are judged on the UK date of the decision.


def test_a_main_applicant_turning_18_is_found_eligible_at_00_30_bst_on_the_birthday(uk_fr: Scheme) -> None:
    case = admission_case(uk_fr, utc(2025, 8, 12, 10), family(date(2007, 8, 13)))
    case.record(
        action(uk_fr, "confirm_location", utc(2025, 8, 12, 11), country="FR", confirmed_member_ids=["m0"]), uk_fr
    )
    case.record(action(uk_fr, "find_eligible", utc(2025, 8, 12, 23, 30)), uk_fr)  # 00:30 BST on 13 August
    assert case.status is AdmissionStatus.ELIGIBLE


def test_a_main_applicant_is_still_17_at_23_30_bst_the_day_before(uk_fr: Scheme) -> None:
    case = admission_case(uk_fr, utc(2025, 8, 12, 10), family(date(2007, 8, 13)))
    case.record(
        action(uk_fr, "confirm_location", utc(2025, 8, 12, 11), country="FR", confirmed_member_ids=["m0"]), uk_fr
    )
    with pytest.raises(NotEligible, match="main applicant is 17, under 18"):
        case.record(action(uk_fr, "find_eligible", utc(2025, 8, 12, 22, 30)), uk_fr)


def test_a_member_who_turns_18_at_00_30_bst_must_confirm_their_location(uk_fr: Scheme) -> None:
    case = admission_case(uk_fr, utc(2025, 8, 12, 10), family(date(1990, 1, 1), date(2007, 8, 13)))
    with pytest.raises(InvalidCommand, match="not confirmed: m1"):
        case.record(
            action(uk_fr, "confirm_location", utc(2025, 8, 12, 23, 30), country="FR", confirmed_member_ids=["m0"]),
            uk_fr,
        )
