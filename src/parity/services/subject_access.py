"""Subject access (UK GDPR Art. 15): everything Parity holds on one person, decrypted, as JSON-ready data.

The person is named by a record id (an arriving person's id or an admission member's id), or found by blind index:
a document number, or a family name with a date of birth (or with none recorded), which may find several records
of the same person (several crossings, an application after a crossing). For each record the export holds the
identity claim, the arrival or application it came with, the case and its whole action history, the identity index
entry and every identity flag that names the record. The other members of a family application are listed by id
only: their data is theirs.

Every export is audited as a read of personal data, naming the records and cases it read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from parity.domain.errors import InvalidCommand
from parity.domain.identity_links import IdentityFlag, RecordSource
from parity.domain.lifecycle import Action
from parity.domain.messages import Message
from parity.domain.people import IdentityClaim
from parity.services.audit import record_access
from parity.services.context import Services
from parity.services.ports import HeldRecord, NotFound, UnitOfWork

FORMAT = "parity/subject-access/1"


@dataclass(frozen=True)
class SubjectLookup:
    """One way of naming the person: a record id, a document number, or a family name (with a date of birth)."""

    record_id: str | None = None
    document_number: str | None = None
    family_name: str | None = None
    date_of_birth: date | None = None

    def __post_init__(self) -> None:
        given = [name for name in ("record_id", "document_number", "family_name") if getattr(self, name)]
        if len(given) != 1:
            raise InvalidCommand(Message("name the person by exactly one of: record id, document number, family name"))
        if self.date_of_birth is not None and not self.family_name:
            raise InvalidCommand(Message("field 'date_of_birth' is used only with 'family_name'"))

    @property
    def kind(self) -> str:
        if self.record_id:
            return "record_id"
        return "document_number" if self.document_number else "family_name_and_date_of_birth"


def subject_access_export(services: Services, lookup: SubjectLookup) -> dict[str, Any]:
    with services.uow() as uow:
        held = _find(uow, lookup)
        if not held:
            raise NotFound(Message("no person record matches the %(kind)s given", kind=lookup.kind.replace("_", " ")))
        records = [_record(uow, record) for record in held]
    read = [*(r.record_id for r in held), *dict.fromkeys(r.case_id for r in held)]
    record_access(services, "subject_access_export", read)
    return {
        "format": FORMAT,
        "generated_at": services.clock.now().isoformat(),
        "found_by": lookup.kind,
        "records": records,
    }


def _find(uow: UnitOfWork, lookup: SubjectLookup) -> list[HeldRecord]:
    if lookup.record_id:
        found = uow.personal_data.held_record(lookup.record_id)
        return [found] if found else []
    if lookup.document_number:
        return uow.personal_data.records_with_document(lookup.document_number)
    return uow.personal_data.records_with_name(lookup.family_name or "", lookup.date_of_birth)


def _record(uow: UnitOfWork, held: HeldRecord) -> dict[str, Any]:
    common = {
        "record_id": held.record_id,
        "source": held.source.value,
        "anonymised_at": _text(held.anonymised_at),
        "identity_index": [
            {**asdict(entry.record), "date_of_birth": _text(entry.record.date_of_birth)}
            for entry in uow.personal_data.index_entries([held.record_id])
        ],
        "identity_flags": [
            _flag(uow.identity.flag(flag_id)) for flag_id in uow.personal_data.flag_ids_involving([held.record_id])
        ],
    }
    if held.source is RecordSource.ARRIVAL:
        return {**common, **_arrival(uow, held)}
    return {**common, **_application(uow, held)}


def _arrival(uow: UnitOfWork, held: HeldRecord) -> dict[str, Any]:
    arrival = uow.arrivals.get(held.arrival_id or "")
    person = next(p for p in arrival.people if p.id == held.record_id)
    case = uow.returns.get(held.case_id)
    return {
        "identity": _identity(person.identity),
        "age_status": person.age_status.value,
        "grounds": sorted(g.value for g in person.grounds),
        "departed_from": person.departed_from,
        "transit_evidence": person.transit_evidence,
        "family_group": person.family_group,
        "arrival": {
            "arrival_id": arrival.id,
            "boat_ref": arrival.boat_ref,
            "arrived_at": arrival.arrived_at.isoformat(),
            "place": arrival.place,
        },
        "return_case": {
            "case_id": case.id,
            "scheme_id": uow.returns.scheme_of(case.id),
            "status": case.status.value,
            "version": case.version,
            "actions": [_action(a) for a in case.actions],
        },
    }


def _application(uow: UnitOfWork, held: HeldRecord) -> dict[str, Any]:
    case = uow.admissions.get(held.case_id)
    member = case.member(held.record_id)
    return {
        "identity": _identity(member.identity),
        "is_main_applicant": member.is_main_applicant,
        "declared_exclusions": sorted(e.value for e in member.exclusions),
        "admission_case": {
            "case_id": case.id,
            "scheme_id": uow.admissions.scheme_of(case.id),
            "family_ref": case.family_ref,
            "window_id": case.window_id,
            "submitted_at": case.submitted_at.isoformat(),
            "status": case.status.value,
            "version": case.version,
            "other_member_ids": [m.id for m in case.members if m.id != member.id],
            "actions": [_action(a, about=member.id) for a in case.actions],
        },
    }


def _identity(identity: IdentityClaim) -> dict[str, Any]:
    return {
        "given_names": identity.given_names,
        "family_name": identity.family_name,
        "date_of_birth": _text(identity.date_of_birth),
        "nationality": identity.nationality,
        "sex": identity.sex.value,
        "documents": [asdict(document) for document in identity.documents],
        "biometric_ref": identity.biometric_ref,
    }


def _action(action: Action, about: str | None = None) -> dict[str, Any]:
    """One action of the subject's case. On a family's case (`about`: the subject's member id) what the action says
    of another member is theirs, not the subject's: the document they showed, the reason or evidence typed about
    them. The subject sees that the action happened and its coded fields."""
    payload = dict(action.payload)
    if about is not None:
        payload = _only_about(payload, about)
    return {
        "kind": action.kind,
        "at": action.at.isoformat(),
        "actor": action.actor,
        "command_id": action.command_id,
        "scheme_id": action.scheme.id,
        "scheme_version": action.scheme.version,
        "payload": _jsonable(payload),
    }


OTHER_MEMBER = "(about another member of the family: not part of this export)"
TEXT_ABOUT_A_MEMBER = ("reason", "evidence")  # typed by an officer about the member the action names


def _only_about(payload: dict[str, Any], member_id: str) -> dict[str, Any]:
    shown = payload.get("documents_presented")
    if isinstance(shown, list):
        payload["documents_presented"] = [
            d for d in shown if isinstance(d, Mapping) and d.get("member_id") == member_id
        ]
    if payload.get("member_id") not in {None, member_id}:
        payload.update({field: OTHER_MEMBER for field in TEXT_ABOUT_A_MEMBER if field in payload})
    return payload


def _flag(flag: IdentityFlag) -> dict[str, Any]:
    decision = flag.decision
    return {
        "flag_id": flag.id,
        **flag.evidence(),
        "raised_at": flag.raised_at.isoformat(),
        "decision": None if decision is None else {**asdict(decision), "decided_at": decision.decided_at.isoformat()},
    }


def _text(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _jsonable(value: object) -> Any:
    """Action payloads as JSON: dates and times become ISO text."""
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value
