"""`parity users` (accounts, roles, API tokens) and `parity audit` (verify, checkpoint): operator commands.

The operator acts as `cli:<login name>`; every change is audited like any other write.
"""

from __future__ import annotations

import getpass
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from parity.accounts.roles import ROLE_SCOPES, Role, Scope
from parity.bootstrap import build_services
from parity.config import Settings
from parity.domain.errors import DomainError
from parity.services import accounts, audit, demo
from parity.services.audit import Acting, acting_as
from parity.services.context import Services
from parity.services.ports import NotFound

users_app = typer.Typer(help="Users, roles and API tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)


@contextmanager
def _operator() -> Iterator[Services]:
    """Services acting as the local operator, with refusals reported as one clear line and exit status 1."""
    services = build_services(Settings.from_environment())
    try:
        with acting_as(Acting(f"cli:{getpass.getuser()}", "operator", "cli")):
            yield services
    except (DomainError, NotFound, ValueError) as error:
        errors.print(f"[bold red]Error:[/] {error}", highlight=False)
        raise typer.Exit(code=1) from None


def _user_id(services: Services, username: str) -> str:
    found = next((u for u in accounts.list_users(services) if u.username == username), None)
    if found is None:
        raise NotFound(f"no user named {username!r}")
    return found.user_id


@users_app.command("create")
def create(
    username: str,
    role: Annotated[Role, typer.Option(help="The user's role")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="PARITY_NEW_PASSWORD",
            help="At least 12 characters (prompted for if not given)",
        ),
    ],
    totp: Annotated[bool, typer.Option(help="Enrol a second factor even where the role does not need one")] = False,
) -> None:
    """Create a user. Roles that see personal data get a TOTP secret: enrol it in an authenticator app now."""
    with _operator() as services:
        created = accounts.create_user(services, str(uuid.uuid4()), username, role, password, totp=totp)
    console.print(f"Created {created.username} ({created.role.value}), id {created.user_id}.")
    if created.totp_uri:
        console.print(f"Second factor (shown once): secret {created.totp_secret}\n  {created.totp_uri}")


@users_app.command("token")
def token(
    username: str,
    label: Annotated[str, typer.Option(help="What the token is for")],
    scope: Annotated[list[Scope] | None, typer.Option(help="Repeat for each scope; default: all of the role's")] = None,
    days: Annotated[int, typer.Option(min=1, max=accounts.MAX_TOKEN_DAYS, help="Days until it expires")] = 90,
) -> None:
    """Issue a scoped API token for a machine client acting as USERNAME. The token is shown once."""
    with _operator() as services:
        scopes = [s.value for s in scope] if scope else None
        issued = accounts.issue_token(
            services, str(uuid.uuid4()), _user_id(services, username), label, scopes=scopes, days=days
        )
    console.print(
        f"Token {issued.token_id} for {username}, scopes {', '.join(issued.scopes)}, "
        f"expires {issued.expires_at:%Y-%m-%d}. Shown once:"
    )
    console.print(issued.token or "", highlight=False, soft_wrap=True)


@users_app.command("revoke")
def revoke(token_id: str) -> None:
    """Revoke an API token by its id."""
    with _operator() as services:
        accounts.revoke_token(services, str(uuid.uuid4()), token_id)
    console.print(f"Token {token_id} revoked.")


@users_app.command("list")
def list_all() -> None:
    """Users with their roles, scopes and status."""
    with _operator() as services:
        users = accounts.list_users(services)
    table = Table("username", "role", "status", "second factor", "id")
    for user in users:
        status = "disabled" if user.disabled else ("locked" if user.locked_until else "active")
        table.add_row(user.username, user.role.value, status, "yes" if user.totp_enrolled else "no", user.user_id)
    console.print(table)
    for role in Role:
        console.print(f"{role.value}: {', '.join(sorted(ROLE_SCOPES[role]))}", highlight=False)


@users_app.command("disable")
def disable(username: str) -> None:
    """Disable a user: their sessions and tokens stop working at once."""
    with _operator() as services:
        accounts.disable_user(services, str(uuid.uuid4()), _user_id(services, username))
    console.print(f"{username} is disabled.")


@users_app.command("totp-code")
def totp_code(username: str) -> None:
    """The current second-factor code of a demo account (`parity demo`); refused for any other account."""
    with _operator() as services:
        code = demo.demo_totp_code(services, username)
    console.print(code, highlight=False)


@audit_app.command("verify")
def verify() -> None:
    """Check every entry and signed checkpoint; exits non-zero naming the first bad entry."""
    with _operator() as services:
        result = audit.verify(services)
    if not result.ok:
        errors.print(f"[bold red]Audit log broken[/] at entry {result.first_bad}: {result.reason}", highlight=False)
        errors.print(f"({result.checked} entries before it hold.)")
        raise typer.Exit(code=1)
    console.print(
        f"Audit log intact: {result.checked} entries checked, {result.checkpoints} signed checkpoint(s) hold."
    )


@audit_app.command("checkpoint")
def checkpoint() -> None:
    """Sign the chain's head now with the configured key (checkpoints are also made every N entries)."""
    with _operator() as services:
        signed = audit.checkpoint(services)
    if signed is None:
        console.print("Nothing to sign: the log is empty or its head is already signed.")
        return
    console.print(f"Signed checkpoint at entry {signed.seq} with key {signed.key_id}.")
