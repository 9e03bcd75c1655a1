"""Roles, scopes and credentials: least privilege, minimisation, argon2id, TOTP, secrets kept as hashes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parity.accounts import ROLE_SCOPES, Principal, Role, Scope, credentials, needs_totp, parse_scopes
from parity.domain.errors import InvalidCommand

NOW = datetime(2025, 9, 1, 8, tzinfo=UTC)
PERSONAL = {Scope.PERSONAL_DATA_READ, Scope.READMISSION_READ}


def test_every_role_has_scopes_and_every_scope_a_role() -> None:
    assert set(ROLE_SCOPES) == set(Role)
    assert set().union(*ROLE_SCOPES.values()) == set(Scope)


def test_the_french_liaison_officer_sees_only_requests_and_answers_them() -> None:
    scopes = ROLE_SCOPES[Role.FR_LIAISON]
    assert Scope.READMISSION_READ in scopes
    assert Scope.READMISSION_ANSWER in scopes
    assert not scopes & {Scope.RETURNS_READ, Scope.RETURNS_ACT, Scope.PERSONAL_DATA_READ, Scope.ADMISSIONS_READ}


@pytest.mark.parametrize("role", [Role.COMMITTEE_MEMBER, Role.ANALYST, Role.ADMINISTRATOR])
def test_aggregate_roles_see_no_personal_data_or_case_files(role: Role) -> None:
    scopes = ROLE_SCOPES[role]
    assert not scopes & (PERSONAL | {Scope.RETURNS_READ, Scope.ADMISSIONS_READ, Scope.DEADLINES_READ})


def test_only_supervisors_approve_and_every_role_seeing_personal_data_needs_totp() -> None:
    approvers = {r for r, s in ROLE_SCOPES.items() if s & {Scope.RETURNS_APPROVE, Scope.ADMISSIONS_APPROVE}}
    assert approvers == {Role.UK_SUPERVISOR}
    for role, scopes in ROLE_SCOPES.items():
        if scopes & PERSONAL:
            assert needs_totp(role), role
    assert not needs_totp(Role.ANALYST)


def test_a_token_cannot_widen_its_role() -> None:
    assert parse_scopes(["ledger:read"], Role.ANALYST) == {Scope.LEDGER_READ}
    with pytest.raises(InvalidCommand, match="does not hold"):
        parse_scopes(["returns:read"], Role.ANALYST)
    with pytest.raises(InvalidCommand, match="unknown scope"):
        parse_scopes(["everything"], Role.ANALYST)


def test_a_principal_has_only_its_scopes() -> None:
    principal = Principal("u1", "analyst", Role.ANALYST, frozenset({Scope.LEDGER_READ}), "token")
    assert principal.has(Scope.LEDGER_READ)
    assert not principal.has(Scope.REPORTS_READ)


def test_passwords_are_argon2id_hashes_that_verify_only_the_password() -> None:
    stored = credentials.hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert "m=65536" in stored  # RFC 9106 profile: 64 MiB
    assert credentials.verify_password(stored, "correct horse battery")
    assert not credentials.verify_password(stored, "correct horse batterY")
    assert not credentials.verify_password("not a hash", "anything")
    assert credentials.hash_password("same") != credentials.hash_password("same")  # salted


def test_short_passwords_are_refused_with_the_reason() -> None:
    assert credentials.password_problem("short") == "must be at least 12 characters"
    assert credentials.password_problem("long enough passphrase") is None


def test_totp_accepts_the_current_step_and_its_neighbours_only() -> None:
    secret = credentials.new_totp_secret()
    now_step = credentials.totp_step(secret, credentials.totp_code(secret, NOW), NOW)
    assert now_step is not None
    assert (
        credentials.totp_step(secret, credentials.totp_code(secret, NOW - timedelta(seconds=30)), NOW) == now_step - 1
    )
    assert credentials.totp_step(secret, credentials.totp_code(secret, NOW - timedelta(minutes=5)), NOW) is None
    assert credentials.totp_uri(secret, "a.user").startswith("otpauth://totp/Parity:a.user?secret=")


def test_tokens_and_session_ids_are_random_and_kept_as_hashes() -> None:
    token = credentials.new_api_token()
    assert token.startswith("pty_")
    assert token != credentials.new_api_token()
    assert credentials.digest(token) != token
    assert len(credentials.digest(token)) == 64
    secret = credentials.new_secret()
    assert credentials.csrf_token(secret) == credentials.csrf_token(secret)
    assert credentials.csrf_token(secret) != credentials.csrf_token(credentials.new_secret())
