"""A second-factor code works once: replaying it, even within its 30-second step, is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from parity.accounts import credentials
from parity.accounts.roles import Role
from parity.services.accounts import AuthenticationFailed, create_user, sign_in
from parity.services.context import Services, SettableClock

PASSWORD = "correct horse battery 42"  # noqa: S105 (a test account)


def test_a_code_is_accepted_once_and_the_next_steps_code_works(services: Services, clock: SettableClock) -> None:
    secret = create_user(services, "create-l", "liaison.fr", Role.FR_LIAISON, PASSWORD).totp_secret
    assert secret is not None
    code = credentials.totp_code(secret, clock.now())
    assert sign_in(services, "liaison.fr", PASSWORD, code).principal.username == "liaison.fr"
    with pytest.raises(AuthenticationFailed):
        sign_in(services, "liaison.fr", PASSWORD, code)
    clock.current += timedelta(seconds=30)
    sign_in(services, "liaison.fr", PASSWORD, credentials.totp_code(secret, clock.now()))
