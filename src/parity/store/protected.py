"""Which columns hold personal data, and how they are encrypted on the way into a table and decrypted on the way out.

Encrypted (AES-GCM, bound to table, column and row; see `parity.protection.cipher`):

- `people`: given names, family name, date of birth, documents, biometric reference, transit evidence (free text
  from interviews);
- `admission_members`: given names, family name, date of birth, documents, biometric reference (the application
  holds no contact details yet: any added must be listed here);
- `identity_records`: given names, family name, date of birth, document number, biometric reference.

Also the free text of action payloads (`RETURN_FREE_TEXT`, `ADMISSION_FREE_TEXT` below), in the case action tables,
decision proposals and their command results, and the reason given for amending a selection round, in
`selection_proposals.approval` and the `select:approve` command result.

Kept in clear, because queries and statistics need them and on their own they do not identify anyone: nationality,
sex, age status, grounds, family group, exclusions. A missing value (no date of birth recorded) is stored as NULL,
not encrypted, so the fact that one is missing is visible. `people` and `admission_members` also carry two blind
indexes for exact lookups: the first document's number, and family name with date of birth.

Only the store calls this module: the domain and services see plain values.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
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

    def open(self, cipher: FieldCipher, row: RowMapping, only: Collection[str] | None = None) -> dict[str, Any]:
        """A stored row with its personal-data values decrypted (all of them, or those named in `only`)."""
        opened = dict(row)
        for column, codec in self.columns.items():
            if only is not None and column not in only:
                continue
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
# Why an officer judged two records the same person or not: free text, which often names them (it is also in the
# `decide_identity_match` action's payload, encrypted there as free text).
IDENTITY_FLAGS = ProtectedTable(t.identity_flags, "id", {"decision_reason": TEXT})
PROTECTED_TABLES = (PEOPLE, ADMISSION_MEMBERS, IDENTITY_RECORDS, USERS, IDENTITY_FLAGS)


def blind_indexes(cipher: FieldCipher, identity: IdentityClaim) -> dict[str, str | None]:
    """The lookup columns of a person's row: their first document's number, and family name with date of birth."""
    document = identity.documents[0].number if identity.documents else None
    return _blind_indexes(cipher, document, identity.family_name, identity.date_of_birth)


def stored_blind_indexes(cipher: FieldCipher, opened: Mapping[str, Any]) -> dict[str, str | None]:
    """The lookup columns of a stored row, from its decrypted family name, date of birth and documents (as
    `blind_indexes` computed them when it was written, but under the active index secret)."""
    documents = opened["documents"] or ()
    document = documents[0]["number"] if documents else None
    return _blind_indexes(cipher, document, opened["family_name"] or "", opened["date_of_birth"])


def _blind_indexes(
    cipher: FieldCipher, document: str | None, family_name: str, date_of_birth: date | None
) -> dict[str, str | None]:
    return {
        "document_index": cipher.document_index(document) if document else None,
        "name_index": cipher.name_index(family_name, date_of_birth),
    }


# --- Free text in action payloads
#
# A payload mixes coded values (ids, dates, enums, amounts, a refusal reason from the scheme's list) that guards,
# the ledger and statistics read, with free text typed by a person, which often names people. The free text of each
# action kind is listed here, and only here; everything else in a payload stays in clear.
RETURN_FREE_TEXT: Mapping[str, frozenset[str]] = {
    "extend_reply": frozenset({"reason"}),  # why the readmitting state asked for more time, as the officer put it
    "release_to_asylum_route": frozenset({"reason"}),  # the caseworker's account of why the person was released
    "cancel_transfer": frozenset({"reason"}),  # why the flight did not take the person, as the officer put it
    # What the claim, appeal, order or NRM decision says (evidence), and the court's or tribunal's reference for the
    # person's claim (reference); kind, state, decided_on and until are coded and decide transfer blockers.
    "record_legal_event": frozenset({"evidence", "reference"}),
    "flag_recrossing": frozenset({"evidence"}),  # how the earlier crossing was established; previous_case_id is an id
    "decide_identity_match": frozenset({"reason"}),  # why the officer judged two records the same person, or not
    # Not listed: `refuse` (its reason must be one of the scheme's refusal reasons, counted in the committee report),
    # `screen_ineligible` (reasons written by the eligibility rules), `schedule_transfer` (flight and cost, reported).
}
ADMISSION_FREE_TEXT: Mapping[str, frozenset[str]] = {
    "refuse": frozenset({"reason"}),  # the decision maker's own words: no list of admission refusal reasons exists
    "withdraw": frozenset({"reason"}),  # the family's reason for withdrawing, as recorded
    # The documents each member showed at the visa centre (rule 18): their numbers identify people.
    "enrol_biometrics": frozenset({"documents_presented"}),
    "record_exclusion": frozenset({"evidence"}),  # the evidence of the exclusion; the exclusion itself is coded
    "record_priority_factor": frozenset({"evidence"}),  # the evidence of the factor; the factor itself is coded
    "decide_identity_match": frozenset({"reason"}),  # why the officer judged two records the same person, or not
}
FREE_TEXT: Mapping[str, Mapping[str, frozenset[str]]] = {"return": RETURN_FREE_TEXT, "admission": ADMISSION_FREE_TEXT}


def proposal_free_text(result: Mapping[str, Any]) -> frozenset[str] | None:
    """The free-text fields of the payload a command result repeats (a decision proposal's), or None if none."""
    case_type, action = result.get("case_type"), result.get("action")
    if not isinstance(case_type, str) or case_type not in FREE_TEXT or not isinstance(action, str):
        return None
    if not isinstance(result.get("payload"), dict):
        return None
    return FREE_TEXT[case_type].get(action, frozenset())


# The key under which a stored payload keeps its free text: `<key id>:<base64url>` (the column format above), the
# ciphertext of a JSON object of the free-text fields present, or null when there are none (or retention cleared
# them). Every payload written since free text is encrypted has this key; a payload without it was written before
# and holds its free text in clear (it is read as it is, and `parity keys rotate` encrypts it). A client cannot send
# the key: the domain refuses field names beginning with "$" at any depth (`parity.domain.payloads`), so in the
# stored JSON text the key appears only where the store put it. A legacy payload accepted before that refusal, with
# the key at the top level, is sealed with the free text and given back on reading.
SEALED = "$sealed"
# What retention leaves in place of free text: text, so that code reading a field still finds text, and clearly not
# a caseworker's words. Not personal, so kept in clear.
REMOVED = "[removed under retention]"


@dataclass(frozen=True)
class ProtectedPayloads:
    """A JSON column holding action payloads; each sealed payload is bound to its row's key columns."""

    table: Table
    column: str
    keys: tuple[str, ...]

    def binding(self, row: Mapping[Any, Any]) -> str:
        return f"{self.table.name}.{self.column}/{'#'.join(str(row[key]) for key in self.keys)}"

    def seal(
        self, cipher: FieldCipher, payload: Mapping[str, Any], free_text: frozenset[str], row: Mapping[Any, Any]
    ) -> dict[str, Any]:
        """`payload` with its free-text fields (`free_text`, and any field named like the sealed one) encrypted."""
        text = {name: value for name, value in payload.items() if name in free_text or name == SEALED}
        sealed = {name: value for name, value in payload.items() if name not in text}
        sealed[SEALED] = cipher.encrypt(JSON.encode(text), self.binding(row)) if text else None
        return sealed

    def open(self, cipher: FieldCipher, stored: Mapping[str, Any], row: Mapping[Any, Any]) -> dict[str, Any]:
        """A stored payload as it was given, free text decrypted (a payload from before encryption is as stored)."""
        opened = {name: value for name, value in stored.items() if name != SEALED}
        if stored.get(SEALED) is not None:
            opened.update(JSON.decode(cipher.decrypt(stored[SEALED], self.binding(row))))
        return opened

    def reseal(
        self, cipher: FieldCipher, stored: Mapping[str, Any], free_text: frozenset[str], row: Mapping[Any, Any]
    ) -> dict[str, Any]:
        """The payload with its free text under the active key: encrypted if it was written in clear."""
        if SEALED not in stored:
            return self.seal(cipher, stored, free_text, row)
        if stored[SEALED] is None:
            return dict(stored)
        return {**stored, SEALED: cipher.reencrypt(stored[SEALED], self.binding(row))}

    def erase(
        self, cipher: FieldCipher, stored: Mapping[str, Any], free_text: frozenset[str], row: Mapping[Any, Any]
    ) -> dict[str, Any] | None:
        """The payload with its free text replaced by `REMOVED` (retention); None if it holds no free text."""
        opened = self.open(cipher, stored, row)
        erased = [name for name, value in opened.items() if (name in free_text or name == SEALED) and value != REMOVED]
        if not erased:
            return None
        return {**opened, **dict.fromkeys(erased, REMOVED), SEALED: None}


RETURN_ACTIONS = ProtectedPayloads(t.return_actions, "payload", ("case_id", "seq"))
ADMISSION_ACTIONS = ProtectedPayloads(t.admission_actions, "payload", ("case_id", "seq"))
DECISION_PROPOSALS = ProtectedPayloads(t.decision_proposals, "payload", ("id",))
# A selection round's approval ({removed, added, reason, invited}): the approver's reason for removing families from
# the proposed list or adding others is free text about those families, which may name their members. The case ids
# stay in clear: the round's invitations and the retention of its families are found by them.
APPROVAL_FREE_TEXT = frozenset({"reason"})
SELECTION_APPROVALS = ProtectedPayloads(t.selection_proposals, "approval", ("id",))
# Command results that repeat free text stored above, for replaying the command: one part of the result is sealed
# like a payload (`RepeatedFreeText`), bound to the command id.
COMMAND_RESULTS = ProtectedPayloads(t.processed_commands, "result", ("command_id",))


def approval_free_text(result: Mapping[str, Any]) -> frozenset[str] | None:
    """The free-text fields of the approval a command result repeats (a selection round's), or None if none."""
    return APPROVAL_FREE_TEXT if isinstance(result.get("approval"), dict) else None


@dataclass(frozen=True)
class RepeatedFreeText:
    """Commands whose results repeat free text: which commands (by exact name), the part of the result that holds
    it, and that part's free-text fields (None: this result holds no such part)."""

    commands: frozenset[str]
    part: str
    free_text: Callable[[Mapping[str, Any]], frozenset[str] | None]

    def fields(self, name: str, result: Mapping[str, Any]) -> frozenset[str] | None:
        """The free-text fields of `result`'s part, if command `name` repeats free text there; None if it does not."""
        return self.free_text(result) if name in self.commands else None


# The commands of `parity.services.decisions`: their results repeat a proposal's payload (`result.payload`). By exact
# name: `select:propose`, say, holds no payload.
DECISION_RESULTS = RepeatedFreeText(
    frozenset(f"{case_type}:{verb}" for case_type in FREE_TEXT for verb in ("propose", "approve", "reject")),
    "payload",
    proposal_free_text,
)
# A selection round's approval repeats the approval (`result.approval`).
APPROVAL_RESULTS = RepeatedFreeText(frozenset({"select:approve"}), "approval", approval_free_text)
REPEATED_FREE_TEXT = (DECISION_RESULTS, APPROVAL_RESULTS)
