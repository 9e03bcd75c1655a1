"""The keyring: every data key that may still protect a stored value, the one new values are written with, and the
separate secrets that blind indexes are derived from.

Several data keys are live during a rotation: values are written with the active key and read with whichever key
their prefix names, until `parity keys rotate` has re-encrypted them all and the old key can be retired.

Index secrets are rotated apart from the data keys (`parity keys rotate-index`), the same way: new indexes are
computed with the active index secret, lookups try every configured one (so a row not yet re-indexed is still
found), and an old secret is retired once no index value is under it. The original secret, configured before index
secrets had ids (`PARITY_DATA_INDEX_KEY`, or `index_key` in a key file), has the id `original`.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from parity.protection.errors import KeyConfigurationError

KEY_BYTES = 32  # AES-256
# Key ids prefix every ciphertext and are matched with SQL LIKE, so they avoid LIKE's wildcards (_ and %).
KEY_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
# The id of the blind index secret configured before index secrets had ids; its index values carry no id.
ORIGINAL_INDEX_KEY = "original"
# An index value is `<index key id>:` and 43 characters of base64url in a column of 64 (`parity.protection.cipher`).
INDEX_KEY_ID_LENGTH = 20


@dataclass(frozen=True)
class Keyring:
    keys: Mapping[str, bytes] = field(repr=False)
    active: str
    # The blind index secrets by id, and the one new index values are computed with (all are tried by lookups).
    index_keys: Mapping[str, bytes] = field(repr=False)
    index_active: str = ORIGINAL_INDEX_KEY

    def __post_init__(self) -> None:
        for key_id, secret in self.keys.items():
            check_key_id(key_id)
            if len(secret) != KEY_BYTES:
                raise KeyConfigurationError(f"data key '{key_id}' has {len(secret)} bytes; it must have {KEY_BYTES}")
        if self.active not in self.keys:
            raise KeyConfigurationError(f"the active key '{self.active}' is not among the keys")
        for key_id, secret in self.index_keys.items():
            check_key_id(key_id)
            if len(key_id) > INDEX_KEY_ID_LENGTH:
                raise KeyConfigurationError(
                    f"index key id {key_id!r} is too long: at most {INDEX_KEY_ID_LENGTH} characters (an index value "
                    "is its key id and the index in 64 characters)"
                )
            if len(secret) != KEY_BYTES:
                raise KeyConfigurationError(
                    f"blind index key '{key_id}' has {len(secret)} bytes; it must have {KEY_BYTES}"
                )
        if self.index_active not in self.index_keys:
            raise KeyConfigurationError(f"the active blind index key '{self.index_active}' is not among the index keys")

    @classmethod
    def generate(cls) -> Keyring:
        """A new keyring: one fresh data key, active, and a fresh blind index secret (the original one)."""
        key_id = new_key_id()
        return cls(
            {key_id: secrets.token_bytes(KEY_BYTES)}, key_id, {ORIGINAL_INDEX_KEY: secrets.token_bytes(KEY_BYTES)}
        )

    @property
    def index_secret(self) -> bytes:
        """The active blind index secret."""
        return self.index_keys[self.index_active]

    def with_new_active_key(self) -> Keyring:
        """This keyring plus a fresh data key that new values are written with; the old keys still read."""
        key_id = _fresh_id(self.keys)
        return replace(self, keys={**self.keys, key_id: secrets.token_bytes(KEY_BYTES)}, active=key_id)

    def without(self, key_id: str) -> Keyring:
        """This keyring less a retired key (never the active one)."""
        return replace(self, keys=_less(self.keys, self.active, key_id, "key"))

    def with_new_index_key(self) -> Keyring:
        """This keyring plus a fresh blind index secret that new index values are computed with; lookups still try
        the old ones."""
        key_id = _fresh_id(self.index_keys)
        return replace(
            self, index_keys={**self.index_keys, key_id: secrets.token_bytes(KEY_BYTES)}, index_active=key_id
        )

    def without_index_key(self, key_id: str) -> Keyring:
        """This keyring less a retired blind index secret (never the active one)."""
        return replace(self, index_keys=_less(self.index_keys, self.index_active, key_id, "index key"))


def _fresh_id(taken: Mapping[str, bytes]) -> str:
    key_id = new_key_id()
    while key_id in taken:
        key_id = new_key_id()
    return key_id


def _less(keys: Mapping[str, bytes], active: str, key_id: str, kind: str) -> dict[str, bytes]:
    if key_id == active:
        raise KeyConfigurationError(f"'{key_id}' is the active {kind}: rotate to a new {kind} before retiring it")
    if key_id not in keys:
        raise KeyConfigurationError(f"there is no {kind} '{key_id}' ({kind}s: {', '.join(keys)})")
    return {k: v for k, v in keys.items() if k != key_id}


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


def keyring_from_settings(data_keys: str, index_key: str | None, index_keys: str | None = None) -> Keyring:
    """The keyring configured in `PARITY_DATA_KEYS` ("id:base64,id:base64", the first one active) with
    `PARITY_DATA_INDEX_KEY` (base64: the original index secret) and/or `PARITY_DATA_INDEX_KEYS` ("id:base64,...",
    the first one active; the original secret, if also set, only for lookups until it is retired)."""
    keys = _key_list(data_keys, "PARITY_DATA_KEYS")
    if not keys:
        raise KeyConfigurationError("PARITY_DATA_KEYS is set but names no key")
    indexes = _key_list(index_keys or "", "PARITY_DATA_INDEX_KEYS")
    if index_keys is not None and not indexes:
        raise KeyConfigurationError("PARITY_DATA_INDEX_KEYS is set but names no key")
    if index_key:
        if ORIGINAL_INDEX_KEY in indexes:
            raise KeyConfigurationError(
                f"PARITY_DATA_INDEX_KEYS names '{ORIGINAL_INDEX_KEY}' and PARITY_DATA_INDEX_KEY is set too: "
                "give the original index secret once"
            )
        indexes[ORIGINAL_INDEX_KEY] = decode_secret(index_key, "PARITY_DATA_INDEX_KEY")
    if not indexes:
        raise KeyConfigurationError(
            "PARITY_DATA_KEYS is set, so PARITY_DATA_INDEX_KEY (base64) or PARITY_DATA_INDEX_KEYS must be set too"
        )
    return Keyring(keys, next(iter(keys)), indexes, next(iter(indexes)))


def _key_list(text: str, setting: str) -> dict[str, bytes]:
    """The keys of a setting "id:base64,id:base64", in order; errors name the entry, never the key."""
    keys: dict[str, bytes] = {}
    for position, entry in enumerate((e.strip() for e in text.split(",") if e.strip()), start=1):
        key_id, separator, secret = entry.partition(":")
        if not separator:
            raise KeyConfigurationError(f"{setting} entry {position} is not 'key-id:base64-key'")
        check_key_id(key_id)
        if key_id in keys:
            raise KeyConfigurationError(f"{setting} names key '{key_id}' twice")
        keys[key_id] = decode_secret(secret, f"{setting} entry {position} ('{key_id}')")
    return keys


def keyring_setting(keyring: Keyring) -> tuple[str, str | None, str | None]:
    """The values of PARITY_DATA_KEYS, PARITY_DATA_INDEX_KEY and PARITY_DATA_INDEX_KEYS that configure `keyring`
    (active keys first; a keyring holding only the original index secret needs no PARITY_DATA_INDEX_KEYS)."""
    data_keys = _key_setting(keyring.keys, keyring.active)
    original = keyring.index_keys.get(ORIGINAL_INDEX_KEY)
    if original is None or (keyring.index_active == ORIGINAL_INDEX_KEY and len(keyring.index_keys) > 1):
        return data_keys, None, _key_setting(keyring.index_keys, keyring.index_active)
    others = {k: v for k, v in keyring.index_keys.items() if k != ORIGINAL_INDEX_KEY}
    return data_keys, encode_secret(original), _key_setting(others, keyring.index_active) if others else None


def _key_setting(keys: Mapping[str, bytes], active: str) -> str:
    ordered = [active, *(k for k in keys if k != active)]
    return ",".join(f"{key_id}:{encode_secret(keys[key_id])}" for key_id in ordered)
