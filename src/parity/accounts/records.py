"""Stored account records, as the services read and write them through their ports."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from parity.accounts.roles import Role


@dataclass(frozen=True)
class UserRecord:
    id: str
    username: str
    role: Role
    password_hash: str
    totp_secret: str | None
    totp_last_step: int | None  # the last TOTP step accepted: a code from it or before is never accepted again
    disabled: bool
    failed_logins: int
    locked_until: datetime | None
    created_at: datetime

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def with_changes(self, **changes: object) -> UserRecord:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class SessionRecord:
    id_hash: str
    user_id: str
    created_at: datetime
    expires_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None = None


@dataclass(frozen=True)
class TokenRecord:
    id: str
    token_hash: str
    user_id: str
    label: str
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
