"""Admission cases: a family's application to come to the returning state by the controlled legal route.

A family applies together under one reference and is decided together: one refusal voids the whole application
(brief §10 rules 13-20).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from parity.domain.clocks import ClockRules, Deadline
from parity.domain.eligibility import Applicant, admission_bars
from parity.domain.errors import DeadlinePassed, InvalidCommand, NotEligible, TooEarly
from parity.domain.identity_links import (
    DECIDE_IDENTITY_MATCH,
    IDENTITY_DECISION_FIELDS,
    LINK_EVIDENCE,
    check_identity_decision,
)
from parity.domain.lifecycle import Action, Taker, Transition, TransitionTable, check_next_action, last_action
from parity.domain.messages import Message, joined
from parity.domain.payloads import required_text
from parity.scheme.model import AdmissionExclusion, PriorityFactor, Scheme


class AdmissionStatus(StrEnum):
    NEW = "new"
    SUBMITTED = "submitted"
    LOCATION_CONFIRMED = "location_confirmed"
    ELIGIBLE = "eligible"
    INVITED = "invited"
    BIOMETRICS_ENROLLED = "biometrics_enrolled"
    SECURITY_CLEARED = "security_cleared"
    CLEARANCE_ISSUED = "entry_clearance_issued"
    ARRIVED = "arrived"
    WITHDRAWN = "withdrawn"
    REFUSED = "refused"
    EXPIRED = "expired"


A = AdmissionStatus
BEFORE_DECISION = frozenset({A.SUBMITTED, A.LOCATION_CONFIRMED, A.ELIGIBLE, A.INVITED, A.BIOMETRICS_ENROLLED})
UNDER_ASSESSMENT = BEFORE_DECISION | {A.SECURITY_CLEARED}
OPEN = UNDER_ASSESSMENT | {A.CLEARANCE_ISSUED}
CLOSED = frozenset({A.ARRIVED, A.WITHDRAWN, A.REFUSED, A.EXPIRED})
# Priority only orders families still waiting for an invitation (rule 17).
AWAITING_INVITATION = frozenset({A.SUBMITTED, A.LOCATION_CONFIRMED, A.ELIGIBLE})

ADMISSION_TRANSITIONS: TransitionTable[AdmissionStatus] = TransitionTable(
    A.NEW,
    [
        Transition("submit_expression_of_interest", frozenset({A.NEW}), A.SUBMITTED, Taker.SCREENING),
        Transition(
            "confirm_location",
            frozenset({A.SUBMITTED}),
            A.LOCATION_CONFIRMED,
            fields=frozenset({"country", "confirmed_member_ids"}),
        ),
        Transition("lapse_location", frozenset({A.SUBMITTED}), A.EXPIRED),
        Transition("find_eligible", frozenset({A.SUBMITTED, A.LOCATION_CONFIRMED}), A.ELIGIBLE),
        Transition("invite", frozenset({A.ELIGIBLE}), A.INVITED, Taker.SELECTION, fields=frozenset({"proposal_id"})),
        Transition(
            "enrol_biometrics", frozenset({A.INVITED}), A.BIOMETRICS_ENROLLED, fields=frozenset({"documents_presented"})
        ),
        Transition("clear_security", frozenset({A.BIOMETRICS_ENROLLED}), A.SECURITY_CLEARED),
        Transition(
            "issue_entry_clearance",
            frozenset({A.SECURITY_CLEARED}),
            A.CLEARANCE_ISSUED,
            Taker.TWO_OFFICERS,
            fields=frozenset({"conditions"}),
        ),
        # Refusing a family whose clearance is issued revokes it (an exclusion found late, rule 16): its places go
        # back to the ledger.
        Transition("refuse", OPEN, A.REFUSED, Taker.TWO_OFFICERS, fields=frozenset({"member_id", "reason"})),
        Transition("record_arrival", frozenset({A.CLEARANCE_ISSUED}), A.ARRIVED),
        Transition("expire_entry_clearance", frozenset({A.CLEARANCE_ISSUED}), A.EXPIRED),
        Transition("withdraw", OPEN, A.WITHDRAWN, fields=frozenset({"reason"})),
        Transition(
            "record_exclusion", OPEN, None, fields=frozenset({"member_id", "exclusion", "evidence", *LINK_EVIDENCE})
        ),
        Transition(
            DECIDE_IDENTITY_MATCH, OPEN, None, Taker.IDENTITY_REVIEW, fields=frozenset({*IDENTITY_DECISION_FIELDS})
        ),
        Transition("record_priority_factor", AWAITING_INVITATION, None, fields=frozenset({"factor", "evidence"})),
    ],
)


@dataclass
class AdmissionCase:
    id: str
    family_ref: str
    window_id: str
    submitted_at: datetime
    members: tuple[Applicant, ...]
    actions: list[Action] = field(default_factory=list)
    version: int = 0

    @property
    def status(self) -> AdmissionStatus:
        return ADMISSION_TRANSITIONS.replay(self.actions)

    @property
    def size(self) -> int:
        return len(self.members)

    def member(self, member_id: str) -> Applicant:
        found = next((m for m in self.members if m.id == member_id), None)
        if found is None:
            raise InvalidCommand(
                Message(
                    "member '%(member)s' is not part of family application %(family)s",
                    member=member_id,
                    family=self.family_ref,
                )
            )
        return found

    def current_members(self) -> tuple[Applicant, ...]:
        """Members with the exclusions recorded since submission (e.g. a prior irregular entry found by linkage)."""
        added: dict[str, set[AdmissionExclusion]] = {}
        for action in self.actions:
            if action.kind == "record_exclusion":
                added.setdefault(action.payload["member_id"], set()).add(
                    AdmissionExclusion(action.payload["exclusion"])
                )
        return tuple(
            Applicant(m.id, m.identity, m.is_main_applicant, m.exclusions | frozenset(added.get(m.id, ())))
            for m in self.members
        )

    def priority_factors(self) -> frozenset[PriorityFactor]:
        """The priority factors recorded on the application (rule 17); waiting time is counted, not recorded."""
        recorded = (action for action in self.actions if action.kind == "record_priority_factor")
        return frozenset(PriorityFactor(action.payload["factor"]) for action in recorded)

    def record(self, action: Action, scheme: Scheme) -> None:
        check_next_action(ADMISSION_TRANSITIONS, self.actions, action)
        guard = _GUARDS.get(action.kind)
        if guard is not None:
            guard(self, action, scheme)
        self.actions.append(action)

    def last(self, kind: str) -> Action | None:
        return last_action(self.actions, kind)

    def deadlines(self, scheme: Scheme) -> list[Deadline]:
        clock = ClockRules(scheme.timezone, scheme.calendars)
        found: list[Deadline] = []
        rule = scheme.admissions.location_confirmation
        if rule is not None:
            confirmed = self.last("confirm_location")
            found.append(
                Deadline("location_confirmation", clock.deadline(self.submitted_at, rule), done_at=_at(confirmed))
            )
        issued = self.last("issue_entry_clearance")
        if issued is not None:
            due = clock.deadline(issued.at, scheme.admissions.entry_clearance_validity)
            found.append(Deadline("entry_clearance_expiry", due, done_at=_at(self.last("record_arrival"))))
        return found

    def deadline(self, scheme: Scheme, name: str) -> Deadline | None:
        return next((d for d in self.deadlines(scheme) if d.name == name), None)


def _at(action: Action | None) -> datetime | None:
    return None if action is None else action.at


def _local_date(scheme: Scheme, instant: datetime) -> date:
    """The day an instant falls on where the scheme runs: ages and bars are judged on it, never on the UTC date."""
    return ClockRules(scheme.timezone, scheme.calendars).local_date(instant)


def _check_submission(case: AdmissionCase, action: Action, scheme: Scheme) -> None:
    day = _local_date(scheme, action.at)
    window = scheme.window_on(day)
    if window is None:
        raise NotEligible(
            Message(
                "no application window is open on %(day)s: an expression of interest outside one is invalid", day=day
            )
        )
    if window.id != case.window_id:
        raise InvalidCommand(
            Message(
                "the application names window %(named)s but %(open)s is the open one",
                named=case.window_id,
                open=window.id,
            )
        )
    if not case.members:
        raise InvalidCommand(Message("a family application needs at least one member"))
    ids = [m.id for m in case.members]
    if len(ids) != len(set(ids)):
        raise InvalidCommand(Message("member ids must be unique within a family application"))
    if sum(m.is_main_applicant for m in case.members) != 1:
        raise InvalidCommand(Message("a family application needs exactly one main applicant"))


def _check_location(case: AdmissionCase, action: Action, scheme: Scheme) -> None:
    rule = scheme.admissions.location_confirmation
    if rule is None:
        raise InvalidCommand(Message("scheme %(scheme)s has no location confirmation step", scheme=scheme.id))
    due = case.deadline(scheme, "location_confirmation")
    if due is not None and action.at >= due.due_at:
        raise DeadlinePassed(Message("location had to be confirmed before %(due)s (rule 13)", due=due.due_at))
    country = scheme.admissions.eligibility.applicant_location
    if action.payload.get("country") != country:
        raise NotEligible(Message("the applicant must be in %(country)s when applying (rule 13)", country=country))
    confirmed = set(action.payload.get("confirmed_member_ids") or ())
    adult_age = scheme.admissions.eligibility.adult_age
    today = _local_date(scheme, action.at)
    adults = {m.id for m in case.members if (m.age_on(today) or 0) >= adult_age}
    missing = sorted(adults - confirmed)
    if missing:
        raise InvalidCommand(
            Message("every adult must confirm their location; not confirmed: %(members)s", members=", ".join(missing))
        )


def _check_lapse(case: AdmissionCase, action: Action, scheme: Scheme) -> None:
    due = case.deadline(scheme, "location_confirmation")
    if due is None or action.at < due.due_at:
        raise TooEarly(Message("the location confirmation period has not ended"))


def _check_eligible(case: AdmissionCase, action: Action, scheme: Scheme) -> None:
    if scheme.admissions.location_confirmation is not None and case.status is not A.LOCATION_CONFIRMED:
        raise InvalidCommand(Message("location in the host state must be confirmed before eligibility (rule 13)"))
    _check_no_bars(case, action, scheme)


def _check_no_bars(case: AdmissionCase, action: Action, scheme: Scheme) -> None:
    bars = admission_bars(scheme, case.current_members(), _local_date(scheme, action.at))
    if bars:
        raise NotEligible(joined(bars))


def _check_biometrics(case: AdmissionCase, action: Action, scheme: Scheme) -> None:  # noqa: ARG001 (guard signature)
    """Rule 18: at the visa centre every member shows the identity document they gave at stage 1. The officer records
    what was shown; the comparison is made here, so a mismatch cannot be waved through by a tick."""
    shown = _documents_shown(action.payload)
    members = case.current_members()
    for member_id in shown.keys() - {m.id for m in members}:
        case.member(member_id)  # refuses, naming the member who is not in the family
    missing = [m.id for m in members if m.id not in shown]
    if missing:
        raise InvalidCommand(
            Message(
                "documents_presented: record the document each member showed; none for %(members)s",
                members=", ".join(missing),
            )
        )
    different = [m.id for m in members if not any(d.has_number(shown[m.id]) for d in m.identity.documents)]
    if different:
        # The numbers are personal data: the refusal names the members, never the numbers.
        raise NotEligible(
            Message(
                "the document shown at the visa centre by %(members)s is not the one given at stage 1 (rule 18)",
                members=", ".join(different),
            )
        )


def _documents_shown(payload: Mapping[str, Any]) -> dict[str, str]:
    """`documents_presented`: one entry per member, `{"member_id": ..., "document_number": ...}`."""
    entries = payload.get("documents_presented")
    if not isinstance(entries, list) or not entries:
        raise InvalidCommand(Message("documents_presented: a list with one document for each member is required"))
    shown: dict[str, str] = {}
    for index, entry in enumerate(entries):
        fields = entry if isinstance(entry, dict) else {}
        member_id, number = fields.get("member_id"), fields.get("document_number")
        if not (isinstance(member_id, str) and member_id.strip() and isinstance(number, str) and number.strip()):
            raise InvalidCommand(
                Message("documents_presented[%(index)s]: member_id and document_number are required text", index=index)
            )
        if member_id in shown:
            raise InvalidCommand(Message("documents_presented: member %(member)s is listed twice", member=member_id))
        shown[member_id] = number
    return shown


def _check_refusal(case: AdmissionCase, action: Action, scheme: Scheme) -> None:  # noqa: ARG001 (guard signature)
    case.member(required_text(action.payload, "member_id"))
    required_text(action.payload, "reason")


def _check_arrival(case: AdmissionCase, action: Action, scheme: Scheme) -> None:
    due = case.deadline(scheme, "entry_clearance_expiry")
    if due is not None and action.at >= due.due_at:
        raise DeadlinePassed(Message("the entry clearance expired at %(due)s (rule 19)", due=due.due_at))
    # An exclusion recorded after the clearance was issued still bars the family (rule 16): refuse, do not admit.
    _check_no_bars(case, action, scheme)


def _check_expiry(case: AdmissionCase, action: Action, scheme: Scheme) -> None:
    due = case.deadline(scheme, "entry_clearance_expiry")
    if due is None or action.at < due.due_at:
        raise TooEarly(Message("the entry clearance is still valid"))


def _check_exclusion(case: AdmissionCase, action: Action, scheme: Scheme) -> None:  # noqa: ARG001 (guard signature)
    case.member(required_text(action.payload, "member_id"))
    name = required_text(action.payload, "exclusion")
    if name not in {e.value for e in AdmissionExclusion}:
        raise InvalidCommand(
            Message(
                "'%(name)s' is not an exclusion (%(known)s)",
                name=name,
                known=", ".join(e.value for e in AdmissionExclusion),
            )
        )
    required_text(action.payload, "evidence")


def _check_priority_factor(case: AdmissionCase, action: Action, scheme: Scheme) -> None:  # noqa: ARG001 (guard signature)
    name = required_text(action.payload, "factor")
    weights = scheme.admissions.priority.weights
    # Only factors the scheme weighs: an unweighted one would be refused when the next selection round is proposed.
    recordable = sorted(f.value for f in weights if f is not PriorityFactor.WAITING_WEEK)
    if name not in recordable:
        raise InvalidCommand(
            Message(
                "'%(name)s' is not a priority factor of scheme %(scheme)s (%(known)s); "
                "waiting time is counted from the submission, not recorded",
                name=name,
                scheme=scheme.id,
                known=", ".join(recordable),
            )
        )
    required_text(action.payload, "evidence")


def _check_reason(case: AdmissionCase, action: Action, scheme: Scheme) -> None:  # noqa: ARG001 (guard signature)
    required_text(action.payload, "reason")


Guard = Callable[[AdmissionCase, Action, Scheme], None]
_GUARDS: dict[str, Guard] = {
    "submit_expression_of_interest": _check_submission,
    "confirm_location": _check_location,
    "lapse_location": _check_lapse,
    "find_eligible": _check_eligible,
    "enrol_biometrics": _check_biometrics,
    # Rule 16 is re-checked at the decision: a bar found after invitation still stops the family.
    "issue_entry_clearance": _check_no_bars,
    "refuse": _check_refusal,
    "record_arrival": _check_arrival,
    "expire_entry_clearance": _check_expiry,
    "record_exclusion": _check_exclusion,
    DECIDE_IDENTITY_MATCH: check_identity_decision,
    "record_priority_factor": _check_priority_factor,
    "withdraw": _check_reason,
}
