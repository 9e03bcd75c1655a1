"""The demo's accounts: one per role, signing in with the published password and the code the CLI gives; and the
code is refused for any account that is not a demo account."""

from __future__ import annotations

import uuid

import pytest
from argon2 import PasswordHasher

from parity.accounts import credentials
from parity.accounts.roles import Role
from parity.domain.errors import InvalidCommand
from parity.services.accounts import create_user, sign_in
from parity.services.context import Services
from parity.services.demo import DEMO_PASSWORD, DEMO_USERS, create_demo_accounts, demo_totp_code


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(credentials, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def test_every_role_has_a_demo_account_that_signs_in_with_the_code_given(services: Services) -> None:
    accounts = create_demo_accounts(services)
    assert {a.role for a in accounts} == set(Role)
    supervisor = next(a for a in accounts if a.role is Role.UK_SUPERVISOR)
    signed = sign_in(services, supervisor.username, DEMO_PASSWORD, demo_totp_code(services, supervisor.username))
    assert signed.principal.role is Role.UK_SUPERVISOR


def test_no_code_is_given_for_an_account_that_is_not_a_demo_account(services: Services) -> None:
    create_user(services, str(uuid.uuid4()), "a.smith", Role.UK_CASEWORKER, "a long enough password")
    with pytest.raises(InvalidCommand, match="not a demo account"):
        demo_totp_code(services, "a.smith")
    # an account named like a demo account, made by `parity users create`, has a random secret: refused too
    create_user(services, str(uuid.uuid4()), next(iter(DEMO_USERS)), Role.UK_CASEWORKER, "a long enough password")
    with pytest.raises(InvalidCommand, match="not a demo account"):
        demo_totp_code(services, next(iter(DEMO_USERS)))
    with pytest.raises(InvalidCommand, match="not a demo account"):
        demo_totp_code(services, "nobody")
