"""The keyring: every data key that may still protect a stored value, the one new values are written with, and the
separate secret that blind indexes are derived from.

Several data keys are live during a rotation: values are written with the active key and read with whichever key
their prefix names, until `parity keys rotate` has re-encrypted them all and the old key can be retired. The blind
index secret is not rotated with the data keys: an index must stay the same for the same value, or exact lookups
would miss the rows not yet re-encrypted.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from parity.protection.errors import KeyConfigurationError

KEY_BYTES = 32  # AES-256
# Key ids prefix every ciphertext and are matched with SQL LIKE, so they avoid LIKE's wildcards (_ and %).
KEY_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")


@dataclass(frozen=True)
class Keyring:
    keys: Mapping[str, bytes] = field(repr=False)
    active: str
    index_secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        for key_id, secret in self.keys.items():
            check_key_id(key_id)
            if len(secret) != KEY_BYTES:
                raise KeyConfigurationError(f"data key '{key_id}' has {len(secret)} bytes; it must have {KEY_BYTES}")
        if self.active not in self.keys:
            raise KeyConfigurationError(f"the active key '{self.active}' is not among the keys")
        if len(self.index_secret) != KEY_BYTES:
            raise KeyConfigurationError(f"the blind index key has {len(self.index_secret)} bytes; it must have 32")

    @classmethod
    def generate(cls) -> Keyring:
        """A new keyring: one fresh data key, active, and a fresh blind index secret."""
        key_id = new_key_id()
        return cls({key_id: secrets.token_bytes(KEY_BYTES)}, key_id, secrets.token_bytes(KEY_BYTES))

    def with_new_active_key(self) -> Keyring:
        """This keyring plus a fresh data key that new values are written with; the old keys still read."""
        key_id = new_key_id()
        while key_id in self.keys:
            key_id = new_key_id()
        return Keyring({**self.keys, key_id: secrets.token_bytes(KEY_BYTES)}, key_id, self.index_secret)

    def without(self, key_id: str) -> Keyring:
        """This keyring less a retired key (never the active one)."""
        if key_id == self.active:
            raise KeyConfigurationError(f"'{key_id}' is the active key: rotate to a new key before retiring it")
        if key_id not in self.keys:
            raise KeyConfigurationError(f"there is no key '{key_id}' (keys: {', '.join(self.keys)})")
        return Keyring({k: v for k, v in self.keys.items() if k != key_id}, self.active, self.index_secret)


def new_key_id() -> str:
    """A key id that sorts by creation time and says when the key was made: `20260315-1a2b3c`."""
    return f"{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(3)}"


def check_key_id(key_id: str) -> None:
    if not KEY_ID.match(key_id):
        raise KeyConfigurationError(
            f"key id {key_id!r} is not allowed: use 1 to 32 lower-case letters, digits and hyphens"
        )


def decode_secret(text: str, setting: str) -> bytes:
    """A 32-byte secret from its base64 text; the error names the setting, never the text."""
    try:
        secret = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyConfigurationError(f"{setting} is not valid base64") from None
    if len(secret) != KEY_BYTES:
        raise KeyConfigurationError(f"{setting} decodes to {len(secret)} bytes; it must be {KEY_BYTES}")
    return secret


def encode_secret(secret: bytes) -> str:
    return base64.b64encode(secret).decode("ascii")


def keyring_from_settings(data_keys: str, index_key: str | None) -> Keyring:
    """The keyring configured in `PARITY_DATA_KEYS` ("id:base64,id:base64", the first one active) and
    `PARITY_DATA_INDEX_KEY` (base64)."""
    keys: dict[str, bytes] = {}
    for position, entry in enumerate((e.strip() for e in data_keys.split(",") if e.strip()), start=1):
        key_id, separator, secret = entry.partition(":")
        if not separator:
            raise KeyConfigurationError(f"PARITY_DATA_KEYS entry {position} is not 'key-id:base64-key'")
        check_key_id(key_id)
        if key_id in keys:
            raise KeyConfigurationError(f"PARITY_DATA_KEYS names key '{key_id}' twice")
        keys[key_id] = decode_secret(secret, f"PARITY_DATA_KEYS entry {position} ('{key_id}')")
    if not keys:
        raise KeyConfigurationError("PARITY_DATA_KEYS is set but names no key")
    if not index_key:
        raise KeyConfigurationError("PARITY_DATA_KEYS is set, so PARITY_DATA_INDEX_KEY must be set too (base64)")
    return Keyring(keys, next(iter(keys)), decode_secret(index_key, "PARITY_DATA_INDEX_KEY"))


def keyring_setting(keyring: Keyring) -> tuple[str, str]:
    """The values of PARITY_DATA_KEYS and PARITY_DATA_INDEX_KEY that configure `keyring` (active key first)."""
    ordered = [keyring.active, *(k for k in keyring.keys if k != keyring.active)]
    data_keys = ",".join(f"{key_id}:{encode_secret(keyring.keys[key_id])}" for key_id in ordered)
    return data_keys, encode_secret(keyring.index_secret)
