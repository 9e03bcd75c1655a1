"""API fixtures: the app over the `services` store (SQLite and PostgreSQL), one account of every role."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.api_support import Account, client, make_account, make_app

from parity.accounts import credentials
from parity.accounts.roles import Role
from parity.audit import new_signer
from parity.services.audit import AuditPolicy
from parity.services.context import Services


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with tiny costs: the tests check behaviour, not the hash's cost (tested once in the unit tests)."""
    monkeypatch.setattr(credentials, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def accounts(services: Services) -> dict[Role, Account]:
    return {role: make_account(services, role) for role in Role}


@pytest.fixture
def app(services: Services) -> FastAPI:
    services.audit = AuditPolicy(new_signer(), checkpoint_every=5)  # sign often: checkpoints are exercised too
    return make_app(services)


@pytest.fixture
def http(app: FastAPI) -> TestClient:
    return client(app)
