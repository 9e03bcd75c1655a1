"""Users, sessions and API tokens in and out of their tables (issue 3)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select, update

from parity.accounts.records import SessionRecord, TokenRecord, UserRecord
from parity.accounts.roles import Role
from parity.domain.messages import Message
from parity.protection import FieldCipher
from parity.services.ports import NotFound
from parity.store import tables as t
from parity.store.protected import USERS


def _user(cipher: FieldCipher, stored: RowMapping) -> UserRecord:
    row = USERS.open(cipher, stored)
    return UserRecord(
        id=row["id"],
        username=row["username"],
        role=Role(row["role"]),
        password_hash=row["password_hash"],
        totp_secret=row["totp_secret"],
        totp_last_step=row["totp_last_step"],
        disabled=row["disabled"],
        failed_logins=row["failed_logins"],
        locked_until=row["locked_until"],
        created_at=row["created_at"],
    )


def _user_columns(cipher: FieldCipher, user: UserRecord) -> dict[str, Any]:
    return USERS.seal(
        cipher,
        {
            "id": user.id,
            "username": user.username,
            "role": user.role.value,
            "password_hash": user.password_hash,
            "totp_secret": user.totp_secret,
            "totp_last_step": user.totp_last_step,
            "disabled": user.disabled,
            "failed_logins": user.failed_logins,
            "locked_until": user.locked_until,
        },
    )


def _token(row: RowMapping) -> TokenRecord:
    return TokenRecord(
        id=row["id"],
        token_hash=row["token_hash"],
        user_id=row["user_id"],
        label=row["label"],
        scopes=tuple(row["scopes"]),
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
    )


class SqlAccountRepository:
    def __init__(self, connection: Connection, cipher: FieldCipher) -> None:
        self.connection = connection
        self.cipher = cipher

    def add_user(self, user: UserRecord) -> None:
        self.connection.execute(insert(t.users).values(created_at=user.created_at, **_user_columns(self.cipher, user)))

    def user(self, user_id: str) -> UserRecord:
        row = self.connection.execute(select(t.users).where(t.users.c.id == user_id)).mappings().first()
        if row is None:
            raise NotFound(Message("no user %(user)s", user=user_id))
        return _user(self.cipher, row)

    def user_named(self, username: str) -> UserRecord | None:
        row = self.connection.execute(select(t.users).where(t.users.c.username == username)).mappings().first()
        return None if row is None else _user(self.cipher, row)

    def users(self) -> list[UserRecord]:
        rows = self.connection.execute(select(t.users).order_by(t.users.c.username)).mappings()
        return [_user(self.cipher, row) for row in rows]

    def save_user(self, user: UserRecord) -> None:
        self.connection.execute(
            update(t.users).where(t.users.c.id == user.id).values(**_user_columns(self.cipher, user))
        )

    def add_session(self, session: SessionRecord) -> None:
        self.connection.execute(insert(t.user_sessions).values(**vars(session)))

    def session(self, id_hash: str) -> SessionRecord | None:
        query = select(t.user_sessions).where(t.user_sessions.c.id_hash == id_hash)
        row = self.connection.execute(query).mappings().first()
        return None if row is None else SessionRecord(**row)

    def touch_session(self, id_hash: str, at: datetime) -> None:
        self.connection.execute(
            update(t.user_sessions).where(t.user_sessions.c.id_hash == id_hash).values(last_seen_at=at)
        )

    def end_session(self, id_hash: str, at: datetime) -> None:
        self.connection.execute(
            update(t.user_sessions)
            .where(t.user_sessions.c.id_hash == id_hash, t.user_sessions.c.ended_at.is_(None))
            .values(ended_at=at)
        )

    def add_token(self, token: TokenRecord) -> None:
        self.connection.execute(insert(t.api_tokens).values(**{**vars(token), "scopes": list(token.scopes)}))

    def token(self, token_id: str) -> TokenRecord:
        row = self.connection.execute(select(t.api_tokens).where(t.api_tokens.c.id == token_id)).mappings().first()
        if row is None:
            raise NotFound(Message("no API token %(token)s", token=token_id))
        return _token(row)

    def token_with_hash(self, token_hash: str) -> TokenRecord | None:
        query = select(t.api_tokens).where(t.api_tokens.c.token_hash == token_hash)
        row = self.connection.execute(query).mappings().first()
        return None if row is None else _token(row)

    def tokens(self, user_id: str | None) -> list[TokenRecord]:
        query = select(t.api_tokens).order_by(t.api_tokens.c.created_at, t.api_tokens.c.id)
        if user_id is not None:
            query = query.where(t.api_tokens.c.user_id == user_id)
        return [_token(row) for row in self.connection.execute(query).mappings()]

    def revoke_token(self, token_id: str, at: datetime) -> None:
        self.connection.execute(
            update(t.api_tokens)
            .where(t.api_tokens.c.id == token_id, t.api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
