"""The CSV reader applies the API's rules to every field (one definition, in `parity.services.intake`): 3-letter
nationalities, the same length limits, the same dates of birth and arrival times; each problem named by line and
field, without the value where it may be personal data."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from parity.api.schemas import ArrivalIn, PersonIn
from parity.scheme import Scheme
from parity.services import intake
from parity.services.arrivals_csv import ArrivalsFileRejected, parse_arrivals_csv
from parity.store import tables

NOW = datetime(2025, 9, 1, 8, tzinfo=UTC)
HEADER = (
    "boat_ref,arrived_at,place,given_names,family_name,nationality,sex,age_status,grounds,departed_from,"
    "date_of_birth,transit_evidence,family_group,document_type,document_number,biometric_ref"
)
FIELDS = HEADER.split(",")
GOOD = {
    "boat_ref": "SB-1",
    "arrived_at": "2025-09-01T04:10",
    "place": "Dover",
    "given_names": "Yonas",
    "family_name": "Tesfay",
    "nationality": "ERI",
    "sex": "M",
    "age_status": "adult",
    "grounds": "protection_claim",
    "departed_from": "FR",
    "date_of_birth": "1995-02-03",
    "transit_evidence": "camp",
    "family_group": "F1",
    "document_type": "passport",
    "document_number": "ER123",
    "biometric_ref": "BIO-1",
}


def csv_of(*rows: dict[str, str]) -> str:
    return "\n".join([HEADER, *(",".join({**GOOD, **row}[f] for f in FIELDS) for row in rows)])


def problems(uk_fr: Scheme, *rows: dict[str, str]) -> dict[tuple[int, str], str]:
    with pytest.raises(ArrivalsFileRejected) as refused:
        parse_arrivals_csv(csv_of(*rows), uk_fr, "cli", NOW)
    return {(p.line, p.field): p.reason for p in refused.value.problems}


@pytest.mark.parametrize("code", ["ER", "eri", "ERIT", "E1I"])
def test_a_nationality_must_be_three_capital_letters_like_the_apis(uk_fr: Scheme, code: str) -> None:
    assert problems(uk_fr, {}, {"nationality": code}) == {
        (3, "nationality"): f"'{code}' is not an ISO 3166-1 alpha-3 country code (3 capital letters)"
    }


def test_departed_from_takes_two_or_three_letters_like_the_apis(uk_fr: Scheme) -> None:
    parsed = parse_arrivals_csv(csv_of({"departed_from": "FRA"}, {"departed_from": "FR"}), uk_fr, "cli", NOW)
    assert [p.departed_from for p in parsed.arrivals[0].people] == ["FRA", "FR"]
    assert set(problems(uk_fr, {"departed_from": "F"})) == {(2, "departed_from")}


@pytest.mark.parametrize(("field", "limit"), sorted({**intake.BOAT_TEXT_LIMITS, **intake.PERSON_TEXT_LIMITS}.items()))
def test_each_text_field_has_the_apis_length_limit(uk_fr: Scheme, field: str, limit: int) -> None:
    at_limit = "A" * limit
    parse_arrivals_csv(csv_of({field: at_limit}), uk_fr, "cli", NOW)
    found = problems(uk_fr, {}, {field: at_limit + "B"})
    assert found == {(3, field): f"is {limit + 1} characters long; at most {limit} are allowed"}


def test_the_limits_are_the_apis_own_and_fit_the_store(uk_fr: Scheme) -> None:
    schema_limit = {
        **{name: ArrivalIn.model_fields[name] for name in intake.BOAT_TEXT_LIMITS},
        **{name: PersonIn.model_fields[name] for name in intake.PERSON_TEXT_LIMITS},
    }
    for name, field in schema_limit.items():
        limits = [m.max_length for m in field.metadata if hasattr(m, "max_length")]
        assert limits == [{**intake.BOAT_TEXT_LIMITS, **intake.PERSON_TEXT_LIMITS}[name]], name
    for table, names in ((tables.arrivals, intake.BOAT_TEXT_LIMITS), (tables.people, intake.PERSON_TEXT_LIMITS)):
        for name, limit in names.items():
            column = table.c.get(name)
            length = getattr(column.type, "length", None) if column is not None else None
            assert length is None or length >= limit, name


@pytest.mark.parametrize("born", ["2025-09-02", "2031-01-01", "1899-12-31"])
def test_a_date_of_birth_after_the_arrival_or_before_1900_is_refused_without_repeating_it(
    uk_fr: Scheme, born: str
) -> None:
    assert problems(uk_fr, {"date_of_birth": born}) == {
        (2, "date_of_birth"): "is impossible: before 1900-01-01 or after the arrival"
    }


def test_an_arrival_time_out_of_range_is_refused_by_line(uk_fr: Scheme) -> None:
    found = problems(
        uk_fr, {"arrived_at": "0001-01-01T00:00"}, {"boat_ref": "SB-2", "arrived_at": "0001-01-01T00:00+05:00"}
    )
    assert set(found) == {(2, "arrived_at"), (3, "arrived_at")}
    assert found[(2, "arrived_at")] == (
        "0001-01-01T00:00 must lie between 2020-08-06 (five years before the scheme came into force) and now"
    )
    soon = problems(uk_fr, {"arrived_at": "2025-09-01T10:00"})
    assert soon == {(2, "arrived_at"): "2025-09-01T10:00 is in the future"}


def test_grounds_must_name_one_to_three_grounds(uk_fr: Scheme) -> None:
    assert problems(uk_fr, {"grounds": ";"}) == {(2, "grounds"): "names no ground"}
    four = "protection_claim;apprehended;sea_rescue;apprehended"
    assert problems(uk_fr, {"grounds": four}) == {(2, "grounds"): "names 4 grounds; at most 3 are allowed"}


def test_a_boat_holds_at_most_as_many_people_as_the_api_takes(uk_fr: Scheme) -> None:
    most = intake.MOST_PEOPLE_PER_BOAT
    assert ArrivalIn.model_fields["people"].metadata[-1].max_length == most
    parsed = parse_arrivals_csv(csv_of(*({} for _ in range(most))), uk_fr, "cli", NOW)
    assert len(parsed.arrivals[0].people) == most
    assert problems(uk_fr, *({} for _ in range(most + 1))) == {
        (most + 2, "boat_ref"): f"boat SB-1 has more than {most} people"
    }


def test_each_boat_remembers_its_first_line(uk_fr: Scheme) -> None:
    parsed = parse_arrivals_csv(csv_of({}, {"boat_ref": "SB-2"}, {}), uk_fr, "cli", NOW)
    assert [(a.boat_ref, a.line) for a in parsed.arrivals] == [("SB-1", 2), ("SB-2", 3)]


def test_a_date_of_birth_is_compared_with_the_local_day_of_arrival(uk_fr: Scheme) -> None:
    half_past_midnight_bst = datetime(2025, 9, 15, 23, 30, tzinfo=UTC)  # 16 September in London
    assert intake.birth_date_problem(date(2025, 9, 16), uk_fr, half_past_midnight_bst) is None
    assert intake.birth_date_problem(date(2025, 9, 17), uk_fr, half_past_midnight_bst) is not None
