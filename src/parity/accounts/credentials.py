"""Credentials: argon2id password hashes, TOTP second factors, and random secrets kept only as hashes.

Session ids and API tokens are long random values: a SHA-256 of them is enough to look them up without storing
anything that could be replayed (unlike passwords, they cannot be guessed, so a slow hash would only cost time).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2-cffi's defaults are RFC 9106's second recommended profile (argon2id, 64 MiB, 3 passes).
_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 12
TOKEN_PREFIX = "pty_"  # noqa: S105 (marks a Parity token in logs and scanners; not a secret)
TOTP_ISSUER = "Parity"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None (length over composition rules: NCSC password guidance)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > 1024:
        return "must be at most 1024 characters"
    return None


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, username: str) -> str:
    """The otpauth:// URI an authenticator app scans at enrolment."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=TOTP_ISSUER)


def totp_code(secret: str, at: datetime) -> str:
    return pyotp.TOTP(secret).at(at)


def totp_step(secret: str, code: str, at: datetime) -> int | None:
    """The 30-second step whose code this is: now or the step either side (clock drift between phone and server);
    None if it is none of them. Callers refuse a step already used, so a code cannot be replayed."""
    totp = pyotp.TOTP(secret)
    for offset in (-1, 0, 1):
        if hmac.compare_digest(totp.at(at, counter_offset=offset), code.strip()):
            return totp.timecode(at) + offset
    return None


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def new_api_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def csrf_token(session_secret: str) -> str:
    """The CSRF token of a session, derived from its secret, so the server stores nothing more (double submit)."""
    return hmac.new(session_secret.encode(), b"parity-csrf", hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
