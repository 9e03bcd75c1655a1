"""Helpers for API tests: users of every role with tokens, and a client that speaks to the app in process."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.testclient import TestClient

from parity.accounts import credentials
from parity.accounts.roles import Role
from parity.api import create_app
from parity.config import Settings
from parity.services.accounts import create_user, issue_token
from parity.services.context import Services

PASSWORD = "correct horse battery staple"  # noqa: S105 (test accounts only)


@dataclass(frozen=True)
class Account:
    user_id: str
    username: str
    role: Role
    token: str
    totp_secret: str | None

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def make_account(services: Services, role: Role, username: str | None = None) -> Account:
    name = username or f"{role.value}-{uuid.uuid4().hex[:6]}"
    created = create_user(services, str(uuid.uuid4()), name, role, PASSWORD)
    issued = issue_token(services, str(uuid.uuid4()), created.user_id, "tests")
    return Account(created.user_id, name, role, issued.token or "", created.totp_secret)


def make_app(services: Services) -> FastAPI:
    return create_app(services, Settings(database_url="sqlite://", schemes=()))


def client(app: FastAPI) -> TestClient:
    # https: the session cookie is Secure, and is sent back over HTTPS only
    return TestClient(app, base_url="https://testserver", raise_server_exceptions=False)


def totp_now(services: Services, account: Account) -> str:
    assert account.totp_secret is not None
    return credentials.totp_code(account.totp_secret, services.clock.now())
