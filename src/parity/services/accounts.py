"""Accounts: users with argon2id passwords and TOTP, browser sessions, scoped API tokens, throttled sign-in.

Every change goes through `run_command` (idempotent, audited in its transaction); sign-in and sign-out write their
own audit entry in the same transaction as the session change. Secrets (passwords, session ids, tokens, TOTP
secrets) are never logged, never stored in the command log, and shown once: sessions and tokens are kept as hashes.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from parity.accounts import credentials
from parity.accounts.records import SessionRecord, TokenRecord, UserRecord
from parity.accounts.roles import ROLE_SCOPES, Principal, Role, Scope, needs_totp, parse_scopes
from parity.domain.errors import DomainError, InvalidCommand
from parity.domain.messages import Message
from parity.services.audit import acting, append
from parity.services.context import Services, run_command
from parity.services.ports import UnitOfWork

SESSION_IDLE = timedelta(minutes=30)
SESSION_LIFETIME = timedelta(hours=12)
SESSION_TOUCH_EVERY = timedelta(minutes=1)  # refresh last-seen at most this often: not a write per request
MAX_FAILED_SIGN_INS = 5
LOCKOUT = timedelta(minutes=15)
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 366
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
WRONG_CREDENTIALS = Message("wrong username, password or second-factor code")


class AuthenticationFailed(DomainError):
    code = "authentication_failed"


class AccountLocked(DomainError):
    code = "account_locked"

    def __init__(self, message: Message, until: datetime) -> None:
        super().__init__(message)
        self.until = until


class NotAuthenticated(DomainError):
    code = "not_authenticated"


@dataclass(frozen=True)
class UserView:
    """A user as listed: no hashes, no secrets."""

    user_id: str
    username: str
    role: Role
    disabled: bool
    locked_until: datetime | None
    totp_enrolled: bool
    created_at: datetime


@dataclass(frozen=True)
class CreatedUser:
    user_id: str
    username: str
    role: Role
    totp_secret: str | None  # shown once, for the authenticator app; None on a replayed command
    totp_uri: str | None


@dataclass(frozen=True)
class SignedIn:
    principal: Principal
    session_secret: str  # goes in the cookie; only its hash is stored
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class IssuedToken:
    token_id: str
    user_id: str
    scopes: tuple[str, ...]
    expires_at: datetime
    token: str | None  # shown once; None on a replayed command


def create_user(
    services: Services,
    command_id: str,
    username: str,
    role: Role,
    password: str,
    *,
    totp: bool | None = None,
    totp_secret: str | None = None,
) -> CreatedUser:
    """Create a user; roles that see personal data always get a TOTP secret (`totp` can add one for others).

    `totp_secret` is for the demo's accounts only, whose secrets are public (services/demo.py); everyone else gets
    a new random secret."""
    if not USERNAME.match(username):
        raise InvalidCommand(
            Message(
                "field 'username' must be 3-64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or "
                "digit (got %(username)s)",
                username=repr(username),
            )
        )
    problem = credentials.password_problem(password)
    if problem:
        raise InvalidCommand(Message("field 'password' %(problem)s", problem=problem))
    secret = totp_secret or (credentials.new_totp_secret() if totp or needs_totp(role) else None)
    created: dict[str, str] = {}

    def handle(uow: UnitOfWork) -> Mapping[str, Any]:
        if uow.accounts.user_named(username) is not None:
            raise InvalidCommand(
                Message("field 'username': a user named %(username)s already exists", username=repr(username))
            )
        user = UserRecord(
            id=str(uuid.uuid4()),
            username=username,
            role=role,
            password_hash=credentials.hash_password(password),
            totp_secret=secret,
            totp_last_step=None,
            disabled=False,
            failed_logins=0,
            locked_until=None,
            created_at=services.clock.now(),
        )
        uow.accounts.add_user(user)
        created["user_id"] = user.id
        return {"user_id": user.id, "username": username, "role": role.value}

    # The password is not part of the fingerprint: the command log keeps that hash, and passwords can be guessed.
    result = run_command(services, command_id, "user:create", {"username": username, "role": role.value}, handle)
    fresh = "user_id" in created
    return CreatedUser(
        result["user_id"],
        username,
        role,
        secret if fresh else None,
        credentials.totp_uri(secret, username) if fresh and secret else None,
    )


def disable_user(services: Services, command_id: str, user_id: str) -> Mapping[str, Any]:
    """Disable a user: their sessions and tokens stop working at once; the record stays for the audit trail."""

    def handle(uow: UnitOfWork) -> Mapping[str, Any]:
        user = uow.accounts.user(user_id)
        uow.accounts.save_user(user.with_changes(disabled=True))
        return {"user_id": user.id, "disabled": True}

    return run_command(services, command_id, "user:disable", {"user_id": user_id}, handle)


def list_users(services: Services) -> list[UserView]:
    with services.uow() as uow:
        users = uow.accounts.users()
    return [
        UserView(u.id, u.username, u.role, u.disabled, u.locked_until, u.totp_secret is not None, u.created_at)
        for u in users
    ]


def sign_in(services: Services, username: str, password: str, totp_code: str | None) -> SignedIn:
    """Check password and second factor; after MAX_FAILED_SIGN_INS failures in a row the account is locked for
    LOCKOUT. Failures are audited and counted in the same transaction; the message never says which part failed."""
    now = services.clock.now()
    with services.uow() as uow:
        user = uow.accounts.user_named(username)
        refusal = _sign_in_refusal(user, username, password, totp_code, now)
        if user is None or refusal is not None:
            refusal = refusal or AuthenticationFailed(WRONG_CREDENTIALS)
            if not isinstance(refusal, AccountLocked):
                _count_failure(uow, user, username, now)
            append(
                uow,
                services.audit,
                now,
                "session:sign_in",
                record_ids=[user.id] if user else [],
                outcome=f"refused {refusal.code}",
            )
            uow.commit()
            refusal.audited = True
            raise refusal
        step = credentials.totp_step(user.totp_secret, totp_code or "", now) if user.totp_secret else None
        uow.accounts.save_user(user.with_changes(failed_logins=0, locked_until=None, totp_last_step=step))
        secret = credentials.new_secret()
        expires_at = now + SESSION_LIFETIME
        uow.accounts.add_session(SessionRecord(credentials.digest(secret), user.id, now, expires_at, now))
        who = acting()
        who.user_id, who.role = user.id, user.role.value
        append(uow, services.audit, now, "session:sign_in", record_ids=[user.id], outcome="done")
        uow.commit()
    principal = Principal(user.id, user.username, user.role, ROLE_SCOPES[user.role], "session")
    return SignedIn(principal, secret, credentials.csrf_token(secret), expires_at)


def _locked(until: datetime) -> AccountLocked:
    return AccountLocked(
        Message("too many failed sign-ins: the account is locked until %(until)s", until=until.replace(microsecond=0)),
        until,
    )


def _sign_in_refusal(
    user: UserRecord | None, username: str, password: str, totp_code: str | None, now: datetime
) -> DomainError | None:
    if user is None:
        credentials.verify_password(_unknown_user_hash(), password)  # same time as for a real user: no enumeration
        until = _UNKNOWN_NAMES.locked_until(username, now)
        return _locked(until) if until is not None else AuthenticationFailed(WRONG_CREDENTIALS)
    if user.locked(now) and user.locked_until is not None:
        return _locked(user.locked_until)
    if not credentials.verify_password(user.password_hash, password):
        return AuthenticationFailed(WRONG_CREDENTIALS)
    if user.totp_secret is not None:
        step = credentials.totp_step(user.totp_secret, totp_code, now) if totp_code else None
        if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
            return AuthenticationFailed(WRONG_CREDENTIALS)
    elif needs_totp(user.role):
        return AuthenticationFailed(
            Message("role %(role)s needs a second factor, and none is enrolled", role=user.role.value)
        )
    if user.disabled:
        return AuthenticationFailed(Message("this account is disabled"))
    return None


def _after_failure(failed_logins: int, now: datetime) -> tuple[int, datetime | None]:
    """The failures counted and the lock, after one more failed sign-in."""
    failures = failed_logins + 1
    return (0, now + LOCKOUT) if failures >= MAX_FAILED_SIGN_INS else (failures, None)


def _count_failure(uow: UnitOfWork, user: UserRecord | None, username: str, now: datetime) -> None:
    if user is None:
        _UNKNOWN_NAMES.fail(username, now)
        return
    failures, locked_until = _after_failure(user.failed_logins, now)
    uow.accounts.save_user(user.with_changes(failed_logins=failures, locked_until=locked_until or user.locked_until))


class _UnknownNameFailures:
    """Failed sign-ins under names no account has, counted and locked as an account's are: were they never locked,
    the lockout would tell which usernames exist (OWASP WSTG-IDNT-04). Kept in this process, for the most recent
    names only: nothing about them is worth storing."""

    def __init__(self, most: int = 10_000) -> None:
        self._most = most
        self._names: OrderedDict[str, tuple[int, datetime | None]] = OrderedDict()
        self._lock = threading.Lock()

    def locked_until(self, name: str, now: datetime) -> datetime | None:
        with self._lock:
            _, until = self._names.get(name, (0, None))
        return until if until is not None and until > now else None

    def fail(self, name: str, now: datetime) -> None:
        with self._lock:
            failed, _ = self._names.pop(name, (0, None))
            self._names[name] = _after_failure(failed, now)
            while len(self._names) > self._most:
                self._names.popitem(last=False)


_UNKNOWN_NAMES = _UnknownNameFailures()


@cache
def _unknown_user_hash() -> str:
    return credentials.hash_password(credentials.new_secret())


def session_principal(services: Services, session_secret: str) -> Principal:
    """The signed-in user of a session cookie, or NotAuthenticated if it is unknown, ended, idle or expired."""
    now = services.clock.now()
    with services.uow() as uow:
        session = uow.accounts.session(credentials.digest(session_secret))
        if session is None or session.ended_at is not None:
            raise NotAuthenticated(Message("no valid session: sign in"))
        if now >= session.expires_at or now >= session.last_seen_at + SESSION_IDLE:
            raise NotAuthenticated(Message("your session has expired: sign in again"))
        user = uow.accounts.user(session.user_id)
        if user.disabled:
            raise NotAuthenticated(Message("this account is disabled"))
        if now >= session.last_seen_at + SESSION_TOUCH_EVERY:
            uow.accounts.touch_session(session.id_hash, now)
            uow.commit()
    return Principal(user.id, user.username, user.role, ROLE_SCOPES[user.role], "session")


def sign_out(services: Services, session_secret: str) -> None:
    now = services.clock.now()
    with services.uow() as uow:
        id_hash = credentials.digest(session_secret)
        session = uow.accounts.session(id_hash)
        if session is None:
            return
        uow.accounts.end_session(id_hash, now)
        append(uow, services.audit, now, "session:sign_out", record_ids=[session.user_id], outcome="done")
        uow.commit()


def token_principal(services: Services, token: str) -> Principal:
    """The machine client behind a bearer token: its scopes are the token's, narrowed to its user's role now."""
    now = services.clock.now()
    with services.uow() as uow:
        found = uow.accounts.token_with_hash(credentials.digest(token))
        if found is None:
            raise NotAuthenticated(Message("unknown API token"))
        if found.revoked_at is not None:
            raise NotAuthenticated(Message("this API token was revoked"))
        if now >= found.expires_at:
            raise NotAuthenticated(
                Message("this API token expired at %(at)s", at=found.expires_at.replace(microsecond=0))
            )
        user = uow.accounts.user(found.user_id)
    if user.disabled:
        raise NotAuthenticated(Message("the account of this API token is disabled"))
    scopes = frozenset(scope for scope in ROLE_SCOPES[user.role] if scope.value in found.scopes)
    return Principal(user.id, user.username, user.role, scopes, "token")


def issue_token(
    services: Services,
    command_id: str,
    user_id: str,
    label: str,
    *,
    scopes: Sequence[str] | None = None,
    days: int = DEFAULT_TOKEN_DAYS,
    within: frozenset[Scope] | None = None,
) -> IssuedToken:
    """An API token for a machine client acting as `user_id`, with `scopes` (default: all of the role's). `within`:
    the scopes of whoever asks for it (a user for their own client), which the token may never pass."""
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidCommand(
            Message("field 'days' must be from 1 to %(most)s, not %(days)s", most=MAX_TOKEN_DAYS, days=days)
        )
    if not label.strip() or len(label) > 100:
        raise InvalidCommand(Message("field 'label' must be 1-100 characters"))
    issued: dict[str, str] = {}

    def handle(uow: UnitOfWork) -> Mapping[str, Any]:
        user = uow.accounts.user(user_id)
        if user.disabled:
            raise InvalidCommand(Message("user %(user)s is disabled: no token can be issued", user=user_id))
        granted = parse_scopes(list(scopes), user.role) if scopes is not None else ROLE_SCOPES[user.role]
        if within is not None:
            if scopes is None:
                granted &= within
            elif beyond := sorted(s.value for s in granted - within):
                raise InvalidCommand(
                    Message("a token cannot hold scopes its issuer lacks: %(scopes)s", scopes=", ".join(beyond))
                )
        token = credentials.new_api_token()
        now = services.clock.now()
        record = TokenRecord(
            id=str(uuid.uuid4()),
            token_hash=credentials.digest(token),
            user_id=user.id,
            label=label,
            scopes=tuple(sorted(s.value for s in granted)),
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        uow.accounts.add_token(record)
        issued["token"] = token
        return {
            "token_id": record.id,
            "user_id": user.id,
            "scopes": list(record.scopes),
            "expires_at": record.expires_at.isoformat(),
        }

    request = {
        "user_id": user_id,
        "label": label,
        "scopes": sorted(scopes) if scopes is not None else None,
        "days": days,
    }
    result = run_command(services, command_id, "token:issue", request, handle)
    return IssuedToken(
        result["token_id"],
        result["user_id"],
        tuple(result["scopes"]),
        datetime.fromisoformat(result["expires_at"]),
        issued.get("token"),
    )


def revoke_token(services: Services, command_id: str, token_id: str) -> Mapping[str, Any]:
    def handle(uow: UnitOfWork) -> Mapping[str, Any]:
        token = uow.accounts.token(token_id)
        uow.accounts.revoke_token(token.id, services.clock.now())
        return {"token_id": token.id, "user_id": token.user_id, "revoked": True}

    return run_command(services, command_id, "token:revoke", {"token_id": token_id}, handle)


def list_tokens(services: Services, user_id: str | None = None) -> list[TokenRecord]:
    with services.uow() as uow:
        return uow.accounts.tokens(user_id)
