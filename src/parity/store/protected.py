"""Which columns hold personal data, and how they are encrypted on the way into a table and decrypted on the way out.

Encrypted (AES-GCM, bound to table, column and row; see `parity.protection.cipher`):

- `people`: given names, family name, date of birth, documents, biometric reference, transit evidence (free text
  from interviews);
- `admission_members`: given names, family name, date of birth, documents, biometric reference (the application
  holds no contact details yet: any added must be listed here);
- `identity_records`: given names, family name, date of birth, document number, biometric reference.

Kept in clear, because queries and statistics need them and on their own they do not identify anyone: nationality,
sex, age status, grounds, family group, exclusions. A missing value (no date of birth recorded) is stored as NULL,
not encrypted, so the fact that one is missing is visible. `people` and `admission_members` also carry two blind
indexes for exact lookups: the first document's number, and family name with date of birth.

Only the store calls this module: the domain and services see plain values.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import RowMapping, Table

from parity.domain.people import IdentityClaim
from parity.protection import FieldCipher
from parity.store import tables as t


@dataclass(frozen=True)
class _Codec:
    encode: Callable[[Any], str]
    decode: Callable[[str], Any]


TEXT = _Codec(str, str)
DATE = _Codec(date.isoformat, date.fromisoformat)
JSON = _Codec(lambda value: json.dumps(value, sort_keys=True, separators=(",", ":")), json.loads)


@dataclass(frozen=True)
class ProtectedTable:
    """A table's encrypted columns; each ciphertext is bound to the row's key column."""

    table: Table
    key: str
    columns: Mapping[str, _Codec]

    def binding(self, column: str, row_id: str) -> str:
        return f"{self.table.name}.{column}/{row_id}"

    def seal(self, cipher: FieldCipher, row: dict[str, Any]) -> dict[str, Any]:
        """`row` with its personal-data values replaced by their ciphertexts (None stays None)."""
        sealed = dict(row)
        for column, codec in self.columns.items():
            value = row[column]
            if value is not None:
                sealed[column] = cipher.encrypt(codec.encode(value), self.binding(column, row[self.key]))
        return sealed

    def open(self, cipher: FieldCipher, row: RowMapping) -> dict[str, Any]:
        """A stored row with its personal-data values decrypted."""
        opened = dict(row)
        for column, codec in self.columns.items():
            stored = row[column]
            if stored is not None:
                opened[column] = codec.decode(cipher.decrypt(stored, self.binding(column, row[self.key])))
        return opened


_IDENTITY = {
    "given_names": TEXT,
    "family_name": TEXT,
    "date_of_birth": DATE,
    "documents": JSON,
    "biometric_ref": TEXT,
}
PEOPLE = ProtectedTable(t.people, "id", {**_IDENTITY, "transit_evidence": TEXT})
ADMISSION_MEMBERS = ProtectedTable(t.admission_members, "id", _IDENTITY)
IDENTITY_RECORDS = ProtectedTable(
    t.identity_records,
    "record_id",
    {
        "given_names": TEXT,
        "family_name": TEXT,
        "date_of_birth": DATE,
        "document_number": TEXT,
        "biometric_ref": TEXT,
    },
)
# A TOTP secret is a credential: whoever reads it can pass the second factor.
USERS = ProtectedTable(t.users, "id", {"totp_secret": TEXT})
PROTECTED_TABLES = (PEOPLE, ADMISSION_MEMBERS, IDENTITY_RECORDS, USERS)


def blind_indexes(cipher: FieldCipher, identity: IdentityClaim) -> dict[str, str | None]:
    """The lookup columns of a person's row: their first document's number, and family name with date of birth."""
    document = identity.documents[0].number if identity.documents else None
    return {
        "document_index": cipher.document_index(document) if document else None,
        "name_index": cipher.name_index(identity.family_name, identity.date_of_birth),
    }
