"""A refusal's problem+json `detail` is English unless the client asks for French with Accept-Language; its `code`
is the same in both."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from tests.api_support import Account
from tests.integration.api.test_api_flows import ARRIVAL as FLOWS_ARRIVAL

from parity.accounts.roles import Role
from parity.services.context import SettableClock

ARRIVAL = {**FLOWS_ARRIVAL, "boat_ref": "SB-2025-09-01-LANG"}


def test_a_late_request_is_refused_in_english_by_default_and_in_french_when_asked(
    http: TestClient, accounts: dict[Role, Account], clock: SettableClock
) -> None:
    caseworker = accounts[Role.UK_CASEWORKER]
    arrived = http.post("/api/v1/arrivals", json=ARRIVAL, headers=caseworker.bearer)
    assert arrived.status_code == 201, arrived.text
    case_id = arrived.json()["cases"][0]["case_id"]
    url = f"/api/v1/return-cases/{case_id}/actions"
    detained = http.post(url, json={"action": "detain"}, headers={**caseworker.bearer, "If-Match": '"0"'})
    assert detained.status_code == 200, detained.text
    clock.current += timedelta(days=15)  # past arrival + 14 days

    def send_request(**headers: str) -> dict[str, str]:
        response = http.post(
            url, json={"action": "send_request"}, headers={**caseworker.bearer, "If-Match": '"1"', **headers}
        )
        assert response.status_code == 409, response.text
        assert response.headers["content-type"] == "application/problem+json"
        return dict(response.json())

    english, british, french = (
        send_request(),
        send_request(**{"Accept-Language": "en-GB"}),
        send_request(**{"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}),
    )
    assert english["code"] == british["code"] == french["code"] == "deadline_passed"
    assert english["detail"] == british["detail"]
    assert english["detail"] == (
        "the readmission request had to be sent before 2025-09-15T23:00:00+00:00 (arrival + 14 days, treaty Art. 8); "
        "it can no longer be sent"
    )
    assert french["detail"] == (
        "la demande de réadmission devait être envoyée avant le 15 sept. 2025, 23:00 (arrivée + 14 jours, art. 8 "
        "du traité) ; elle ne peut plus être envoyée"
    )


FRENCH = {"Accept-Language": "fr"}


def test_the_api_layers_own_refusals_are_in_french_when_asked(http: TestClient, accounts: dict[Role, Account]) -> None:
    """Refusals raised before any rule of the scheme is reached: authentication, scope, headers, unknown paths."""
    liaison = accounts[Role.FR_LIAISON]
    unauthenticated = http.get("/api/v1/return-cases", headers=FRENCH)
    forbidden = http.post("/api/v1/arrivals", json=ARRIVAL, headers={**liaison.bearer, **FRENCH})
    caseworker = accounts[Role.UK_CASEWORKER]
    missing_if_match = http.post(
        "/api/v1/return-cases/no-such-case/actions", json={"action": "detain"}, headers={**caseworker.bearer, **FRENCH}
    )
    nowhere = http.get("/api/v1/no-such-thing", headers={**liaison.bearer, **FRENCH})
    no_request = http.get("/api/v1/readmission-requests/no-such-case", headers={**liaison.bearer, **FRENCH})
    english_nowhere = http.get("/api/v1/no-such-thing", headers=liaison.bearer)

    assert (unauthenticated.status_code, unauthenticated.json()["code"]) == (401, "not_authenticated")
    assert unauthenticated.json()["detail"] == (
        "connectez-vous (POST /api/v1/session) ou envoyez « Authorization: Bearer <jeton> »"
    )
    assert (forbidden.status_code, forbidden.json()["code"]) == (403, "forbidden")
    assert forbidden.json()["detail"].startswith("le rôle fr-liaison (avec ce jeton) ne peut pas faire cela : il faut")
    assert (missing_if_match.status_code, missing_if_match.json()["detail"]) == (
        428,
        "If-Match est obligatoire : envoyez l\u2019ETag du dossier tel que vous l\u2019avez lu en dernier",
    )
    assert (nowhere.status_code, nowhere.json()["detail"]) == (
        404,
        "rien ne se trouve à l\u2019adresse /api/v1/no-such-thing",
    )
    assert english_nowhere.json()["detail"] == "nothing is at /api/v1/no-such-thing"
    assert (no_request.status_code, no_request.json()["code"], no_request.json()["detail"]) == (
        404,
        "not_found",
        "aucun dossier de renvoi no-such-case",
    )
