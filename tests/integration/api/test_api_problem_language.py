"""A refusal's problem+json `detail` is English unless the client asks for French with Accept-Language; its `code`
is the same in both."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from tests.api_support import Account
from tests.integration.api.test_api_flows import ARRIVAL as FLOWS_ARRIVAL
from tests.integration.api.test_api_flows import PERSON, audit_outcomes

from parity.accounts.roles import Role
from parity.services.context import Services, SettableClock

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


def invalid(response: Any) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = dict(response.json())
    assert (body["code"], body["type"]) == ("invalid_request", "urn:parity:problem:invalid_request")
    return body


def reasons(body: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {error["field"]: (error["type"], error["message"]) for error in body["errors"]}


# A boat with one person wrongly written: the third has no family name, an empty given name, a sex the API does
# not know and a day February does not have; the boat is too long a place name, a time without its offset and a
# field no request has.
WRONG_PERSON = {
    **{key: value for key, value in PERSON.items() if key != "family_name"},
    "given_names": "",
    "sex": "Q",
    "date_of_birth": "1995-02-30",
}
WRONG_ARRIVAL = {
    **ARRIVAL,
    "arrived_at": "2025-09-01T04:00:00",
    "place": "D" * 201,
    "people": [PERSON, PERSON, WRONG_PERSON],
    "colour": "red",
}


def test_each_wrong_field_is_named_with_its_reason_in_french_when_asked(
    http: TestClient, services: Services, accounts: dict[Role, Account]
) -> None:
    caseworker = accounts[Role.UK_CASEWORKER]
    french = invalid(http.post("/api/v1/arrivals", json=WRONG_ARRIVAL, headers={**caseworker.bearer, **FRENCH}))
    english = invalid(http.post("/api/v1/arrivals", json=WRONG_ARRIVAL, headers=caseworker.bearer))

    assert reasons(french) == {
        "arrived_at": (
            "timezone_aware",
            "doit indiquer son décalage par rapport à UTC, par exemple +01:00 ou Z",
        ),
        "place": ("string_too_long", "doit compter au plus 200 caractère(s)"),
        "people.2.given_names": ("string_too_short", "doit compter au moins 1 caractère(s)"),
        "people.2.family_name": ("missing", "est obligatoire"),
        "people.2.sex": ("enum", "doit valoir 'F', 'M' ou 'U'"),
        "people.2.date_of_birth": (
            "date_from_datetime_parsing",
            "doit être une date au format AAAA-MM-JJ : ce jour n\u2019existe pas dans ce mois",
        ),
        "colour": ("extra_forbidden", "n\u2019est pas un champ de cette requête"),
    }
    assert reasons(english) == {
        "arrived_at": ("timezone_aware", "must give its offset from UTC, such as +01:00 or Z"),
        "place": ("string_too_long", "must be at most 200 character(s) long"),
        "people.2.given_names": ("string_too_short", "must be at least 1 character(s) long"),
        "people.2.family_name": ("missing", "is required"),
        "people.2.sex": ("enum", "must be 'F', 'M' or 'U'"),
        "people.2.date_of_birth": (
            "date_from_datetime_parsing",
            "must be a date written YYYY-MM-DD: the month has no such day",
        ),
        "colour": ("extra_forbidden", "is not a field of this request"),
    }
    assert french["detail"].startswith(
        "arrived_at : doit indiquer son décalage par rapport à UTC, par exemple +01:00 ou Z; place : doit compter"
    )
    assert english["detail"].startswith("arrived_at: must give its offset from UTC, such as +01:00 or Z; place: must")
    assert english["detail"].endswith("; colour: is not a field of this request")
    # Neither the answer nor the audit quotes what was sent: a wrong field may hold personal data.
    assert not [text for text in (french["detail"], english["detail"]) if "1995-02-30" in text or "DDDD" in text]
    refused = [e for e in audit_outcomes(services) if e[3].startswith("refused")]
    assert refused == [(caseworker.user_id, "POST /arrivals", (), "refused 422 invalid_request")] * 2


def test_query_parameters_and_the_liaisons_answer_are_refused_in_french(
    http: TestClient, accounts: dict[Role, Account]
) -> None:
    caseworker, liaison = accounts[Role.UK_CASEWORKER], accounts[Role.FR_LIAISON]
    listed = invalid(http.get("/api/v1/return-cases?status=flying&limit=0", headers={**caseworker.bearer, **FRENCH}))
    proposed = invalid(
        http.post(
            "/api/v1/selection-proposals",
            json={"scheme_id": "uk-fr-2025", "places": "25", "method": "simplex"},
            headers={**caseworker.bearer, **FRENCH},
        )
    )
    answered = invalid(
        http.post(
            "/api/v1/readmission-requests/any-case/answer",
            json={"answer": "peut-être", "reason": ""},
            headers={**liaison.bearer, "If-Match": '"2"', **FRENCH},
        )
    )

    listed_reasons = reasons(listed)
    assert listed_reasons["query limit"] == ("greater_than_equal", "doit être supérieur ou égal à 1")
    assert listed_reasons["query status.0"][0] == "enum"
    assert listed_reasons["query status.0"][1].startswith("doit valoir 'new', 'detected',")
    assert listed_reasons["query status.0"][1].endswith(" 'absconded' ou 'deadline_expired'")
    assert reasons(proposed) == {
        "places": ("int_type", "doit être un nombre entier"),
        "method": ("literal_error", "doit valoir 'mip' ou 'greedy'"),
    }
    assert reasons(answered) == {
        "answer": ("literal_error", "doit valoir 'accept', 'refuse' ou 'extend'"),
        "reason": ("string_too_short", "doit compter au moins 1 caractère(s)"),
    }
    assert answered["detail"] == (
        "answer : doit valoir 'accept', 'refuse' ou 'extend'; reason : doit compter au moins 1 caractère(s)"
    )


def test_a_body_that_is_not_json_says_where_in_french(http: TestClient, accounts: dict[Role, Account]) -> None:
    headers = {**accounts[Role.UK_CASEWORKER].bearer, "Content-Type": "application/json", **FRENCH}
    response = http.post("/api/v1/arrivals", content=b'{"scheme_id" "uk-fr-2025"}', headers=headers)

    assert response.status_code == 400, response.text
    body = response.json()
    assert (body["code"], body["detail"]) == ("malformed_json", "le corps de la requête n\u2019est pas du JSON valide")
    assert body["errors"] == [
        {"field": "13", "message": "n\u2019est pas du JSON valide : un « : » est attendu", "type": "json_invalid"}
    ]
