# ruff: noqa: RUF001 (French is written with its own apostrophe, U+2019)
"""Codes inside a French refusal's `detail`: each action, status or answer named by its French words, with the code a
client sends or reads in brackets; the English `detail` names the codes alone, as before."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from tests.api_support import Account
from tests.integration.api.test_api_flows import ARRIVAL as FLOWS_ARRIVAL
from tests.integration.api.test_api_flows import act

from parity.accounts.roles import Role

ARRIVAL = {**FLOWS_ARRIVAL, "boat_ref": "SB-2025-09-01-CODES"}
FRENCH = {"Accept-Language": "fr"}


def problem(response: Any, status: int, code: str) -> str:
    assert (response.status_code, response.json()["code"]) == (status, code), response.text
    return str(response.json()["detail"])


def arrive(http: TestClient, caseworker: Account) -> str:
    arrived = http.post("/api/v1/arrivals", json=ARRIVAL, headers=caseworker.bearer)
    assert arrived.status_code == 201, arrived.text
    return str(arrived.json()["cases"][0]["case_id"])


def test_an_illegal_action_names_the_action_and_the_status_in_french_with_their_codes(
    http: TestClient, accounts: dict[Role, Account]
) -> None:
    caseworker = accounts[Role.UK_CASEWORKER]
    case_id = arrive(http, caseworker)
    assert act(http, caseworker, case_id, "detain", 0).status_code == 200
    url = f"/api/v1/return-cases/{case_id}/actions"

    def detain_again(**headers: str) -> str:
        again = http.post(url, json={"action": "detain"}, headers={**caseworker.bearer, "If-Match": '"1"', **headers})
        return problem(again, 409, "illegal_transition")

    english, french = detain_again(), detain_again(**FRENCH)

    assert english.startswith(
        "'detain' is not allowed while the case is detained (allowed: decide_identity_match, expire_request_deadline"
    )
    assert french.startswith(
        "l’action « En rétention (detain) » n’est pas permise tant que le dossier est au statut « En rétention "
        "(detained) » (actions permises : Signalement d’identité tranché (decide_identity_match), Délai de demande "
        "expiré (expire_request_deadline), "
    )
    assert french.endswith("Demande de réadmission envoyée (send_request))")


def test_the_liaison_officers_answer_is_named_in_french(http: TestClient, accounts: dict[Role, Account]) -> None:
    caseworker, liaison = accounts[Role.UK_CASEWORKER], accounts[Role.FR_LIAISON]
    case_id = arrive(http, caseworker)
    for version, step in enumerate(("detain", "send_request")):
        assert act(http, caseworker, case_id, step, version).status_code == 200

    refused = http.post(
        f"/api/v1/readmission-requests/{case_id}/answer",
        json={"answer": "refuse"},
        headers={**liaison.bearer, "If-Match": '"2"', **FRENCH},
    )

    detail = problem(refused, 422, "invalid_command")
    assert detail == "le champ « reason » est obligatoire pour la réponse « Demande refusée (refuse) »"


def test_an_action_is_named_by_the_words_of_the_kind_of_case_the_request_is_about(
    http: TestClient, accounts: dict[Role, Account]
) -> None:
    caseworker = accounts[Role.UK_CASEWORKER]
    refused = http.post(
        "/api/v1/admission-cases/some-case/actions",
        json={"action": "refuse"},
        headers={**caseworker.bearer, "If-Match": '"0"', **FRENCH},
    )

    assert problem(refused, 403, "approval_required") == (
        "« Autorisation d’entrée refusée (refuse) » est une décision qu’une personne ne peut pas prendre seule : "
        "proposez-la (POST /api/v1/admission-cases/some-case/proposals) pour qu’un autre agent l’approuve"
    )
