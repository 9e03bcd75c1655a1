"""A small, fast data set for the web pages, made through the real services over three weeks of September 2025.

Week of 1 Sep: a boat of six; all detained; five requests sent; three accepted, one refused (public order), one
  left unanswered under an injunction; one request never sent.
Week of 8 Sep: two returned; one blocked by a suspensive appeal; a family of two admitted; another family refused;
  a second boat of three, never detained.
The clock stops on Wednesday 17 Sep 2025, 10:00 UTC.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from parity.bootstrap import database
from parity.domain.decisions import CaseType
from parity.domain.people import Sex
from parity.identity.live import SplinkIdentityResolver
from parity.protection import FieldCipher, Keyring
from parity.scheme import load_scheme
from parity.services.applications import ApplicantInput, SubmitExpressionOfInterest, submit_expression_of_interest
from parity.services.cases import CaseCommand, act_on_admission_case, act_on_return_case, sent_by_its_taker
from parity.services.context import Services, SettableClock
from parity.services.intake import RecordArrival, record_arrival
from parity.services.selection import ApproveProposal, ProposeInvitations, approve_proposal, propose_invitations
from parity.store.database import SqlUnitOfWorkFactory
from tests.builders import INADMISSIBLE_CLAIM, person_input, record_boat, utc

SCHEME = "uk-fr-2025"
END = utc(2025, 9, 17, 10)


@dataclass(frozen=True)
class Seeded:
    returned: list[str]
    refused: str
    claimed_human_rights: str
    never_requested: str
    appealed: str
    second_boat: list[str]
    admitted_family: str
    refused_family: str


class _Actor:
    def __init__(self, services: Services, clock: SettableClock) -> None:
        self.services = services
        self.clock = clock
        self.ids = itertools.count()

    def at(self, when: datetime) -> None:
        self.clock.current = when

    def on_return(self, case_id: str, action: str, **payload: Any) -> None:
        command = CaseCommand(f"web-{next(self.ids)}", "officer", case_id, action, payload)
        act_on_return_case(self.services, sent_by_its_taker(CaseType.RETURN, command))

    def on_admission(self, case_id: str, action: str, **payload: Any) -> None:
        command = CaseCommand(f"web-{next(self.ids)}", "officer", case_id, action, payload)
        act_on_admission_case(self.services, sent_by_its_taker(CaseType.ADMISSION, command))

    def invite_by_selection(self) -> None:
        """Invite every family waiting, as in operation: one officer proposes the round, another approves it."""
        proposal = propose_invitations(self.services, ProposeInvitations(f"web-{next(self.ids)}", SCHEME, "officer"))
        approval = ApproveProposal(f"web-{next(self.ids)}", proposal["proposal_id"], "supervisor")
        approve_proposal(self.services, approval)

    def boat(self, ref: str, arrived_at: datetime, people: int) -> list[str]:
        result = record_arrival(
            self.services,
            RecordArrival(
                f"web-{next(self.ids)}",
                "intake",
                SCHEME,
                ref,
                arrived_at,
                "Dover",
                tuple(person_input() for _ in range(people)),
            ),
        )
        return [case["case_id"] for case in result["cases"]]

    def family(self, ref: str, adults: int) -> tuple[str, list[str]]:
        return submit_family(self.services, ref, adults)


def submit_family(services: Services, ref: str, adults: int) -> tuple[str, list[str]]:
    """A family's expression of interest, as the applicants send it online: its case id and member ids."""
    members = [
        ApplicantInput(
            "Senait",
            "Haile",
            date(1990 + i, 1, 1),
            "ERI",
            Sex.FEMALE,
            is_main_applicant=i == 0,
            document_type="passport",
            document_number=f"P{ref}{i}",
        )
        for i in range(adults)
    ]
    result = submit_expression_of_interest(
        services, SubmitExpressionOfInterest(f"eoi-{ref}", "applicant", SCHEME, ref, members)
    )
    return result["case_id"], list(result["member_ids"])


def documents_of(ref: str, member_ids: list[str]) -> list[dict[str, str]]:
    """What each member of a family from `submit_family` shows at the visa centre: their stage-1 passport."""
    return [{"member_id": m, "document_number": f"P{ref}{i}"} for i, m in enumerate(member_ids)]


def return_second_boat(services: Services, clock: SettableClock, seeded: Seeded) -> None:
    """Take the second boat's three people to "returned" after the data set's end, releasing places for
    admissions (rule 21); the clock is left an hour after the returns."""
    inadmissible = {**INADMISSIBLE_CLAIM, "decided_on": "2025-09-08"}
    steps = [("detain", {}), ("send_request", {}), ("record_legal_event", inadmissible), ("accept", {})]
    for n, case_id in enumerate(seeded.second_boat):
        for action, payload in steps:
            command = CaseCommand(f"t-{n}-{action}", "officer", case_id, action, payload)
            act_on_return_case(services, sent_by_its_taker(CaseType.RETURN, command))
    clock.current = END + timedelta(hours=1)
    departs = (END + timedelta(hours=2)).isoformat()
    for n, case_id in enumerate(seeded.second_boat):
        command = CaseCommand(
            f"t-{n}-s", "officer", case_id, "schedule_transfer", {"flight_ref": "P1", "departs_at": departs}
        )
        act_on_return_case(services, sent_by_its_taker(CaseType.RETURN, command))
    clock.current = END + timedelta(hours=3)
    for n, case_id in enumerate(seeded.second_boat):
        act_on_return_case(services, CaseCommand(f"t-{n}-c", "officer", case_id, "complete_transfer", {}))
    clock.current = END + timedelta(hours=4)


def seed_web_data(services: Services, clock: SettableClock) -> Seeded:
    act = _Actor(services, clock)
    act.at(utc(2025, 9, 1, 8))
    first = act.boat("SB-0901", utc(2025, 9, 1, 4), 6)
    for case_id in first:
        act.on_return(case_id, "detain")
    act.at(utc(2025, 9, 2, 9))
    for case_id in first[:5]:
        act.on_return(case_id, "send_request")
    act.at(utc(2025, 9, 4, 9))
    for case_id in first[:3]:
        act.on_return(case_id, "record_legal_event", decided_on="2025-09-03", **INADMISSIBLE_CLAIM)
        act.on_return(case_id, "accept")
    act.on_return(first[3], "refuse", reason="public_order")
    act.on_return(
        first[4],
        "record_legal_event",
        kind="human_rights_claim",
        state="outstanding",
        decided_on="2025-09-04",
        evidence="Claim letter",
    )
    act.at(utc(2025, 9, 5, 9))
    for case_id in first[:3]:
        act.on_return(case_id, "schedule_transfer", flight_ref="PLF-0908", departs_at="2025-09-08T09:00:00+00:00")

    act.at(utc(2025, 9, 8, 8))
    act.on_return(
        first[2],
        "record_legal_event",
        kind="suspensive_appeal",
        state="pending",
        decided_on="2025-09-08",
        evidence="UT",
    )
    act.at(utc(2025, 9, 8, 10))
    for case_id in first[:2]:
        act.on_return(case_id, "complete_transfer")
    second = act.boat("SB-0908", utc(2025, 9, 8, 3), 3)

    admitted, members = act.family("FAM-1", adults=2)
    refused, refused_members = act.family("FAM-2", adults=1)
    act.at(utc(2025, 9, 8, 12))
    act.on_admission(admitted, "confirm_location", country="FR", confirmed_member_ids=members)
    act.on_admission(refused, "confirm_location", country="FR", confirmed_member_ids=refused_members)
    act.at(utc(2025, 9, 9, 9))
    act.on_admission(admitted, "find_eligible")
    act.invite_by_selection()
    for step, payload in [
        ("enrol_biometrics", {"documents_presented": documents_of("FAM-1", members)}),
        ("clear_security", {}),
        ("issue_entry_clearance", {}),
    ]:
        act.on_admission(admitted, step, **payload)
    act.on_admission(refused, "find_eligible")
    act.on_admission(refused, "refuse", member_id=refused_members[0], reason="security checks")
    act.at(utc(2025, 9, 10, 15))
    act.on_admission(admitted, "record_arrival")
    act.at(END)
    return Seeded(
        returned=first[:2],
        refused=first[3],
        claimed_human_rights=first[4],
        never_requested=first[5],
        appealed=first[2],
        second_boat=second,
        admitted_family=admitted,
        refused_family=refused,
    )


def seeded_services(database_url: str) -> tuple[Services, SettableClock, Seeded]:
    """Services over a fresh database at `database_url` holding the data set above, both schemes registered."""
    clock = SettableClock(utc(2025, 9, 1, 8))
    cipher = FieldCipher(Keyring.generate())
    services = Services(uow=SqlUnitOfWorkFactory(database(database_url), cipher), clock=clock)
    services.register(load_scheme("uk-fr-2025"))
    services.register(load_scheme("eu-tr-2016"))
    return services, clock, seed_web_data(services, clock)


def seed_identity_flags(services: Services, clock: SettableClock) -> None:
    """Turn the matcher on and give it work: an arrival, then an applicant who may be the same man (one flag), then,
    an hour later, a second arrival who may be either of them (two flags)."""
    services.identity = SplinkIdentityResolver(today=date(2026, 1, 1))
    hossein = {
        "given_names": "Hossein",
        "family_name": "Rezaei",
        "nationality": "IRN",
        "date_of_birth": date(1994, 3, 17),
        "document_type": "passport",
        "document_number": "P-77",
    }
    record_boat(services, "boat-h1", hossein, at=clock.now() - timedelta(hours=4))
    applicant = ApplicantInput("Hossein", "Rezaee", date(1994, 3, 17), "IRN", Sex.MALE, True, "passport", "P-77")
    submit_expression_of_interest(
        services, SubmitExpressionOfInterest("eoi-h", "applicant", SCHEME, "FAM-H", (applicant,))
    )
    clock.current += timedelta(hours=1)
    record_boat(services, "boat-h2", hossein | {"given_names": "Hosein"}, at=clock.now() - timedelta(hours=2))
