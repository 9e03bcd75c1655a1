"""The demo's accounts: one per role, with a published password and TOTP secrets anyone can work out.

A demo database is for trying Parity on one's own machine, so its sign-ins are public (README). Each demo account's
TOTP secret is derived from its username by a published recipe; `demo_totp_code` gives the current code only for
an account whose stored secret is exactly that public one. On any other account (every account made by
`parity users create`, whose secret is random) it refuses, so it can never reveal a code that is not public already.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from parity.accounts import credentials
from parity.accounts.roles import Role
from parity.domain.errors import InvalidCommand
from parity.domain.messages import Message
from parity.services.accounts import create_user
from parity.services.context import Services

DEMO_PASSWORD = "parity-demo-password"  # noqa: S105 (published in the README: demo databases only)
DEMO_USERS: dict[str, Role] = {
    "demo-caseworker": Role.UK_CASEWORKER,
    "demo-supervisor": Role.UK_SUPERVISOR,
    "demo-liaison": Role.FR_LIAISON,
    "demo-committee": Role.COMMITTEE_MEMBER,
    "demo-inspector": Role.INSPECTOR,
    "demo-analyst": Role.ANALYST,
    "demo-admin": Role.ADMINISTRATOR,
}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    password: str
    totp_secret: str


def demo_totp_secret(username: str) -> str:
    """The public TOTP secret of a demo account: base32 of SHA-256("parity-demo:" + username), 32 characters."""
    digest = hashlib.sha256(f"parity-demo:{username}".encode()).digest()
    return base64.b32encode(digest[:20]).decode("ascii")


def create_demo_accounts(services: Services) -> list[DemoAccount]:
    """One account per role, every one with a second factor (even roles that do not need one, to show it)."""
    accounts = []
    for username, role in DEMO_USERS.items():
        secret = demo_totp_secret(username)
        create_user(services, f"demo-account:{username}", username, role, DEMO_PASSWORD, totp_secret=secret)
        accounts.append(DemoAccount(username, role, DEMO_PASSWORD, secret))
    return accounts


def demo_totp_code(services: Services, username: str) -> str:
    """The current second-factor code of a demo account; refused for every other account."""
    with services.uow() as uow:
        user = uow.accounts.user_named(username)
    public = demo_totp_secret(username)
    if user is None or user.totp_secret is None or not credentials.same(user.totp_secret, public):
        raise InvalidCommand(
            Message(
                "%(username)s is not a demo account of this database: codes are given only for the demo's accounts, "
                "whose secrets are public (parity demo)",
                username=repr(username),
            )
        )
    return credentials.totp_code(public, services.clock.now())
