"""The encrypted personal data as a whole (issue 3 item 5): which keys protect how many values, re-encryption under
the active key, lookups by blind index, and anonymisation of closed cases' people under the retention period."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, or_, select, update

from parity.domain.admissions import AdmissionStatus
from parity.domain.identity_links import RecordSource
from parity.domain.returns import ReturnStatus
from parity.protection import FieldCipher
from parity.services.ports import AnonymisedCounts, ClosedCase, HeldRecord, IndexedPerson
from parity.store import tables as t
from parity.store.identity import anonymise_records, indexed_person
from parity.store.protected import ADMISSION_MEMBERS, IDENTITY_RECORDS, PEOPLE, PROTECTED_TABLES, ProtectedTable

# Bound parameters per IN (...) query, under the SQLite and PostgreSQL limits.
_IN_BATCH = 500
_BLIND_INDEXES = ("name_index", "document_index")


def _chunks(ids: Collection[str]) -> Iterator[list[str]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), _IN_BATCH):
        yield ordered[start : start + _IN_BATCH]


class SqlPersonalData:
    def __init__(self, connection: Connection, cipher: FieldCipher) -> None:
        self.connection = connection
        self.cipher = cipher

    # --- keys and re-encryption

    def key_usage(self) -> dict[str, int]:
        usage: dict[str, int] = {}
        for protected in PROTECTED_TABLES:
            for column in protected.columns:
                stored = protected.table.c[column]
                key_id = func.substr(stored, 1, self._position(stored, ":") - 1)
                query = select(key_id, func.count()).where(stored.is_not(None)).group_by(key_id)
                for found, count in self.connection.execute(query):
                    usage[found] = usage.get(found, 0) + count
        return usage

    def rows_to_reencrypt(self) -> int:
        return sum(
            self.connection.execute(
                select(func.count()).select_from(protected.table).where(self._stale(protected))
            ).scalar_one()
            for protected in PROTECTED_TABLES
        )

    def reencrypt(self, limit: int) -> int:
        done = 0
        for protected in PROTECTED_TABLES:
            if done >= limit:
                break
            key = protected.table.c[protected.key]
            columns = [protected.table.c[name] for name in protected.columns]
            query = select(key, *columns).where(self._stale(protected)).order_by(key).limit(limit - done)
            for row in self.connection.execute(query).mappings().all():
                row_id = row[protected.key]
                values = {
                    name: self.cipher.reencrypt(row[name], protected.binding(name, row_id))
                    for name in protected.columns
                    if row[name] is not None
                }
                self.connection.execute(update(protected.table).where(key == row_id).values(values))
                done += 1
        return done

    def _stale(self, protected: ProtectedTable) -> ColumnElement[bool]:
        """Rows holding at least one value under a key other than the active one."""
        active = f"{self.cipher.active_key}:%"
        return or_(
            *(
                and_(protected.table.c[name].is_not(None), protected.table.c[name].not_like(active))
                for name in protected.columns
            )
        )

    def _position(self, column: ColumnElement[Any], text: str) -> ColumnElement[int]:
        # Where `text` first occurs in `column`, 1-based: the one string function the two backends name apart.
        if self.connection.dialect.name == "postgresql":
            return func.strpos(column, text)
        return func.instr(column, text)

    # --- subject access

    def held_record(self, record_id: str) -> HeldRecord | None:
        found = self._people(t.people.c.id == record_id) + self._members(t.admission_members.c.id == record_id)
        return found[0] if found else None

    def records_with_document(self, number: str) -> list[HeldRecord]:
        index = self.cipher.document_index(number)
        return self._people(t.people.c.document_index == index) + self._members(
            t.admission_members.c.document_index == index
        )

    def records_with_name(self, family_name: str, date_of_birth: date | None) -> list[HeldRecord]:
        index = self.cipher.name_index(family_name, date_of_birth)
        return self._people(t.people.c.name_index == index) + self._members(t.admission_members.c.name_index == index)

    def _people(self, condition: ColumnElement[bool]) -> list[HeldRecord]:
        people, cases = t.people, t.return_cases
        query = (
            select(people.c.id, cases.c.id.label("case_id"), people.c.arrival_id, people.c.anonymised_at)
            .select_from(people.join(cases, cases.c.person_id == people.c.id))
            .where(condition)
            .order_by(people.c.id)
        )
        return [
            HeldRecord(row.id, RecordSource.ARRIVAL, row.case_id, row.arrival_id, row.anonymised_at)
            for row in self.connection.execute(query)
        ]

    def _members(self, condition: ColumnElement[bool]) -> list[HeldRecord]:
        members = t.admission_members
        query = select(members.c.id, members.c.case_id, members.c.anonymised_at).where(condition)
        return [
            HeldRecord(row.id, RecordSource.ADMISSION, row.case_id, None, row.anonymised_at)
            for row in self.connection.execute(query.order_by(members.c.id))
        ]

    def index_entries(self, record_ids: Collection[str]) -> list[IndexedPerson]:
        records = t.identity_records
        entries: list[IndexedPerson] = []
        for chunk in _chunks(record_ids):
            query = select(records).where(records.c.record_id.in_(chunk), records.c.given_names.is_not(None))
            rows = self.connection.execute(query.order_by(records.c.record_id)).mappings()
            entries.extend(indexed_person(IDENTITY_RECORDS.open(self.cipher, row)) for row in rows)
        return entries

    def flag_ids_involving(self, record_ids: Collection[str]) -> list[str]:
        flags = t.identity_flags
        found: list[str] = []
        for chunk in _chunks(record_ids):
            query = (
                select(flags.c.id)
                .where(or_(flags.c.record_id.in_(chunk), flags.c.candidate_record_id.in_(chunk)))
                .order_by(flags.c.raised_at, flags.c.id)
            )
            found.extend(flag_id for flag_id in self.connection.execute(query).scalars() if flag_id not in found)
        return found

    # --- retention

    def closed_cases_holding_personal_data(
        self, scheme_id: str, returns: frozenset[ReturnStatus], admissions: frozenset[AdmissionStatus]
    ) -> list[ClosedCase]:
        return_cases, return_actions, people = t.return_cases, t.return_actions, t.people
        closed_returns = (
            select(return_cases.c.id, func.max(return_actions.c.at))
            .select_from(
                return_cases.join(people, people.c.id == return_cases.c.person_id).join(
                    return_actions, return_actions.c.case_id == return_cases.c.id
                )
            )
            .where(
                return_cases.c.scheme_id == scheme_id,
                return_cases.c.status.in_(sorted(s.value for s in returns)),
                people.c.anonymised_at.is_(None),
            )
            .group_by(return_cases.c.id)
        )
        admission_cases, admission_actions, members = t.admission_cases, t.admission_actions, t.admission_members
        still_held = (
            select(members.c.id)
            .where(members.c.case_id == admission_cases.c.id, members.c.anonymised_at.is_(None))
            .exists()
        )
        closed_admissions = (
            select(admission_cases.c.id, func.max(admission_actions.c.at))
            .select_from(admission_cases.join(admission_actions, admission_actions.c.case_id == admission_cases.c.id))
            .where(
                admission_cases.c.scheme_id == scheme_id,
                admission_cases.c.status.in_(sorted(s.value for s in admissions)),
                still_held,
            )
            .group_by(admission_cases.c.id)
        )
        return [
            *(ClosedCase(case_id, RecordSource.ARRIVAL, at) for case_id, at in self.connection.execute(closed_returns)),
            *(
                ClosedCase(case_id, RecordSource.ADMISSION, at)
                for case_id, at in self.connection.execute(closed_admissions)
            ),
        ]

    def anonymise(
        self, return_case_ids: Collection[str], admission_case_ids: Collection[str], at: datetime
    ) -> AnonymisedCounts:
        person_ids = self._ids(t.return_cases.c.person_id, t.return_cases.c.id, return_case_ids)
        member_ids = self._ids(t.admission_members.c.id, t.admission_members.c.case_id, admission_case_ids)
        people = self._clear(PEOPLE, person_ids, at)
        members = self._clear(ADMISSION_MEMBERS, member_ids, at)
        records = anonymise_records(self.connection, [*person_ids, *member_ids])
        return AnonymisedCounts(people, members, records)

    def _ids(self, wanted: ColumnElement[str], by: ColumnElement[str], values: Collection[str]) -> list[str]:
        found: list[str] = []
        for chunk in _chunks(values):
            found.extend(self.connection.execute(select(wanted).where(by.in_(chunk))).scalars())
        return found

    def _clear(self, protected: ProtectedTable, row_ids: Sequence[str], at: datetime) -> int:
        """Set a person's encrypted values and blind indexes to NULL, and mark when."""
        table = protected.table
        cleared = {**dict.fromkeys([*protected.columns, *_BLIND_INDEXES]), "anonymised_at": at}
        changed = 0
        for chunk in _chunks(row_ids):
            changed += self.connection.execute(
                update(table).where(table.c.id.in_(chunk), table.c.anonymised_at.is_(None)).values(cleared)
            ).rowcount
        return changed
