"""The encrypted personal data as a whole (issue 3 item 5): which keys protect how many values, re-encryption under
the active key, blind indexes recomputed under the active index secret, lookups by blind index (under every
configured index secret, so none is missed during a rotation), and anonymisation of closed cases' people under the
retention period."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    RowMapping,
    Table,
    Text,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    true,
    update,
)

from parity.domain.admissions import AdmissionStatus
from parity.domain.identity_links import DECIDE_IDENTITY_MATCH, RecordSource
from parity.domain.proposals import ProposalStatus
from parity.domain.returns import ReturnStatus
from parity.protection import FieldCipher
from parity.protection.cipher import index_prefix, key_of
from parity.protection.keyring import ORIGINAL_INDEX_KEY
from parity.services.ports import AnonymisedCounts, ClosedCase, HeldRecord, IndexedPerson
from parity.store import tables as t
from parity.store.identity import anonymise_records, indexed_person
from parity.store.protected import (
    ADMISSION_ACTIONS,
    ADMISSION_FREE_TEXT,
    ADMISSION_MEMBERS,
    APPROVAL_FREE_TEXT,
    APPROVAL_RESULTS,
    COMMAND_RESULTS,
    DECISION_PROPOSALS,
    DECISION_RESULTS,
    FREE_TEXT,
    IDENTITY_FLAGS,
    IDENTITY_RECORDS,
    PEOPLE,
    PROTECTED_TABLES,
    REMOVED,
    RETURN_ACTIONS,
    RETURN_FREE_TEXT,
    SEALED,
    SELECTION_APPROVALS,
    ProtectedPayloads,
    ProtectedTable,
    RepeatedFreeText,
    stored_blind_indexes,
)

# Bound parameters per IN (...) query, under the SQLite and PostgreSQL limits.
_IN_BATCH = 500
_BLIND_INDEXES = ("name_index", "document_index")
# The tables holding blind indexes, and the decrypted columns they are computed from.
_INDEXED_TABLES = (PEOPLE, ADMISSION_MEMBERS)
_INDEXED_FROM = ("family_name", "date_of_birth", "documents")
# Rows fetched at a time when payloads are scanned.
_STREAM_BATCH = 10_000


@dataclass(frozen=True)
class _PayloadSource:
    """Where stored payloads are: which rows hold one, its free-text fields, and how it sits in its column."""

    payloads: ProtectedPayloads
    holds: ColumnElement[bool]
    free_text: Callable[[RowMapping], frozenset[str] | None]  # None: the row holds no payload after all
    payload: Callable[[Any], Mapping[str, Any]] = lambda stored: stored
    put: Callable[[Any, dict[str, Any]], Any] = lambda stored, payload: payload  # noqa: ARG005
    # The one case whose family the free text is about (retention), as SQL: the row's `case_id`, or the case id its
    # JSON names; retention reads only the rows of the cases it anonymises. None: the row names its cases in lists
    # (`cases`), and retention reads every row to find them (one per selection round: few).
    about: ColumnElement[str] | None = None
    cases: Callable[[RowMapping], Collection[str]] = lambda _row: ()  # for `about` None


def _amended(approval: Mapping[str, Any]) -> set[str]:
    """The cases an approval's reason is about: the families it removed from the proposed list or added to it."""
    return {*approval["removed"], *approval["added"]}


def _results(
    repeated: RepeatedFreeText,
    *,
    about: str | None = None,
    cases: Callable[[Mapping[str, Any]], Collection[str]] = lambda _result: (),
) -> _PayloadSource:
    """The command results that repeat free text, as `repeated` says; what one is about is the case id at its key
    `about`, or else what `cases` reads from it."""
    part, stored = repeated.part, t.processed_commands.c.result
    return _PayloadSource(
        COMMAND_RESULTS,
        # By exact name: a LIKE on `select:%` would also take `select:propose`, whose results hold no free text.
        t.processed_commands.c.name.in_(sorted(repeated.commands)),
        lambda row: repeated.fields(row["name"], row["result"]),
        payload=lambda result: result[part],
        put=lambda result, payload: {**result, part: payload},
        # `result ->> 'case_id'` on PostgreSQL, `JSON_EXTRACT(result, '$."case_id"')` on SQLite.
        about=None if about is None else stored[about].as_string(),
        cases=lambda row: cases(row["result"]),
    )


_ACTION_SOURCES = (
    _PayloadSource(
        RETURN_ACTIONS,
        true(),
        lambda row: RETURN_FREE_TEXT.get(row["kind"], frozenset()),
        about=t.return_actions.c.case_id,
    ),
    _PayloadSource(
        ADMISSION_ACTIONS,
        true(),
        lambda row: ADMISSION_FREE_TEXT.get(row["kind"], frozenset()),
        about=t.admission_actions.c.case_id,
    ),
)
_PAYLOAD_SOURCES = (
    *_ACTION_SOURCES,
    _PayloadSource(
        DECISION_PROPOSALS,
        true(),
        lambda row: FREE_TEXT[row["case_type"]].get(row["action"], frozenset()),
        about=t.decision_proposals.c.case_id,
    ),
    _results(DECISION_RESULTS, about="case_id"),
    # Only an approved selection proposal holds an approval (the others hold JSON null).
    _PayloadSource(
        SELECTION_APPROVALS,
        t.selection_proposals.c.status == ProposalStatus.APPROVED.value,
        lambda row: APPROVAL_FREE_TEXT if isinstance(row["approval"], dict) else None,
        cases=lambda row: _amended(row["approval"]),
    ),
    _results(APPROVAL_RESULTS, cases=lambda result: _amended(result["approval"])),
)


def _text(source: _PayloadSource) -> ColumnElement[str]:
    return cast(source.payloads.table.c[source.payloads.column], Text)


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
        for source in _PAYLOAD_SOURCES:
            for _, payload in self._payloads(source, _text(source).like(f'%"{SEALED}": "%'), to_write=False):
                if payload.get(SEALED) is not None:
                    usage[key_of(payload[SEALED])] = usage.get(key_of(payload[SEALED]), 0) + 1
        return usage

    def rows_to_reencrypt(self) -> int:
        columns = sum(self._count(protected.table, self._stale(protected)) for protected in PROTECTED_TABLES)
        return columns + sum(
            self._count(source.payloads.table, self._stale_payloads(source)) for source in _PAYLOAD_SOURCES
        )

    def _count(self, table: Table, condition: ColumnElement[bool]) -> int:
        return int(self.connection.execute(select(func.count()).select_from(table).where(condition)).scalar_one())

    def reencrypt(self, limit: int) -> int:
        def reencrypted(protected: ProtectedTable, row: RowMapping) -> dict[str, Any]:
            row_id = row[protected.key]
            return {
                name: self.cipher.reencrypt(row[name], protected.binding(name, row_id))
                for name in protected.columns
                if row[name] is not None
            }

        done = self._rewrite_rows(PROTECTED_TABLES, self._stale, lambda p: tuple(p.columns), reencrypted, limit)
        for source in _PAYLOAD_SOURCES:
            if done >= limit:
                break
            for row, payload in list(self._payloads(source, self._stale_payloads(source), limit - done)):
                free_text = source.free_text(row)
                resealed = source.payloads.reseal(self.cipher, payload, free_text or frozenset(), row)
                self._put(source, row, source.put(row[source.payloads.column], resealed))
                done += 1
        return done

    def _stale_payloads(self, source: _PayloadSource) -> ColumnElement[bool]:
        """Payloads with free text under a key other than the active one, or written in clear before encryption.

        Matched on the JSON text: every payload written since has the sealed key, null or a ciphertext, and one
        payload's free text is always encrypted under one key (`parity.store.protected`)."""
        stored = _text(source)
        return and_(
            source.holds,
            stored.not_like(f'%"{SEALED}": null%'),
            stored.not_like(f'%"{SEALED}": "{self.cipher.active_key}:%'),
        )

    def _payloads(
        self, source: _PayloadSource, condition: ColumnElement[bool], limit: int | None = None, *, to_write: bool = True
    ) -> Iterator[tuple[RowMapping, Mapping[str, Any]]]:
        """The rows matching `condition` that hold a payload, in key order, each with its payload as stored; streamed,
        so a caller that updates them reads them all first. Rows read `to_write` are locked until the transaction
        ends (PostgreSQL), so a key rotation and a retention run cannot write back each other's older payload."""
        table = source.payloads.table
        query = select(table).where(source.holds, condition).order_by(*(table.c[k] for k in source.payloads.keys))
        if to_write:
            query = query.with_for_update()
        rows = self.connection.execute(query.limit(limit), execution_options={"yield_per": _STREAM_BATCH})
        for row in rows.mappings():
            if source.free_text(row) is not None:
                yield row, source.payload(row[source.payloads.column])

    def _put(self, source: _PayloadSource, row: RowMapping, stored: Any) -> None:
        table = source.payloads.table
        key = and_(*(table.c[k] == row[k] for k in source.payloads.keys))
        self.connection.execute(update(table).where(key).values({source.payloads.column: stored}))

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

    # --- blind indexes under the active index secret

    def index_key_usage(self) -> dict[str, int]:
        usage: dict[str, int] = {}
        for protected in _INDEXED_TABLES:
            for column in _BLIND_INDEXES:
                stored = protected.table.c[column]
                separator = self._position(stored, ":")
                key_id = case((separator > 0, func.substr(stored, 1, separator - 1)), else_=literal(ORIGINAL_INDEX_KEY))
                query = select(key_id, func.count()).where(stored.is_not(None)).group_by(key_id)
                for found, count in self.connection.execute(query):
                    usage[found] = usage.get(found, 0) + count
        return usage

    def rows_to_reindex(self) -> int:
        return sum(self._count(protected.table, self._stale_indexes(protected)) for protected in _INDEXED_TABLES)

    def reindex(self, limit: int) -> int:
        def reindexed(protected: ProtectedTable, row: RowMapping) -> dict[str, Any]:
            return stored_blind_indexes(self.cipher, protected.open(self.cipher, row, only=_INDEXED_FROM))

        return self._rewrite_rows(_INDEXED_TABLES, self._stale_indexes, lambda _: _INDEXED_FROM, reindexed, limit)

    def _rewrite_rows(
        self,
        tables: Sequence[ProtectedTable],
        stale: Callable[[ProtectedTable], ColumnElement[bool]],
        read: Callable[[ProtectedTable], Sequence[str]],
        rewritten: Callable[[ProtectedTable, RowMapping], Mapping[str, Any]],
        limit: int,
    ) -> int:
        """Up to ``limit`` rows that ``stale`` picks, table by table in key order, each read (its ``read`` columns,
        locked until the transaction ends) and given its ``rewritten`` values; how many."""
        done = 0
        for protected in tables:
            if done >= limit:
                break
            key = protected.table.c[protected.key]
            columns = [protected.table.c[name] for name in read(protected)]
            query = select(key, *columns).where(stale(protected)).order_by(key).limit(limit - done)
            for row in self.connection.execute(query.with_for_update()).mappings().all():
                values = rewritten(protected, row)
                self.connection.execute(update(protected.table).where(key == row[protected.key]).values(values))
                done += 1
        return done

    def _stale_indexes(self, protected: ProtectedTable) -> ColumnElement[bool]:
        """Rows of a person not anonymised holding a blind index under an index secret other than the active one
        (anonymised rows hold no index and nothing to compute one from)."""
        prefix = index_prefix(self.cipher.active_index_key)

        def stale(column: ColumnElement[str]) -> ColumnElement[bool]:
            # Under the original secret an index is bare hex: any index with a key id is under another secret.
            return and_(column.is_not(None), column.like("%:%") if not prefix else column.not_like(f"{prefix}%"))

        table = protected.table
        return and_(table.c.anonymised_at.is_(None), or_(*(stale(table.c[name]) for name in _BLIND_INDEXES)))

    # --- subject access

    def held_record(self, record_id: str) -> HeldRecord | None:
        found = self._people(t.people.c.id == record_id) + self._members(t.admission_members.c.id == record_id)
        return found[0] if found else None

    # A lookup tries the index under every configured index secret: during a rotation a row is under the old one or
    # the new one, and must be found either way.

    def records_with_document(self, number: str) -> list[HeldRecord]:
        indexes = self.cipher.document_indexes(number)
        return self._people(t.people.c.document_index.in_(indexes)) + self._members(
            t.admission_members.c.document_index.in_(indexes)
        )

    def records_with_name(self, family_name: str, date_of_birth: date | None) -> list[HeldRecord]:
        indexes = self.cipher.name_indexes(family_name, date_of_birth)
        return self._people(t.people.c.name_index.in_(indexes)) + self._members(
            t.admission_members.c.name_index.in_(indexes)
        )

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
        payloads = self._erase_free_text({*return_case_ids, *admission_case_ids})
        # A reason given for an identity decision may name either person of the flag: it goes on both sides.
        flag_ids = set(self.flag_ids_involving([*person_ids, *member_ids]))
        reasons = self._erase_decision_reasons(flag_ids) + self._erase_answers(flag_ids)
        return AnonymisedCounts(people, members, records, payloads + reasons)

    def _erase_decision_reasons(self, flag_ids: Collection[str]) -> int:
        """Replace the reasons kept on these flags; the decisions themselves stay."""
        flags = t.identity_flags
        erased = 0
        for chunk in _chunks(flag_ids):
            query = select(flags.c.id, flags.c.decision_reason).where(
                flags.c.id.in_(chunk), flags.c.decision_reason.is_not(None)
            )
            for row in self.connection.execute(query).mappings().all():
                if IDENTITY_FLAGS.open(self.cipher, row)["decision_reason"] == REMOVED:
                    continue
                removed = IDENTITY_FLAGS.seal(self.cipher, {"id": row["id"], "decision_reason": REMOVED})
                self.connection.execute(
                    update(flags).where(flags.c.id == row["id"]).values(decision_reason=removed["decision_reason"])
                )
                erased += 1
        return erased

    def _erase_answers(self, flag_ids: Collection[str]) -> int:
        """Replace the reasons in the answers to these flags (`decide_identity_match` actions), on whichever case
        they were recorded: the flagged record's case may not be the one being anonymised. Found by the flag id each
        answer holds in clear (none to look for: nothing read)."""
        erased = 0
        for source in _ACTION_SOURCES:
            table = source.payloads.table
            flag_id = table.c.payload["flag_id"].as_string()
            for chunk in _chunks(flag_ids):
                answers = self._payloads(source, and_(table.c.kind == DECIDE_IDENTITY_MATCH, flag_id.in_(chunk)))
                erased += self._erase(source, list(answers))
        return erased

    def _erase_free_text(self, case_ids: set[str]) -> int:
        """Replace the free text of these cases' action payloads, decision proposals and their results, and the
        reasons for amending selection rounds that took these families out or put them in; how many."""
        erased = 0
        for source in _PAYLOAD_SOURCES:
            about = source.about
            if about is not None:
                found = (
                    row_payload
                    for chunk in _chunks(case_ids)
                    for row_payload in self._payloads(source, about.in_(chunk))
                )
            else:  # selection approvals and their results list the families amended
                found = (
                    (row, payload)
                    for row, payload in self._payloads(source, true())
                    if not case_ids.isdisjoint(source.cases(row))
                )
            erased += self._erase(source, list(found))
        return erased

    def _erase(self, source: _PayloadSource, found: list[tuple[RowMapping, Mapping[str, Any]]]) -> int:
        """Replace the free text of these stored payloads (read in full before any is written); how many held some."""
        erased = 0
        for row, payload in found:
            cleared = source.payloads.erase(self.cipher, payload, source.free_text(row) or frozenset(), row)
            if cleared is not None:
                self._put(source, row, source.put(row[source.payloads.column], cleared))
                erased += 1
        return erased

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
