# ruff: noqa: RUF001 (French is written with its own apostrophe, U+2019)
"""The rules' refusals and the screening reasons in the reader's language: a French page says them in French, with
French dates, and the reasons kept on a case read back in either language."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.web_seed import SCHEME, Seeded, seeded_services

from parity.accounts.roles import Role
from parity.services.context import Services

SignIn = Callable[[Role], TestClient]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Services, Seeded]:
    """A database of its own: this module records a boat that the read-only pages' tests would count."""
    path: Path = tmp_path_factory.mktemp("web-french") / "parity.db"
    services, _clock, ids = seeded_services(f"sqlite:///{path}")
    return services, ids


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found is not None, f"no field {name}"
    return found.group(1)


def test_a_late_readmission_request_is_refused_in_french(signed_in: SignIn, seeded: tuple[Services, Seeded]) -> None:
    caseworker = signed_in(Role.UK_CASEWORKER)
    case_id = seeded[1].never_requested  # arrived on 1 September: its request was due by the end of the 15th
    page = caseworker.get(f"/return-cases/{case_id}?lang=fr").text
    start = page.index('name="action" value="send_request"')
    form = page[page.rindex("<form", 0, start) : page.index("</form>", start)]

    refused = caseworker.post(
        f"/return-cases/{case_id}/actions",
        data={"csrf_token": hidden(page, "csrf_token"), "action": "send_request", "version": hidden(form, "version")},
    )

    assert refused.status_code == 409
    assert (
        "la demande de réadmission devait être envoyée avant le 15 sept. 2025, 24:00 (arrivée + 14 jours, art. 8 du "
        "traité) ; elle ne peut plus être envoyée"
    ) in refused.text
    assert "had to be sent" not in refused.text


def test_screening_reasons_show_in_french_at_intake_and_on_the_case(signed_in: SignIn) -> None:
    caseworker = signed_in(Role.UK_CASEWORKER)
    page = caseworker.get(f"/schemes/{SCHEME}/arrivals/new?lang=fr").text
    form = {
        **dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)),
        "boat_ref": "SB-WEB-FR",
        "arrived_on-day": "1",
        "arrived_on-month": "8",
        "arrived_on-year": "2025",
        "arrived_time": "04:10",
        "place": "Dover",
        "people-1-given_names": "Amina",
        "people-1-family_name": "Haile",
        "people-1-nationality": "ERI",
        "people-1-sex": "F",
        "people-1-age_status": "adult",
        "people-1-grounds": ["sea_rescue"],
        "people-1-departed_from": "LY",
    }

    screened = caseworker.post(f"/schemes/{SCHEME}/arrivals", data=form)

    assert screened.status_code == 200, screened.text
    before_the_scheme = "arrivée le 1 août 2025, en dehors de la période de validité du dispositif (règle 24)"
    late = "le délai de la demande de réadmission a expiré le 15 août 2025, 24:00 (règle 5)"
    for reason in (before_the_scheme, "traversée depuis le pays FR non enregistrée (règle 2)", late):
        assert f"<li>{reason}</li>" in screened.text
    [case_link] = re.findall(r'href="(/return-cases/[^"]+)"', screened.text)
    in_french = caseworker.get(case_link).text
    assert before_the_scheme in in_french
    assert "reasons_message" not in in_french
    in_english = caseworker.get(f"{case_link}?lang=en").text
    assert "arrived on 1 August 2025, outside the scheme&#39;s period in force (rule 24)" in in_english


def error_summary(html: str) -> str:
    start = html.index("govuk-error-summary__list")
    return html[start : html.index("</ul>", start)]


def test_an_action_refused_by_the_case_is_named_by_its_french_words(
    signed_in: SignIn, seeded: tuple[Services, Seeded]
) -> None:
    caseworker = signed_in(Role.UK_CASEWORKER)
    case_id = seeded[1].claimed_human_rights  # its request was sent: detaining again is refused
    page = caseworker.get(f"/return-cases/{case_id}?lang=fr").text
    posted = {"csrf_token": hidden(page, "csrf_token"), "action": "detain", "version": hidden(page, "version")}

    refused = caseworker.post(f"/return-cases/{case_id}/actions", data=posted)

    assert refused.status_code == 409
    summary = error_summary(refused.text)
    assert (
        "Les règles du dossier l’ont refusé : l’action « En rétention » n’est pas permise tant que le dossier est au "
        "statut « Demande envoyée » (actions permises : Demande acceptée, Signalement d’identité tranché, "
    ) in summary
    for code in ("detain", "request_sent", "decide_identity_match", "record_legal_event"):
        assert code not in summary

    in_english = caseworker.post(f"/return-cases/{case_id}/actions?lang=en", data=posted)
    assert (
        "The case&#39;s rules refused this: &#39;Detained&#39; is not allowed while the case is Request sent "
        "(allowed: Request accepted, Identity flag decided, "
    ) in error_summary(in_english.text)


def test_codes_on_a_french_case_page_and_request_page_are_shown_in_words(
    signed_in: SignIn, seeded: tuple[Services, Seeded]
) -> None:
    caseworker, liaison = signed_in(Role.UK_CASEWORKER), signed_in(Role.FR_LIAISON)

    timeline = caseworker.get(f"/return-cases/{seeded[1].refused}?lang=fr").text
    request = liaison.get(f"/readmission-requests/{seeded[1].claimed_human_rights}?lang=fr").text

    assert "Ordre public</span>" in timeline  # the answer's reason, chosen from the scheme's list
    assert "public_order" not in timeline
    assert "A demandé une protection" in request  # the Art. 3 ground
    assert "protection_claim" not in request
