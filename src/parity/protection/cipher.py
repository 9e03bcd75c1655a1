"""Field encryption (AES-256-GCM) and keyed blind indexes (HMAC-SHA256).

A stored value is `<key id>:<base64url(nonce | ciphertext | tag)>`. The nonce is 96 random bits per value. The
associated data is the value's *binding*, `<table>.<column>/<row id>`: a ciphertext copied into another row or
column fails to decrypt instead of silently moving someone's name onto someone else's record.

Keys are not used as given: HKDF derives one AES key from each data key and one HMAC key per index purpose from
the index secret, so no key serves two purposes.

A blind index is HMAC-SHA256 over a normalised value, under a key that is not a data key: the same document
number always gives the same index, so rows can be found by exact value without decrypting anything, while the
index alone reveals nothing about the value to whoever lacks the key.

A stored index says which index secret made it, so that the index secret can be rotated (every index recomputed
under a new one while lookups try each configured secret): `<index key id>:<base64url of the HMAC, unpadded>`,
at most 20 + 1 + 43 = 64 characters, the width the index columns always had. Under the original secret (id
`original`) an index is 64 hex digits with no id, as every index was stored before index secrets had ids.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import unicodedata
from datetime import date
from hashlib import sha256

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from parity.protection.errors import TamperedValue, UnknownKey
from parity.protection.keyring import ORIGINAL_INDEX_KEY, Keyring

NONCE_BYTES = 12
_ENCRYPTION_INFO = b"parity/field-encryption/v1"
_INDEX_INFO = b"parity/blind-index/v1/"


def _derive(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


def normalise_for_index(value: str) -> str:
    """Case, accents, punctuation and spacing removed, so that `Al-Hassan`, `al hassan` and `AL HASSAN` index alike."""
    decomposed = unicodedata.normalize("NFKD", value)
    kept = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(kept.casefold().split())


class FieldCipher:
    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring
        self._aead = {key_id: AESGCM(_derive(secret, _ENCRYPTION_INFO)) for key_id, secret in keyring.keys.items()}
        self._index_keys = {
            key_id: {purpose: _derive(secret, _INDEX_INFO + purpose.encode()) for purpose in ("document", "name")}
            for key_id, secret in keyring.index_keys.items()
        }

    @property
    def active_key(self) -> str:
        return self.keyring.active

    @property
    def active_index_key(self) -> str:
        return self.keyring.index_active

    def encrypt(self, plaintext: str, binding: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead[self.keyring.active].encrypt(nonce, plaintext.encode("utf-8"), binding.encode("utf-8"))
        return f"{self.keyring.active}:{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"

    def decrypt(self, stored: str, binding: str) -> str:
        key_id, _, payload = stored.partition(":")
        aead = self._aead.get(key_id)
        if aead is None:
            raise UnknownKey(key_id, binding)
        try:
            raw = base64.urlsafe_b64decode(payload.encode("ascii"))
            plaintext = aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], binding.encode("utf-8"))
        except (InvalidTag, binascii.Error, ValueError):
            raise TamperedValue(binding) from None
        return plaintext.decode("utf-8")

    def reencrypt(self, stored: str, binding: str) -> str:
        """The same value under the active key (unchanged if it is already under it)."""
        if key_of(stored) == self.keyring.active:
            return stored
        return self.encrypt(self.decrypt(stored, binding), binding)

    def document_index(self, number: str, key_id: str | None = None) -> str:
        """The blind index of a document number: spacing and separators do not count (`AB 12-34` = `ab1234`).

        Under the active index secret, or the one named."""
        return self._index("document", normalise_for_index(number).replace(" ", ""), key_id)

    def name_index(self, family_name: str, date_of_birth: date | None, key_id: str | None = None) -> str:
        """The blind index of a family name with a date of birth (or with none recorded)."""
        born = date_of_birth.isoformat() if date_of_birth else ""
        return self._index("name", f"{normalise_for_index(family_name)}\x1f{born}", key_id)

    def document_indexes(self, number: str) -> list[str]:
        """The blind index of a document number under each configured index secret (lookups during a rotation)."""
        return [self.document_index(number, key_id) for key_id in self._index_keys]

    def name_indexes(self, family_name: str, date_of_birth: date | None) -> list[str]:
        """The blind index of a family name with a date of birth under each configured index secret."""
        return [self.name_index(family_name, date_of_birth, key_id) for key_id in self._index_keys]

    def _index(self, purpose: str, normalised: str, key_id: str | None) -> str:
        key_id = key_id or self.keyring.index_active
        digest = hmac.new(self._index_keys[key_id][purpose], normalised.encode("utf-8"), sha256)
        if key_id == ORIGINAL_INDEX_KEY:
            return digest.hexdigest()
        return f"{key_id}:{base64.urlsafe_b64encode(digest.digest()).decode('ascii').rstrip('=')}"


def index_prefix(key_id: str) -> str:
    """What a stored index under this index secret starts with: its id and `:`, none for the original secret."""
    return "" if key_id == ORIGINAL_INDEX_KEY else f"{key_id}:"


def index_key_of(stored: str) -> str:
    """The id of the index secret a stored blind index was computed with."""
    key_id, separator, _ = stored.partition(":")
    return key_id if separator else ORIGINAL_INDEX_KEY


def key_of(stored: str) -> str:
    """The id of the key a stored value is encrypted with."""
    return stored.partition(":")[0]
