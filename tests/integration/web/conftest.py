"""The app (API + pages) over a seeded SQLite file, called in-process (no browser), with one account per role."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.api_support import PASSWORD, Account, make_account, totp_now
from tests.web_seed import Seeded, seeded_services

from parity.accounts import credentials
from parity.accounts.roles import Role
from parity.api.security import SignInThrottle
from parity.config import Settings
from parity.services.context import Services, SettableClock
from parity.web import create_web_app


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Services, Seeded]:
    path: Path = tmp_path_factory.mktemp("web") / "parity.db"
    services, _clock, ids = seeded_services(f"sqlite:///{path}")
    return services, ids


@pytest.fixture(scope="module")
def app(seeded: tuple[Services, Seeded]) -> FastAPI:
    app = create_web_app(seeded[0], Settings(database_url="sqlite://", schemes=()))
    app.state.sign_in_throttle = SignInThrottle(limit=10_000)  # many sign-ins from one address in these tests
    return app


@pytest.fixture(scope="module")
def accounts(seeded: tuple[Services, Seeded]) -> dict[Role, Account]:
    fast = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(credentials, "_hasher", fast)
        return {role: make_account(seeded[0], role) for role in Role}


def https_client(app: FastAPI) -> TestClient:
    # https: the session cookie is Secure, and is sent back over HTTPS only
    return TestClient(app, base_url="https://testserver", raise_server_exceptions=False)


def post_sign_in(client: TestClient, form: dict[str, str], path: str = "/sign-in") -> httpx.Response:
    """Posts the sign-in form as a browser does: after opening the page, with the token it set."""
    page = client.get(path)
    token = re.search(r'name="sign_in_token" value="([^"]+)"', page.text)
    assert token is not None, "the sign-in page has no form token"
    return client.post(path, data={**form, "sign_in_token": token.group(1)}, follow_redirects=False)


@pytest.fixture
def signed_in(
    app: FastAPI, seeded: tuple[Services, Seeded], accounts: dict[Role, Account]
) -> Iterator[Callable[[Role], TestClient]]:
    """A client signed in through the sign-in page as the account of a role."""
    clients: list[TestClient] = []

    def sign_in_as(role: Role) -> TestClient:
        account = accounts[role]
        client = https_client(app)
        clients.append(client)
        clock = seeded[0].clock
        assert isinstance(clock, SettableClock)
        clock.current += timedelta(seconds=30)  # a code is accepted once only: each sign-in needs a fresh one
        code = totp_now(seeded[0], account) if account.totp_secret else ""
        form = {"username": account.username, "password": PASSWORD, "totp": code}
        response = post_sign_in(client, form)
        assert response.status_code == 303, response.text
        return client

    yield sign_in_as
    for client in clients:
        client.close()


@pytest.fixture
def client(signed_in: Callable[[Role], TestClient]) -> TestClient:
    """A supervisor: every read-only page is open to them."""
    return signed_in(Role.UK_SUPERVISOR)
