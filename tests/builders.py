"""Small builders for test data with the brief's real values, so each test states only what matters to it."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from parity.domain.admissions import AdmissionCase
from parity.domain.committee import CommitteeReport, DeadlineTally, LegalBlockCount, RefusalCount
from parity.domain.decisions import CaseType
from parity.domain.eligibility import Applicant
from parity.domain.lifecycle import Action, SchemeRef
from parity.domain.people import AgeStatus, ArrivingPerson, BoatArrival, IdentityClaim, IdentityDocument, Sex
from parity.domain.returns import ReturnCase
from parity.scheme import Scheme
from parity.scheme.model import ReturnGround
from parity.services.applications import ApplicantInput, SubmitExpressionOfInterest, submit_expression_of_interest
from parity.services.cases import (
    CaseCommand,
    act_on_admission_case,
    act_on_return_case,
    record_admission_action,
    sent_by_its_taker,
)
from parity.services.context import Services, scheme_ref
from parity.services.intake import PersonInput, RecordArrival, record_arrival

_ids = itertools.count()


def utc(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def action(scheme: Scheme, action_kind: str, at: datetime, **payload: Any) -> Action:
    return Action(action_kind, at, "officer-1", f"cmd-{next(_ids)}", SchemeRef(scheme.id, scheme.version), payload)


def identity(nationality: str = "ERI", born: date | None = date(1995, 3, 2)) -> IdentityClaim:
    return IdentityClaim("Yonas", "Tesfay", nationality, Sex.MALE, born)


def arriving(
    age_status: AgeStatus = AgeStatus.ADULT,
    family_group: str | None = None,
    grounds: frozenset[ReturnGround] = frozenset({ReturnGround.PROTECTION_CLAIM}),
    departed_from: str | None = "FR",
    transit_evidence: str | None = "Interview: stayed in Dunkirk camp",
) -> ArrivingPerson:
    return ArrivingPerson(
        f"p{next(_ids)}", identity(), age_status, grounds, departed_from, transit_evidence, family_group
    )


def boat(*people: ArrivingPerson, at: datetime | None = None) -> BoatArrival:
    return BoatArrival(f"a{next(_ids)}", "SB-1", at or utc(2025, 9, 1, 4), "Dover", tuple(people))


def person_input(**overrides: Any) -> PersonInput:
    values: dict[str, Any] = {
        "given_names": "Yonas",
        "family_name": "Tesfay",
        "nationality": "ERI",
        "sex": Sex.MALE,
        "age_status": AgeStatus.ADULT,
        "grounds": frozenset({ReturnGround.PROTECTION_CLAIM}),
        "departed_from": "FR",
        "transit_evidence": "Interview: stayed in Dunkirk camp",
    }
    return PersonInput(**(values | overrides))


def return_case(scheme: Scheme, arrived_at: datetime, *kinds: str, nationality: str = "ERI") -> ReturnCase:
    """A case taken through `kinds` (no payloads), each action an hour after the last."""
    case = ReturnCase(f"c{next(_ids)}", "person", "arrival", arrived_at, nationality)
    at = arrived_at
    for kind in ("detect", "screen_eligible", *kinds):
        at = at.replace(hour=min(at.hour + 1, 23))
        case.record(action(scheme, kind, at), scheme)
    return case


def family(*births: date, nationality: str = "AFG") -> tuple[Applicant, ...]:
    """Members m0, m1, ... each with the passport they gave at stage 1 (PA0000000, PA0000001, ...)."""
    return tuple(
        Applicant(
            f"m{index}",
            replace(identity(nationality, born), documents=(IdentityDocument("passport", f"PA{index:07d}"),)),
            is_main_applicant=index == 0,
        )
        for index, born in enumerate(births)
    )


def documents_shown(members: tuple[Applicant, ...]) -> list[dict[str, str]]:
    """What each member shows at the visa centre when it is the document they gave at stage 1 (rule 18)."""
    return [{"member_id": m.id, "document_number": m.identity.documents[0].number} for m in members]


def admission_case(scheme: Scheme, submitted_at: datetime, members: tuple[Applicant, ...]) -> AdmissionCase:
    case = AdmissionCase(f"f{next(_ids)}", f"FAM-{next(_ids)}", "2025-pilot", submitted_at, members)
    case.record(action(scheme, "submit_expression_of_interest", submitted_at), scheme)
    return case


def record_boat(services: Services, command_id: str, *people: dict[str, Any], at: datetime | None = None) -> Any:
    """Record one boat carrying `people` (each a dict of `person_input` overrides) through the services."""
    return record_arrival(
        services,
        RecordArrival(
            command_id,
            "officer",
            "uk-fr-2025",
            f"SB-{command_id}",
            at or utc(2025, 9, 1, 4),
            "Dover",
            tuple(person_input(**overrides) for overrides in people),
        ),
    )


def arrive(services: Services, command_id: str, people: int = 1, at: datetime | None = None) -> list[str]:
    """Record one boat of `people` standard adults; the ids of the return cases opened."""
    result = record_boat(services, command_id, *({} for _ in range(people)), at=at)
    return [case["case_id"] for case in result["cases"]]


def played(case_type: CaseType, command_id: str, case_id: str, kind: str, payload: Mapping[str, Any]) -> CaseCommand:
    """A caseworker's command, sent as whoever takes its action: tests play every part to move cases along."""
    return sent_by_its_taker(case_type, CaseCommand(command_id, "cw", case_id, kind, payload))


def act(services: Services, case_id: str, kind: str, command_id: str | None = None, **payload: object) -> dict:  # type: ignore[type-arg]
    return dict(
        act_on_return_case(services, played(CaseType.RETURN, command_id or f"{case_id}:{kind}", case_id, kind, payload))
    )


# The Home Office's decision on the protection claim made on arrival: until it is recorded, rule 8 holds the transfer.
INADMISSIBLE_CLAIM = {
    "kind": "protection_claim",
    "state": "declared_inadmissible",
    "evidence": "Inadmissibility notice",
}


def claim_declared_inadmissible(services: Services, case_id: str) -> None:
    """Record, today (UTC, never ahead of the scheme's day), that the claim made on arrival is inadmissible."""
    payload = {**INADMISSIBLE_CLAIM, "decided_on": services.clock.now().date().isoformat()}
    act_on_return_case(
        services, played(CaseType.RETURN, f"{case_id}:inadmissible", case_id, "record_legal_event", payload)
    )


def ready_to_book(services: Services, case_id: str) -> None:
    """Detained, referred, the claim made on arrival declared inadmissible, accepted by France: a transfer can be
    booked."""
    for kind in ("detain", "send_request"):
        act(services, case_id, kind)
    claim_declared_inadmissible(services, case_id)
    act(services, case_id, "accept")


def admission_act(services: Services, case_id: str, kind: str, payload: Mapping[str, Any]) -> None:
    """One admission action through the services, sent as its taker sends it (a second officer's where needed)."""
    act_on_admission_case(services, played(CaseType.ADMISSION, f"{case_id}:{kind}", case_id, kind, payload))


def waiting_family(
    services: Services, family_ref: str, *births: date, nationality: str = "AFG", factors: tuple[str, ...] = ()
) -> str:
    """A family application taken through the services to eligible (waiting for an invitation); its case id.

    The first member is the main applicant; `factors` are priority factors recorded on the way (rule 17)."""
    members = [
        ApplicantInput(
            given_names="Amina",
            family_name="Rahimi",
            date_of_birth=born,
            nationality=nationality,
            sex=Sex.FEMALE,
            is_main_applicant=index == 0,
            document_type="passport",
            document_number=f"P-{family_ref}-{index}",
        )
        for index, born in enumerate(births)
    ]
    submitted = submit_expression_of_interest(
        services, SubmitExpressionOfInterest(f"eoi:{family_ref}", "applicant", "uk-fr-2025", family_ref, members)
    )
    case_id = str(submitted["case_id"])
    today = services.clock.now().date()
    adults = [m for m, born in zip(submitted["member_ids"], births, strict=True) if (today - born).days >= 18 * 366]
    steps: list[tuple[str, dict[str, Any]]] = [("confirm_location", {"country": "FR", "confirmed_member_ids": adults})]
    steps += [("record_priority_factor", {"factor": factor, "evidence": "caseworker note"}) for factor in factors]
    steps.append(("find_eligible", {}))
    for index, (kind, payload) in enumerate(steps):
        act_on_admission_case(services, played(CaseType.ADMISSION, f"{case_id}:{kind}:{index}", case_id, kind, payload))
    return case_id


def invite_outside_a_round(services: Services, case_id: str) -> None:
    """Record an eligible family's invitation the way approving a selection proposal does
    (`record_admission_action`), without the round: for tests that need more families past invitation than one
    round's places allow. The services themselves invite only by approval."""
    with services.uow() as uow:
        scheme = services.scheme(uow.admissions.scheme_of(case_id))
        case = uow.admissions.get(case_id)
        invitation = Action("invite", services.clock.now(), "approver", f"{case_id}:invite", scheme_ref(scheme))
        record_admission_action(uow, scheme, case, invitation)
        uow.commit()


def family_with_clearance(services: Services, family_ref: str) -> tuple[str, list[str]]:
    """A family of two taken through the services to an entry clearance issued: its case id and member ids."""
    case_id = waiting_family(services, family_ref, date(1990, 1, 1), date(1992, 2, 2))
    invite_outside_a_round(services, case_id)
    with services.uow() as uow:
        members = [m.id for m in uow.admissions.get(case_id).members]
    shown = [{"member_id": m, "document_number": f"P-{family_ref}-{i}"} for i, m in enumerate(members)]
    for kind, payload in [
        ("enrol_biometrics", {"documents_presented": shown}),
        ("clear_security", {}),
        ("issue_entry_clearance", {}),
    ]:
        admission_act(services, case_id, kind, payload)
    return case_id, members


def week_report(**changes: Any) -> CommitteeReport:
    """A committee report of the week of 8 September 2025, with `changes` to its figures."""
    report = CommitteeReport(
        scheme_id="uk-fr-2025",
        week_start=date(2025, 9, 8),
        last_day=date(2025, 9, 14),
        returned=41,
        admitted=17,
        clearances_issued=23,
        clearances_released=2,
        cumulative_returned=1234,
        cumulative_admitted=1201,
        balance=10.0,
        tolerance=25,
        weekly_level=50,
        deadlines=[DeadlineTally(CaseType.RETURN, "request", binding=True, met=38, missed=2)],
        refusals=[RefusalCount(CaseType.RETURN, "public_order", 3)],
        legal_blocks=[LegalBlockCount("injunction", 4, 7)],
    )
    return replace(report, **changes)
