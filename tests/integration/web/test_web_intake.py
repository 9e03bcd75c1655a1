"""A boat recorded through the intake page: everyone screened at once, or, if one row is wrong, nothing saved and
the form drawn again with the error next to the field and everything that was typed."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.web_seed import SCHEME, Seeded, seeded_services

from parity.accounts.roles import Role
from parity.services.case_views import CaseQuery, list_return_cases
from parity.services.context import Services
from parity.services.intake import BOAT_TEXT_LIMITS, PERSON_TEXT_LIMITS

SignIn = Callable[[Role], TestClient]
INTAKE = f"/schemes/{SCHEME}/arrivals"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Services, Seeded]:
    """A database of its own: this module records arrivals that the read-only pages' tests would count."""
    path: Path = tmp_path_factory.mktemp("web-intake") / "parity.db"
    services, _clock, ids = seeded_services(f"sqlite:///{path}")
    return services, ids


def form_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def boat(page: str, ref: str) -> dict[str, str | list[str]]:
    """A boat of two: an adult who claimed protection and came through France, and one rescued at sea from Libya."""
    return {
        **form_fields(page),
        "boat_ref": ref,
        "arrived_on-day": "16",
        "arrived_on-month": "9",
        "arrived_on-year": "2025",
        "arrived_time": "04:10",
        "place": "Dover",
        "people-1-given_names": "Yonas",
        "people-1-family_name": "Tesfay",
        "people-1-nationality": "eri",
        "people-1-sex": "M",
        "people-1-age_status": "adult",
        "people-1-grounds": ["protection_claim", "apprehended"],
        "people-1-departed_from": "FR",
        "people-1-transit_evidence": "Interview: stayed in Dunkirk camp",
        "people-1-document_type": "passport",
        "people-1-document_number": "ER 1234567",
        "people-1-biometric_ref": "IDENT1-00042",
        "people-2-given_names": "Amina",
        "people-2-family_name": "Haile",
        "people-2-date_of_birth-day": "3",
        "people-2-date_of_birth-month": "4",
        "people-2-date_of_birth-year": "1994",
        "people-2-nationality": "ERI",
        "people-2-sex": "F",
        "people-2-age_status": "adult",
        "people-2-grounds": ["sea_rescue"],
        "people-2-departed_from": "LY",
    }


def case_count(services: Services) -> int:
    return len(list_return_cases(services, CaseQuery(limit=200)).items)


def test_a_boat_is_saved_and_each_person_screened(signed_in: SignIn, seeded: tuple[Services, Seeded]) -> None:
    caseworker = signed_in(Role.UK_CASEWORKER)
    before = case_count(seeded[0])
    page = caseworker.get(f"{INTAKE}/new")
    assert page.status_code == 200
    assert 'name="people-6-given_names"' in page.text

    saved = caseworker.post(INTAKE, data=boat(page.text, "SB-WEB-1"))

    assert saved.status_code == 200, saved.text
    assert "Arrival recorded" in saved.text
    assert "Boat SB-WEB-1: 2 people screened" in saved.text
    assert case_count(seeded[0]) == before + 2
    rows = saved.text.split('<tr class="govuk-table__row">')[2:]
    assert "Yonas Tesfay" in rows[0]
    assert "Eligible" in rows[0]
    assert "Amina Haile" in rows[1]
    assert "Not eligible" in rows[1]
    assert "<li>" in rows[1]  # with its reasons
    links = re.findall(r'href="(/return-cases/[^"]+)"', saved.text)
    assert len(links) == 2
    yonas, amina = caseworker.get(links[0]).text, caseworker.get(links[1]).text
    assert "Yonas" in yonas
    assert "Passport ER 1234567" in yonas  # the document and biometric reference are kept with the person
    assert "IDENT1-00042" in yonas
    assert amina.count("None recorded") == 2


def test_a_wrong_row_is_named_next_to_its_field_and_nothing_is_saved(
    signed_in: SignIn, seeded: tuple[Services, Seeded]
) -> None:
    caseworker = signed_in(Role.UK_CASEWORKER)
    before = case_count(seeded[0])
    form = boat(caseworker.get(f"{INTAKE}/new").text, "SB-WEB-2")
    form["people-2-nationality"] = "Eritrea"

    refused = caseworker.post(INTAKE, data=form)

    assert refused.status_code == 422
    assert "There is a problem" in refused.text
    assert 'href="#people-2-nationality"' in refused.text
    field = refused.text[refused.text.index('id="people-2-nationality-error"') :]
    assert "Enter the nationality of person 2 as 3 letters, like ERI" in field[:300]
    for typed in ('value="SB-WEB-2"', 'value="Eritrea"', 'value="Tesfay"', 'value="1994"', "Dunkirk camp"):
        assert typed in refused.text
    assert re.search(r'name="people-2-grounds"[^>]*value="sea_rescue"[^>]*checked', refused.text)
    assert case_count(seeded[0]) == before


def test_add_another_person_draws_one_more_row_and_keeps_what_was_typed(signed_in: SignIn) -> None:
    caseworker = signed_in(Role.UK_CASEWORKER)
    form = {**boat(caseworker.get(f"{INTAKE}/new").text, "SB-WEB-3"), "add_person": "1"}
    more = caseworker.post(INTAKE, data=form)
    assert more.status_code == 200
    assert 'name="people-7-given_names"' in more.text
    assert 'value="Amina"' in more.text
    assert "There is a problem" not in more.text


def test_only_roles_that_record_arrivals_see_the_form(signed_in: SignIn) -> None:
    assert signed_in(Role.INSPECTOR).get(f"{INTAKE}/new").status_code == 403


@pytest.mark.parametrize(
    ("fields", "wrong", "message"),
    [
        ({"people-2-document_number": "P 998877"}, "people-2-document_type", "Choose the document type of person 2"),
        (
            {"people-2-document_type": "national_id"},
            "people-2-document_number",
            "Enter the document number of person 2",
        ),
        (
            {"people-2-document_type": "passport", "people-2-document_number": "P#998877"},
            "people-2-document_number",
            "The document number of person 2 must be 64 characters or fewer",
        ),
        (
            {"people-2-biometric_ref": "B" * 129},
            "people-2-biometric_ref",
            "The biometric reference of person 2 must be 128 characters or fewer",
        ),
    ],
)
def test_a_wrong_document_or_biometric_reference_is_named_in_its_row_and_nothing_is_saved(
    signed_in: SignIn, seeded: tuple[Services, Seeded], fields: dict[str, str], wrong: str, message: str
) -> None:
    caseworker = signed_in(Role.UK_CASEWORKER)
    before = case_count(seeded[0])
    form = boat(caseworker.get(f"{INTAKE}/new").text, "SB-WEB-4") | fields

    refused = caseworker.post(INTAKE, data=form)

    assert refused.status_code == 422
    assert f'href="#{wrong}"' in refused.text
    next_to_field = refused.text[refused.text.index(f'id="{wrong}-error"') :]
    assert message in next_to_field[:400]
    assert 'id="people-1-document_type-error"' not in refused.text  # the first row is right
    assert 'value="ER 1234567"' in refused.text  # what was typed is kept
    assert re.search(r'value="passport"\s+selected', refused.text)
    assert case_count(seeded[0]) == before


@pytest.mark.parametrize(
    ("field", "limit", "message"),
    [
        ("boat_ref", BOAT_TEXT_LIMITS["boat_ref"], "The boat reference must be 64 characters or fewer"),
        ("place", BOAT_TEXT_LIMITS["place"], "The place must be 200 characters or fewer"),
        (
            "people-2-family_name",
            PERSON_TEXT_LIMITS["family_name"],
            "The name of person 2 must be 200 characters or fewer",
        ),
        (
            "people-2-transit_evidence",
            PERSON_TEXT_LIMITS["transit_evidence"],
            "The evidence for person 2 must be 2000 characters or fewer",
        ),
        (
            "people-2-family_group",
            PERSON_TEXT_LIMITS["family_group"],
            "The family group of person 2 must be 64 characters or fewer",
        ),
        (
            "people-2-document_number",
            PERSON_TEXT_LIMITS["document_number"],
            "The document number of person 2 must be 64 characters or fewer",
        ),
    ],
)
def test_the_form_takes_text_up_to_the_limit_every_way_in_shares_and_no_further(
    signed_in: SignIn, seeded: tuple[Services, Seeded], field: str, limit: int, message: str
) -> None:
    # The same limits as the API and the CSV import (parity.services.intake): a value the form takes is never
    # refused later by the service, and the message names the shared limit.
    caseworker = signed_in(Role.UK_CASEWORKER)
    document = {"people-2-document_type": "passport"} if "document" in field else {}
    form = boat(caseworker.get(f"{INTAKE}/new").text, f"SB-WEB-LIMIT-{field}") | document

    refused = caseworker.post(INTAKE, data=form | {field: "A" * (limit + 1)})
    assert refused.status_code == 422
    next_to_field = refused.text[refused.text.index(f'id="{field}-error"') :]
    assert message in next_to_field[:400]

    taken = caseworker.post(INTAKE, data=form | {field: "A" * limit})
    assert taken.status_code == 200
    assert "There is a problem" not in taken.text
    assert "Yonas Tesfay" in taken.text  # the boat's people were recorded and screened
