"""API tokens are issued to a signed-in session only: a token that could issue tokens would let a short-lived or
narrowed token mint a long-lived child that outlives the revocation of the token that asked for it."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi.testclient import TestClient
from tests.api_support import PASSWORD, Account, totp_now

from parity.accounts.roles import Role
from parity.services.accounts import issue_token
from parity.services.context import Services, SettableClock

TOKENS = "/api/v1/session/tokens"


def session_headers(http: TestClient, services: Services, account: Account) -> dict[str, str]:
    """Signs `account` in on `http` (its session cookie is kept there) and gives the CSRF header a change needs."""
    credentials = {"username": account.username, "password": PASSWORD}
    if account.totp_secret:
        credentials["totp"] = totp_now(services, account)
    signed = http.post("/api/v1/session", json=credentials)
    assert signed.status_code == 201, signed.text
    return {"X-CSRF-Token": signed.json()["csrf_token"]}


def test_a_token_cannot_issue_a_token_so_none_outlives_its_parents_revocation(
    http: TestClient, services: Services, clock: SettableClock, accounts: dict[Role, Account]
) -> None:
    caseworker, admin = accounts[Role.UK_CASEWORKER], accounts[Role.ADMINISTRATOR]
    short = issue_token(
        services,
        str(uuid.uuid4()),
        caseworker.user_id,
        "one day",
        scopes=["returns:read", "personal-data:read"],
        days=1,
    )
    parent = {"Authorization": f"Bearer {short.token}"}

    refused = http.post(TOKENS, json={"label": "child", "days": 366}, headers=parent)

    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "forbidden"
    assert "an API token cannot issue tokens" in refused.json()["detail"]
    assert http.post(f"/api/v1/tokens/{short.token_id}/revoke", headers=admin.bearer).status_code == 200
    clock.current += timedelta(days=2)
    assert http.get("/api/v1/session", headers=parent).status_code == 401


def test_a_token_of_any_role_is_refused_and_a_signed_in_session_is_issued_one(
    http: TestClient, services: Services, accounts: dict[Role, Account]
) -> None:
    for role, account in accounts.items():
        refused = http.post(TOKENS, json={"label": "x", "days": 1}, headers=account.bearer)
        assert (role, refused.status_code) == (role, 403)
    supervisor = accounts[Role.UK_SUPERVISOR]
    issued = http.post(TOKENS, json={"label": "script", "days": 1}, headers=session_headers(http, services, supervisor))
    assert issued.status_code == 201, issued.text
    assert issued.json()["user_id"] == supervisor.user_id
    child = {"Authorization": f"Bearer {issued.json()['token']}"}
    assert http.get("/api/v1/session", headers=child).json()["via"] == "token"
