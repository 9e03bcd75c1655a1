"""The identity index and identity flags in the store (issue 5).

Every read and write of the index's personal data (names, dates of birth, document numbers, biometric references)
is in this module, so that encrypting those columns at rest is a change here only.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, RowMapping, bindparam, insert, select, update

from parity.domain.identity_links import FlagDecision, FlagStatus, IdentityFlag, LinkedRecord, RecordSource
from parity.domain.messages import Message
from parity.domain.returns import ReturnStatus
from parity.identity.records import IdentityRecord
from parity.protection import FieldCipher
from parity.services.ports import ConcurrencyConflict, DecidedWeights, IndexedPerson, NotFound
from parity.store import tables as t
from parity.store.protected import IDENTITY_FLAGS, IDENTITY_RECORDS

# Rows fetched at a time when the whole index is read to warm the matcher.
_WARM_BATCH = 10_000
# Bound parameters per IN (...) query, under the SQLite and PostgreSQL limits.
_IN_BATCH = 500


def _record_row(person: IndexedPerson, at: datetime) -> dict[str, Any]:
    record = person.record
    return {
        "record_id": record.record_id,
        "source": person.source.value,
        "case_id": person.case_id,
        "given_names": record.given_names,
        "family_name": record.family_name,
        "date_of_birth": record.date_of_birth,
        "nationality": record.nationality,
        "sex": record.sex,
        "document_number": record.document_number,
        "biometric_ref": record.biometric_id,
        "indexed_at": at,
    }


def indexed_person(row: Mapping[str, Any]) -> IndexedPerson:
    """A decrypted identity_records row as the person the services see (also read by the subject-access export)."""
    record = IdentityRecord(
        record_id=row["record_id"],
        given_names=row["given_names"],
        family_name=row["family_name"],
        date_of_birth=row["date_of_birth"],
        nationality=row["nationality"],
        sex=row["sex"],
        document_number=row["document_number"],
        biometric_id=row["biometric_ref"],
    )
    return IndexedPerson(RecordSource(row["source"]), row["case_id"], record)


def _last_number(connection: Connection) -> int:
    """The last number the index gave a record. FOR UPDATE: PostgreSQL writers queue on the head row until the
    holder commits, so numbers follow commit order and a rolled-back writer's numbers are given again (SQLite's
    BEGIN IMMEDIATE already serialises writers)."""
    head = t.identity_index_head
    return int(connection.execute(select(head.c.sequence).where(head.c.id == 1).with_for_update()).scalar_one())


def _set_last_number(connection: Connection, last: int) -> None:
    head = t.identity_index_head
    connection.execute(update(head).where(head.c.id == 1).values(sequence=last))


def anonymise_records(connection: Connection, record_ids: Collection[str]) -> int:
    """Clear the personal data of the indexed records among ``record_ids`` (retention) and number each again after
    the last indexed record, so that processes catching up (``indexed_after``) learn to drop it from their registers;
    the number of records cleared (those cleared before are left alone)."""
    records = t.identity_records
    last = _last_number(connection)
    wanted = sorted(set(record_ids))
    held: list[str] = []
    for start in range(0, len(wanted), _IN_BATCH):
        chunk = wanted[start : start + _IN_BATCH]
        held.extend(
            connection.execute(
                select(records.c.record_id).where(records.c.record_id.in_(chunk), records.c.given_names.is_not(None))
            ).scalars()
        )
    if not held:
        return 0
    connection.execute(
        update(records)
        .where(records.c.record_id == bindparam("cleared_id"))
        .values({**dict.fromkeys(IDENTITY_RECORDS.columns), "sequence": bindparam("renumbered")}),
        [{"cleared_id": record_id, "renumbered": last + n} for n, record_id in enumerate(held, start=1)],
    )
    _set_last_number(connection, last + len(held))
    return len(held)


def _flag_row(flag: IdentityFlag) -> dict[str, Any]:
    return {"id": flag.id, **flag.evidence()}


def _flag(cipher: FieldCipher, stored: RowMapping) -> IdentityFlag:
    row = IDENTITY_FLAGS.open(cipher, stored)
    decision = None
    if row["status"] != FlagStatus.PENDING.value:
        decision = FlagDecision(
            same_person=row["status"] == FlagStatus.SAME_PERSON.value,
            actor=row["decided_by"],
            reason=row["decision_reason"],
            decided_at=row["decided_at"],
            command_id=row["decision_command_id"],
        )
    return IdentityFlag(
        id=row["id"],
        record_id=row["record_id"],
        candidate_record_id=row["candidate_record_id"],
        model_version=row["model_version"],
        match_weight=row["match_weight"],
        match_probability=row["match_probability"],
        basis=row["basis"],
        contributions=row["contributions"],
        levels=row["levels"],
        raised_at=row["raised_at"],
        decision=decision,
    )


class SqlIdentityRepository:
    """Personal data goes through `cipher`: encrypted as rows are written, decrypted as the index is read."""

    def __init__(self, connection: Connection, cipher: FieldCipher) -> None:
        self.connection = connection
        self.cipher = cipher
        # The first number this unit of work gave a record: its records are not committed yet, and their numbers are
        # given again if it rolls back, so ``indexed_after`` does not return them.
        self._uncommitted_from: int | None = None

    def add_people(self, people: Sequence[IndexedPerson], at: datetime) -> None:
        """Index ``people``, numbered after the last indexed record (see ``indexed_after``)."""
        if not people:
            return
        last = _last_number(self.connection)
        rows = [
            {**IDENTITY_RECORDS.seal(self.cipher, _record_row(person, at)), "sequence": last + number}
            for number, person in enumerate(people, start=1)
        ]
        self.connection.execute(insert(t.identity_records), rows)
        _set_last_number(self.connection, last + len(people))
        if self._uncommitted_from is None:
            self._uncommitted_from = last + 1

    def all_people(self) -> Iterator[IndexedPerson]:
        """The whole index, oldest first, streamed in batches; records anonymised under retention are left out."""
        records = t.identity_records
        rows = self._in_order(records.c.given_names.is_not(None))
        return (indexed_person(IDENTITY_RECORDS.open(self.cipher, row)) for row in rows)

    def indexed_after(self, sequence: int) -> Iterator[tuple[int, str, IndexedPerson | None]]:
        """Committed records numbered after ``sequence``, in order, each with its number and id: the person as
        indexed, or None for a record anonymised under retention (``anonymise_records`` numbers it again then).
        Numbers follow commit order, so a reader that has seen number n has seen every committed change before it;
        records this unit of work added are left out until it commits."""
        records = t.identity_records
        wanted = [records.c.sequence > sequence]
        if self._uncommitted_from is not None:
            wanted.append(records.c.sequence < self._uncommitted_from)
        for row in self._in_order(*wanted):
            person = None if row["given_names"] is None else indexed_person(IDENTITY_RECORDS.open(self.cipher, row))
            yield row["sequence"], row["record_id"], person

    def _in_order(self, *wanted: ColumnElement[bool]) -> Iterator[RowMapping]:
        records = t.identity_records
        rows = self.connection.execute(
            select(records).where(*wanted).order_by(records.c.sequence),
            execution_options={"yield_per": _WARM_BATCH},
        )
        yield from rows.mappings()

    def located(self, record_ids: Collection[str], *, include_anonymised: bool = True) -> dict[str, LinkedRecord]:
        records, cases = t.identity_records, t.return_cases
        wanted = sorted(set(record_ids))
        found: dict[str, LinkedRecord] = {}
        for start in range(0, len(wanted), _IN_BATCH):
            conditions = [records.c.record_id.in_(wanted[start : start + _IN_BATCH])]
            if not include_anonymised:
                conditions.append(records.c.given_names.is_not(None))
            query = (
                select(records.c.record_id, records.c.source, records.c.case_id, cases.c.status)
                .select_from(records.outerjoin(cases, cases.c.id == records.c.case_id))
                .where(*conditions)
            )
            for record_id, source, case_id, return_status in self.connection.execute(query):
                returned = return_status == ReturnStatus.RETURNED.value
                found[record_id] = LinkedRecord(record_id, RecordSource(source), case_id, returned)
        return found

    def add_flags(self, flags: Sequence[IdentityFlag]) -> None:
        if flags:
            self.connection.execute(insert(t.identity_flags), [_flag_row(flag) for flag in flags])

    def flag(self, flag_id: str) -> IdentityFlag:
        row = self.connection.execute(select(t.identity_flags).where(t.identity_flags.c.id == flag_id)).mappings()
        found = row.first()
        if found is None:
            raise NotFound(Message("no identity flag %(flag)s", flag=flag_id))
        return _flag(self.cipher, found)

    def save_decision(self, flag: IdentityFlag) -> None:
        """Store a flag's decision, unless someone decided it first."""
        decision = flag.decision
        if decision is None:
            raise ValueError(f"identity flag {flag.id} has no decision to save")
        changed = self.connection.execute(
            update(t.identity_flags)
            .where(t.identity_flags.c.id == flag.id, t.identity_flags.c.status == FlagStatus.PENDING.value)
            .values(
                status=flag.status.value,
                decided_by=decision.actor,
                decided_at=decision.decided_at,
                decision_reason=IDENTITY_FLAGS.seal(self.cipher, {"id": flag.id, "decision_reason": decision.reason})[
                    "decision_reason"
                ],
                decision_command_id=decision.command_id,
            )
        )
        if changed.rowcount != 1:
            raise ConcurrencyConflict(f"identity flag {flag.id} was decided by someone else")

    def people(self, record_ids: Collection[str]) -> dict[str, IndexedPerson]:
        """The indexed records among ``record_ids``; ids not in the index, or anonymised under retention, are left
        out."""
        records = t.identity_records
        wanted = sorted(set(record_ids))
        found: dict[str, IndexedPerson] = {}
        for start in range(0, len(wanted), _IN_BATCH):
            query = select(records).where(
                records.c.record_id.in_(wanted[start : start + _IN_BATCH]), records.c.given_names.is_not(None)
            )
            for row in self.connection.execute(query).mappings():
                person = indexed_person(IDENTITY_RECORDS.open(self.cipher, row))
                found[person.record.record_id] = person
        return found

    def pending_flags(self, limit: int) -> list[IdentityFlag]:
        flags = t.identity_flags
        query = (
            select(flags)
            .where(flags.c.status == FlagStatus.PENDING.value)
            .order_by(flags.c.raised_at, flags.c.match_weight.desc(), flags.c.id)
            .limit(limit)
        )
        return [_flag(self.cipher, row) for row in self.connection.execute(query).mappings()]

    def flags_for_case(self, case_id: str) -> list[IdentityFlag]:
        flags, records = t.identity_flags, t.identity_records
        query = (
            select(flags)
            .select_from(flags.join(records, records.c.record_id == flags.c.record_id))
            .where(records.c.case_id == case_id)
            .order_by(flags.c.raised_at, flags.c.match_weight.desc(), flags.c.id)
        )
        return [_flag(self.cipher, row) for row in self.connection.execute(query).mappings()]

    def decided_weights(self, model_versions: Collection[str], *, since: datetime | None = None) -> DecidedWeights:
        """Only the weight, the answer, the model version (counted) and the time of decision leave: no record or
        case id, no decision reason, nothing encrypted (the flag's own id orders ties and is dropped)."""
        flags = t.identity_flags
        decided = (FlagStatus.SAME_PERSON.value, FlagStatus.NOT_SAME_PERSON.value)
        wanted = [flags.c.status.in_(decided), flags.c.basis == "match_weight"]
        if since is not None:
            wanted.append(flags.c.decided_at >= since)
        rows: list[tuple[datetime, str, float, bool, str]] = []
        versions = sorted(set(model_versions))
        for start in range(0, len(versions), _IN_BATCH):
            query = select(
                flags.c.decided_at, flags.c.id, flags.c.match_weight, flags.c.status, flags.c.model_version
            ).where(*wanted, flags.c.model_version.in_(versions[start : start + _IN_BATCH]))
            rows.extend(
                (decided_at, flag_id, float(weight), status == FlagStatus.SAME_PERSON.value, version)
                for decided_at, flag_id, weight, status, version in self.connection.execute(query)
            )
        rows.sort(key=lambda row: (row[0], row[1]))  # the flag id only breaks ties; it is not returned
        by_version: dict[str, int] = {}
        for *_, version in rows:
            by_version[version] = by_version.get(version, 0) + 1
        return DecidedWeights(
            pairs=tuple((weight, same) for _, _, weight, same, _ in rows),
            first_decided_at=rows[0][0] if rows else None,
            last_decided_at=rows[-1][0] if rows else None,
            by_model_version=dict(sorted(by_version.items())),
        )
