"""Decisions that need a second person: a removal or an admission decision is proposed by one officer and carried
out only when another approves it (separation of duties). Rejected proposals are kept, with who decided.

A proposal records the case version it was made on: approving it applies the action to that version only, so an
approver never signs off a case that has moved on since the proposal was made.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from parity.domain.admissions import ADMISSION_TRANSITIONS
from parity.domain.errors import DomainError, IllegalTransition, InvalidCommand
from parity.domain.lifecycle import Taker, TransitionTable
from parity.domain.messages import Message
from parity.domain.proposals import InvitationNeedsApproval, SeparationOfDuties
from parity.domain.returns import RETURN_TRANSITIONS


class CaseType(StrEnum):
    RETURN = "return"
    ADMISSION = "admission"


TRANSITIONS: dict[CaseType, TransitionTable[Any]] = {
    CaseType.RETURN: RETURN_TRANSITIONS,
    CaseType.ADMISSION: ADMISSION_TRANSITIONS,
}


class ApprovalRequired(DomainError):
    """A decision one officer proposes and another approves was sent as an action on the case."""

    code = "approval_required"


class TakenElsewhere(DomainError):
    """An action someone other than a UK officer acting on the case takes (the readmitting state, an identity
    decision, Parity's own screening) was sent as an action on the case."""

    code = "taken_elsewhere"


class DecisionStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"


def needs_approval(case_type: CaseType, action: str) -> bool:
    """Removal: deciding to transfer the person (the flight is booked on approval). Admission: the grant or
    refusal."""
    found = TRANSITIONS[case_type].transitions.get(action)
    return found is not None and found.taken_by is Taker.TWO_OFFICERS


def officer_actions(case_type: CaseType, status: Any) -> list[str]:
    """The actions a UK officer may take on a case in `status`, or propose for another to approve."""
    table = TRANSITIONS[case_type]
    mine = {Taker.OFFICER, Taker.TWO_OFFICERS}
    return sorted(action for action in table.allowed(status) if table.transitions[action].taken_by in mine)


def check_taken_as(case_type: CaseType, case_id: str, action: str, taken_as: Taker) -> None:
    """Refuse `action` sent on a case by `taken_as` when someone else takes it, naming the way it is taken."""
    taker = TRANSITIONS[case_type].taker(action)
    if taker is taken_as:
        return
    if taker is Taker.TWO_OFFICERS:
        raise ApprovalRequired(
            Message(
                "'%(action)s' is a decision one person may not take alone: propose it "
                "(POST %(proposals)s) for another officer to approve",
                action=action,
                proposals=f"/api/v1/{case_type.value}-cases/{case_id}/proposals",
            )
        )
    if taker is Taker.SELECTION:
        raise InvitationNeedsApproval(case_id)
    raise TakenElsewhere(
        {
            Taker.READMITTING_STATE: Message(
                "'%(action)s' is the readmitting state's answer: only its liaison officer records it "
                "(POST /api/v1/readmission-requests/{case_id}/answer)",
                action=action,
            ),
            Taker.IDENTITY_REVIEW: Message(
                "'%(action)s' is recorded by deciding the identity flag it answers "
                "(POST /api/v1/identity-flags/{flag_id}/decision)",
                action=action,
            ),
            Taker.SCREENING: Message(
                "'%(action)s' is taken by Parity itself when it records an arrival or an expression of interest "
                "and screens it",
                action=action,
            ),
        }[taker]
    )


@dataclass
class DecisionProposal:
    id: str
    case_type: CaseType
    case_id: str
    action: str
    payload: Mapping[str, Any]
    case_version: int
    proposed_by: str
    proposed_at: datetime
    status: DecisionStatus = DecisionStatus.PROPOSED
    decided_by: str | None = None
    decided_at: datetime | None = None

    def __post_init__(self) -> None:
        if not needs_approval(self.case_type, self.action):
            table = TRANSITIONS[self.case_type].transitions
            allowed = ", ".join(sorted(a for a in table if needs_approval(self.case_type, a)))
            raise InvalidCommand(
                Message(
                    "'%(action)s' is not a decision that is proposed and approved on a %(case_type)s case "
                    "(those are: %(allowed)s); take it directly",
                    action=self.action,
                    case_type=self.case_type.value,
                    allowed=allowed,
                )
            )

    def decide(self, decider: str, at: datetime, *, approve: bool) -> None:
        if self.status is not DecisionStatus.PROPOSED:
            decided = {
                "proposal": self.id,
                "decider": str(self.decided_by),
                "at": self.decided_at or Message("an unknown time"),
            }
            raise IllegalTransition(
                Message("proposal %(proposal)s was already approved by %(decider)s at %(at)s", **decided)
                if self.status is DecisionStatus.APPROVED
                else Message("proposal %(proposal)s was already rejected by %(decider)s at %(at)s", **decided)
            )
        if decider == self.proposed_by:
            raise SeparationOfDuties(
                Message(
                    "%(decider)s proposed %(action)s on case %(case)s and so may not decide it: "
                    "another person must approve or reject it",
                    decider=decider,
                    action=self.action,
                    case=self.case_id,
                )
            )
        self.status = DecisionStatus.APPROVED if approve else DecisionStatus.REJECTED
        self.decided_by = decider
        self.decided_at = at
