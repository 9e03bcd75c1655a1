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

from parity.domain.errors import IllegalTransition, InvalidCommand
from parity.domain.messages import Message
from parity.domain.proposals import SeparationOfDuties


class CaseType(StrEnum):
    RETURN = "return"
    ADMISSION = "admission"


# Removal: deciding to transfer the person (the flight is booked on approval). Admission: the grant or refusal.
NEEDS_APPROVAL: dict[CaseType, frozenset[str]] = {
    CaseType.RETURN: frozenset({"schedule_transfer"}),
    CaseType.ADMISSION: frozenset({"issue_entry_clearance", "refuse"}),
}


class DecisionStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"


def needs_approval(case_type: CaseType, action: str) -> bool:
    return action in NEEDS_APPROVAL[case_type]


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
            allowed = ", ".join(sorted(NEEDS_APPROVAL[self.case_type]))
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
