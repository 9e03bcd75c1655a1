"""Repositories: domain objects in and out of the tables, with optimistic concurrency on every aggregate."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, update

from parity.domain.admissions import AdmissionCase, AdmissionStatus
from parity.domain.committee import CommitteeReport, SignOff
from parity.domain.eligibility import Applicant
from parity.domain.ledger import Ledger, WeekTotals
from parity.domain.lifecycle import Action, SchemeRef
from parity.domain.messages import Message
from parity.domain.notices import NoticeKind, SchemeNotice
from parity.domain.people import AgeStatus, ArrivingPerson, BoatArrival, IdentityClaim, IdentityDocument, Sex
from parity.domain.returns import ReturnCase, ReturnStatus
from parity.protection import FieldCipher
from parity.scheme.model import AdmissionExclusion, ReturnGround, Scheme
from parity.services.ports import ConcurrencyConflict, NotFound, StoredCommand
from parity.store import tables as t
from parity.store.protected import (
    ADMISSION_ACTIONS,
    ADMISSION_FREE_TEXT,
    ADMISSION_MEMBERS,
    COMMAND_RESULTS,
    PEOPLE,
    REPEATED_FREE_TEXT,
    RETURN_ACTIONS,
    RETURN_FREE_TEXT,
    ProtectedPayloads,
    blind_indexes,
)

# Most values one `IN (...)` list holds, to bound the parameters of a statement (SQLite: 32,766).
_IN_BATCH = 500


def _documents_json(identity: IdentityClaim) -> list[dict[str, Any]]:
    return [
        {"kind": d.kind, "number": d.number, "issuing_country": d.issuing_country, "expired": d.expired}
        for d in identity.documents
    ]


def _identity_columns(identity: IdentityClaim, cipher: FieldCipher) -> dict[str, Any]:
    """In clear: the caller seals the row (`parity.store.protected`) once it has its id."""
    return {
        "given_names": identity.given_names,
        "family_name": identity.family_name,
        "date_of_birth": identity.date_of_birth,
        "nationality": identity.nationality,
        "sex": identity.sex.value,
        "documents": _documents_json(identity),
        "biometric_ref": identity.biometric_ref,
        **blind_indexes(cipher, identity),
    }


def _identity(row: Mapping[str, Any]) -> IdentityClaim:
    """A decrypted row's identity; a person anonymised under retention keeps empty names and no documents."""
    return IdentityClaim(
        given_names=row["given_names"] or "",
        family_name=row["family_name"] or "",
        date_of_birth=row["date_of_birth"],
        nationality=row["nationality"],
        sex=Sex(row["sex"]),
        documents=tuple(IdentityDocument(**d) for d in row["documents"] or ()),
        biometric_ref=row["biometric_ref"],
    )


def _action_rows(
    history: _CaseHistory, case_id: str, actions: Sequence[Action], first_seq: int
) -> list[dict[str, Any]]:
    """The rows of a case's actions, their payloads' free text encrypted."""
    rows = []
    for offset, a in enumerate(actions):
        row = {
            "case_id": case_id,
            "seq": first_seq + offset,
            "kind": a.kind,
            "at": a.at,
            "actor": a.actor,
            "command_id": a.command_id,
            "scheme_id": a.scheme.id,
            "scheme_version": a.scheme.version,
        }
        free_text = history.free_text.get(a.kind, frozenset())
        rows.append({**row, "payload": history.payloads.seal(history.cipher, a.payload, free_text, row)})
    return rows


def _load_actions(history: _CaseHistory, case_id: str) -> list[Action]:
    table = history.actions
    rows = history.connection.execute(select(table).where(table.c.case_id == case_id).order_by(table.c.seq))
    return [
        Action(
            kind=r["kind"],
            at=r["at"],
            actor=r["actor"],
            command_id=r["command_id"],
            scheme=SchemeRef(r["scheme_id"], r["scheme_version"]),
            payload=history.payloads.open(history.cipher, r["payload"], r),
        )
        for r in rows.mappings()
    ]


@dataclass
class _CaseHistory:
    """Shared handling of an aggregate's row (status, version) and its append-only action table."""

    connection: Connection
    cipher: FieldCipher
    cases: Table
    payloads: ProtectedPayloads  # the action table, its free text encrypted
    free_text: Mapping[str, frozenset[str]]

    @property
    def actions(self) -> Table:
        return self.payloads.table

    def __post_init__(self) -> None:
        self.persisted: dict[str, int] = {}  # case id -> number of actions already stored

    def insert_actions(self, case_id: str, actions: Sequence[Action]) -> None:
        if actions:
            self.connection.execute(insert(self.actions), _action_rows(self, case_id, actions, 0))
        self.persisted[case_id] = len(actions)

    def loaded(self, case_id: str, actions: list[Action]) -> list[Action]:
        self.persisted[case_id] = len(actions)
        return actions

    def save(self, case_id: str, actions: Sequence[Action], status: str, version: int) -> int:
        """Append the new actions and bump the version, unless someone else saved first."""
        stored = self.persisted[case_id]
        changed = self.connection.execute(
            update(self.cases)
            .where(self.cases.c.id == case_id, self.cases.c.version == version)
            .values(status=status, version=version + 1)
        )
        if changed.rowcount != 1:
            raise ConcurrencyConflict(f"case {case_id} was changed by someone else (expected version {version})")
        new = actions[stored:]
        if new:
            self.connection.execute(insert(self.actions), _action_rows(self, case_id, new, stored))
        self.persisted[case_id] = len(actions)
        return version + 1

    def ids_by_status(self, scheme_id: str, statuses: frozenset[str]) -> list[str]:
        query = (
            select(self.cases.c.id)
            .where(self.cases.c.scheme_id == scheme_id, self.cases.c.status.in_(sorted(statuses)))
            .order_by(self.cases.c.id)
        )
        return list(self.connection.execute(query).scalars())

    def scheme_of(self, case_id: str) -> str:
        found = self.connection.execute(select(self.cases.c.scheme_id).where(self.cases.c.id == case_id)).scalar()
        if found is None:
            raise NotFound(Message("no case %(case)s", case=case_id))
        return str(found)


class SqlArrivalRepository:
    def __init__(self, connection: Connection, cipher: FieldCipher) -> None:
        self.connection = connection
        self.cipher = cipher

    def add(self, arrival: BoatArrival, scheme: Scheme) -> None:
        self.connection.execute(
            insert(t.arrivals).values(
                id=arrival.id,
                boat_ref=arrival.boat_ref,
                arrived_at=arrival.arrived_at,
                place=arrival.place,
                scheme_id=scheme.id,
            )
        )
        rows = [
            PEOPLE.seal(
                self.cipher,
                {
                    "id": p.id,
                    "arrival_id": arrival.id,
                    **_identity_columns(p.identity, self.cipher),
                    "age_status": p.age_status.value,
                    "grounds": sorted(g.value for g in p.grounds),
                    "departed_from": p.departed_from,
                    "transit_evidence": p.transit_evidence,
                    "family_group": p.family_group,
                },
            )
            for p in arrival.people
        ]
        if rows:
            self.connection.execute(insert(t.people), rows)

    def get(self, arrival_id: str) -> BoatArrival:
        row = self.connection.execute(select(t.arrivals).where(t.arrivals.c.id == arrival_id)).mappings().first()
        if row is None:
            raise NotFound(Message("no arrival %(arrival)s", arrival=arrival_id))
        people_rows = self.connection.execute(
            select(t.people).where(t.people.c.arrival_id == arrival_id).order_by(t.people.c.id)
        ).mappings()
        people = tuple(
            ArrivingPerson(
                id=p["id"],
                identity=_identity(p),
                age_status=AgeStatus(p["age_status"]),
                grounds=frozenset(ReturnGround(g) for g in p["grounds"]),
                departed_from=p["departed_from"],
                transit_evidence=p["transit_evidence"],
                family_group=p["family_group"],
            )
            for p in (PEOPLE.open(self.cipher, row) for row in people_rows)
        )
        return BoatArrival(row["id"], row["boat_ref"], row["arrived_at"], row["place"], people)

    def recorded_boats(self, scheme_id: str, boat_refs: Collection[str]) -> dict[str, datetime]:
        found: dict[str, datetime] = {}
        refs = sorted(set(boat_refs))
        for first in range(0, len(refs), _IN_BATCH):
            query = select(t.arrivals.c.boat_ref, t.arrivals.c.arrived_at).where(
                t.arrivals.c.scheme_id == scheme_id, t.arrivals.c.boat_ref.in_(refs[first : first + _IN_BATCH])
            )
            found.update((row.boat_ref, row.arrived_at) for row in self.connection.execute(query))
        return found


class SqlReturnCaseRepository:
    def __init__(self, connection: Connection, cipher: FieldCipher) -> None:
        self.connection = connection
        self.history = _CaseHistory(connection, cipher, t.return_cases, RETURN_ACTIONS, RETURN_FREE_TEXT)

    def add(self, case: ReturnCase, scheme_id: str) -> None:
        self.add_many([case], scheme_id)

    def add_many(self, cases: list[ReturnCase], scheme_id: str) -> None:
        if not cases:
            return
        self.connection.execute(
            insert(t.return_cases),
            [
                {
                    "id": c.id,
                    "person_id": c.person_id,
                    "arrival_id": c.arrival_id,
                    "scheme_id": scheme_id,
                    "arrived_at": c.arrived_at,
                    "nationality": c.nationality,
                    "family_group": c.family_group,
                    "status": c.status.value,
                    "version": c.version,
                }
                for c in cases
            ],
        )
        rows = [row for c in cases for row in _action_rows(self.history, c.id, c.actions, 0)]
        if rows:
            self.connection.execute(insert(t.return_actions), rows)
        for c in cases:
            self.history.persisted[c.id] = len(c.actions)

    def get(self, case_id: str) -> ReturnCase:
        row = self.connection.execute(select(t.return_cases).where(t.return_cases.c.id == case_id)).mappings().first()
        if row is None:
            raise NotFound(Message("no return case %(case)s", case=case_id))
        actions = self.history.loaded(case_id, _load_actions(self.history, case_id))
        return ReturnCase(
            id=row["id"],
            person_id=row["person_id"],
            arrival_id=row["arrival_id"],
            arrived_at=row["arrived_at"],
            nationality=row["nationality"],
            family_group=row["family_group"],
            actions=actions,
            version=row["version"],
        )

    def save(self, case: ReturnCase) -> None:
        case.version = self.history.save(case.id, case.actions, case.status.value, case.version)

    def ids_by_status(self, scheme_id: str, statuses: frozenset[ReturnStatus]) -> list[str]:
        return self.history.ids_by_status(scheme_id, frozenset(s.value for s in statuses))

    def count_by_status(self, scheme_id: str) -> dict[ReturnStatus, int]:
        rows = self.connection.execute(
            select(t.return_cases.c.status, func.count())
            .where(t.return_cases.c.scheme_id == scheme_id)
            .group_by(t.return_cases.c.status)
        )
        return {ReturnStatus(status): count for status, count in rows}

    def booked_transfers(self, scheme_id: str) -> list[tuple[str, datetime]]:
        cases, actions = t.return_cases, t.return_actions
        query = (
            select(cases.c.id, cases.c.nationality, actions.c.payload)
            .select_from(cases.join(actions, actions.c.case_id == cases.c.id))
            .where(
                cases.c.scheme_id == scheme_id,
                cases.c.status == ReturnStatus.TRANSFER_SCHEDULED.value,
                actions.c.kind == "schedule_transfer",
            )
            .order_by(cases.c.id, actions.c.seq)
        )
        # A case booked again after a cancelled transfer keeps its latest booking; the departure is coded, in clear.
        latest = {row.id: (row.nationality, row.payload["departs_at"]) for row in self.connection.execute(query)}
        return [(nationality, datetime.fromisoformat(departs)) for nationality, departs in latest.values()]

    def family_case_ids(self, arrival_id: str, family_group: str) -> list[str]:
        cases = t.return_cases
        query = select(cases.c.id).where(cases.c.arrival_id == arrival_id, cases.c.family_group == family_group)
        return list(self.connection.execute(query.order_by(cases.c.id)).scalars())

    def scheme_of(self, case_id: str) -> str:
        return self.history.scheme_of(case_id)


class SqlAdmissionCaseRepository:
    def __init__(self, connection: Connection, cipher: FieldCipher) -> None:
        self.connection = connection
        self.cipher = cipher
        self.history = _CaseHistory(connection, cipher, t.admission_cases, ADMISSION_ACTIONS, ADMISSION_FREE_TEXT)

    def add(self, case: AdmissionCase, scheme_id: str) -> None:
        self.connection.execute(
            insert(t.admission_cases).values(
                id=case.id,
                family_ref=case.family_ref,
                scheme_id=scheme_id,
                window_id=case.window_id,
                submitted_at=case.submitted_at,
                status=case.status.value,
                version=case.version,
            )
        )
        self.connection.execute(
            insert(t.admission_members),
            [
                ADMISSION_MEMBERS.seal(
                    self.cipher,
                    {
                        "id": m.id,
                        "case_id": case.id,
                        "position": position,
                        **_identity_columns(m.identity, self.cipher),
                        "is_main_applicant": m.is_main_applicant,
                        "exclusions": sorted(e.value for e in m.exclusions),
                    },
                )
                for position, m in enumerate(case.members)
            ],
        )
        self.history.insert_actions(case.id, case.actions)

    def case_of_family(self, family_ref: str) -> str | None:
        query = select(t.admission_cases.c.id).where(t.admission_cases.c.family_ref == family_ref)
        found = self.connection.execute(query).scalar()
        return None if found is None else str(found)

    def get(self, case_id: str) -> AdmissionCase:
        query = select(t.admission_cases).where(t.admission_cases.c.id == case_id)
        row = self.connection.execute(query).mappings().first()
        if row is None:
            raise NotFound(Message("no admission case %(case)s", case=case_id))
        member_rows = self.connection.execute(
            select(t.admission_members)
            .where(t.admission_members.c.case_id == case_id)
            .order_by(t.admission_members.c.position)
        ).mappings()
        members = tuple(
            Applicant(
                id=m["id"],
                identity=_identity(m),
                is_main_applicant=m["is_main_applicant"],
                exclusions=frozenset(AdmissionExclusion(e) for e in m["exclusions"]),
            )
            for m in (ADMISSION_MEMBERS.open(self.cipher, row) for row in member_rows)
        )
        actions = self.history.loaded(case_id, _load_actions(self.history, case_id))
        return AdmissionCase(
            id=row["id"],
            family_ref=row["family_ref"],
            window_id=row["window_id"],
            submitted_at=row["submitted_at"],
            members=members,
            actions=actions,
            version=row["version"],
        )

    def save(self, case: AdmissionCase) -> None:
        case.version = self.history.save(case.id, case.actions, case.status.value, case.version)

    def ids_by_status(self, scheme_id: str, statuses: frozenset[AdmissionStatus]) -> list[str]:
        return self.history.ids_by_status(scheme_id, frozenset(s.value for s in statuses))

    def scheme_of(self, case_id: str) -> str:
        return self.history.scheme_of(case_id)


def _week_totals(row: Mapping[Any, Any]) -> WeekTotals:
    return WeekTotals(row["returned"], row["clearances_issued"], row["admitted"], row["clearances_released"])


def _ledger(scheme_id: str, row: Mapping[Any, Any] | None, weeks: dict[date, WeekTotals]) -> Ledger:
    if row is None:
        return Ledger(scheme_id)
    return Ledger(scheme_id, row["returned"], row["admitted"], row["committed"], weeks, row["version"])


class SqlLedgerRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.weeks_loaded: dict[str, dict[date, WeekTotals]] = {}

    def get(self, scheme_id: str) -> Ledger:
        # The ledger is the one record every return and admission writes: lock its row (PostgreSQL; SQLite's
        # BEGIN IMMEDIATE already serialises writers) so contenders queue rather than fail their version check.
        query = select(t.ledgers).where(t.ledgers.c.scheme_id == scheme_id).with_for_update()
        row = self.connection.execute(query).mappings().first()
        weeks_query = select(t.ledger_weeks).where(t.ledger_weeks.c.scheme_id == scheme_id)
        weeks = {w["week_start"]: _week_totals(w) for w in self.connection.execute(weeks_query).mappings()}
        self.weeks_loaded[scheme_id] = {day: WeekTotals(**vars(w)) for day, w in weeks.items()}
        return _ledger(scheme_id, row, weeks)

    def read(self, scheme_id: str) -> Ledger:
        """Without a lock, so that a report never makes a return or an admission wait; in one statement, so that
        the running totals and the weeks come from one snapshot even while a command commits (READ COMMITTED)."""
        weeks = t.ledger_weeks
        query = (
            select(t.ledgers, *(c.label(f"week_{c.name}") for c in weeks.c if c.name != "scheme_id"))
            .select_from(t.ledgers.outerjoin(weeks, weeks.c.scheme_id == t.ledgers.c.scheme_id))
            .where(t.ledgers.c.scheme_id == scheme_id)
        )
        rows = self.connection.execute(query).mappings().all()
        by_week = {
            row["week_week_start"]: _week_totals({name.removeprefix("week_"): value for name, value in row.items()})
            for row in rows
            if row["week_week_start"] is not None
        }
        return _ledger(scheme_id, rows[0] if rows else None, by_week)

    def save(self, ledger: Ledger) -> None:
        totals = {"returned": ledger.returned, "admitted": ledger.admitted, "committed": ledger.committed}
        if ledger.version == 0:
            # Two first writers race on the primary key; the loser gets an integrity error, seen as a conflict.
            self.connection.execute(insert(t.ledgers).values(scheme_id=ledger.scheme_id, version=1, **totals))
        else:
            changed = self.connection.execute(
                update(t.ledgers)
                .where(t.ledgers.c.scheme_id == ledger.scheme_id, t.ledgers.c.version == ledger.version)
                .values(version=ledger.version + 1, **totals)
            )
            if changed.rowcount != 1:
                raise ConcurrencyConflict(f"the {ledger.scheme_id} ledger was changed by someone else")
        before = self.weeks_loaded.get(ledger.scheme_id, {})
        for day, week in ledger.weeks.items():
            if day not in before:
                self.connection.execute(
                    insert(t.ledger_weeks).values(scheme_id=ledger.scheme_id, week_start=day, **vars(week))
                )
            elif before[day] != week:
                self.connection.execute(
                    update(t.ledger_weeks)
                    .where(t.ledger_weeks.c.scheme_id == ledger.scheme_id, t.ledger_weeks.c.week_start == day)
                    .values(**vars(week))
                )
        self.weeks_loaded[ledger.scheme_id] = {day: WeekTotals(**vars(w)) for day, w in ledger.weeks.items()}
        ledger.version += 1


class SqlCommandLog:
    """Some command results repeat free text stored elsewhere (`REPEATED_FREE_TEXT`): it is encrypted here too."""

    def __init__(self, connection: Connection, cipher: FieldCipher) -> None:
        self.connection = connection
        self.cipher = cipher

    def get(self, command_id: str) -> StoredCommand | None:
        query = select(t.processed_commands).where(t.processed_commands.c.command_id == command_id)
        row = self.connection.execute(query).mappings().first()
        if row is None:
            return None
        result = row["result"]
        for repeated in REPEATED_FREE_TEXT:
            if repeated.fields(row["name"], result) is not None:
                result = {**result, repeated.part: COMMAND_RESULTS.open(self.cipher, result[repeated.part], row)}
        return StoredCommand(row["command_id"], row["name"], row["request_hash"], result)

    def add(self, command: StoredCommand, at: datetime) -> None:
        result = dict(command.result)
        row = {"command_id": command.command_id}
        for repeated in REPEATED_FREE_TEXT:
            free_text = repeated.fields(command.name, result)
            if free_text is not None:
                result[repeated.part] = COMMAND_RESULTS.seal(self.cipher, result[repeated.part], free_text, row)
        self.connection.execute(
            insert(t.processed_commands).values(
                command_id=command.command_id,
                name=command.name,
                request_hash=command.request_hash,
                result=result,
                at=at,
            )
        )


class SqlSchemeRecords:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def ensure(self, scheme: Scheme, at: datetime) -> None:
        """Keep the full text of every scheme version used, so each stored decision's rules can be read back."""
        query = select(t.schemes.c.id).where(t.schemes.c.id == scheme.id, t.schemes.c.version == scheme.version)
        if self.connection.execute(query).first() is None:
            self.connection.execute(
                insert(t.schemes).values(
                    id=scheme.id,
                    version=scheme.version,
                    name=scheme.name,
                    content=scheme.model_dump(mode="json"),
                    first_used_at=at,
                )
            )


class SqlSchemeNotices:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def for_scheme(self, scheme_id: str) -> list[SchemeNotice]:
        query = select(t.scheme_notices).where(t.scheme_notices.c.scheme_id == scheme_id)
        rows = self.connection.execute(query.order_by(t.scheme_notices.c.given_at)).mappings()
        return [
            SchemeNotice(
                id=row["id"],
                scheme_id=row["scheme_id"],
                kind=NoticeKind(row["kind"]),
                given_by=row["given_by"],
                given_at=row["given_at"],
                reason=row["reason"],
                actor=row["actor"],
                scheme_version=row["scheme_version"],
            )
            for row in rows
        ]

    def add(self, notice: SchemeNotice) -> None:
        self.connection.execute(
            insert(t.scheme_notices).values(
                id=notice.id,
                scheme_id=notice.scheme_id,
                kind=notice.kind.value,
                given_by=notice.given_by,
                given_at=notice.given_at,
                reason=notice.reason,
                actor=notice.actor,
                scheme_version=notice.scheme_version,
            )
        )


class SqlCommitteeSignOffs:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def get(self, scheme_id: str, week_start: date) -> SignOff | None:
        table = t.committee_sign_offs
        query = select(table).where(table.c.scheme_id == scheme_id, table.c.week_start == week_start)
        row = self.connection.execute(query).mappings().one_or_none()
        if row is None:
            return None
        return SignOff(
            scheme_id=row["scheme_id"],
            week_start=row["week_start"],
            signed_at=row["signed_at"],
            signed_by=row["signed_by"],
            actor=row["actor"],
            scheme_version=row["scheme_version"],
            report=CommitteeReport.from_record(row["report"]),
        )

    def add(self, sign_off: SignOff) -> None:
        self.connection.execute(
            insert(t.committee_sign_offs).values(
                scheme_id=sign_off.scheme_id,
                week_start=sign_off.week_start,
                signed_at=sign_off.signed_at,
                signed_by=sign_off.signed_by,
                actor=sign_off.actor,
                scheme_version=sign_off.scheme_version,
                report=sign_off.report.to_record(),
            )
        )

    def signed_weeks(self, scheme_id: str) -> set[date]:
        table = t.committee_sign_offs
        query = select(table.c.week_start).where(table.c.scheme_id == scheme_id)
        return set(self.connection.execute(query).scalars())
