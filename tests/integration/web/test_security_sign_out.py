"""Signing out through the pages with a bearer token, which has no session cookie, is a clear answer, not a 500."""

from __future__ import annotations

from fastapi import FastAPI
from tests.api_support import Account

from parity.accounts.roles import Role

from .conftest import https_client


def test_signing_out_with_a_bearer_token_and_no_session_cookie_goes_to_sign_in(
    app: FastAPI, accounts: dict[Role, Account]
) -> None:
    caseworker = accounts[Role.UK_CASEWORKER]
    response = https_client(app).post("/sign-out", headers=caseworker.bearer, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/sign-in?signed_out=1")
    assert https_client(app).get("/api/v1/session", headers=caseworker.bearer).status_code == 200  # token untouched
