"""Selection proposals: which waiting families to invite, as advice that a second person approves or amends.

A proposal is not an action (brief §4; §10 rules 15-20). The optimiser ranks and explains; nothing is invited until
someone other than the proposer approves it (separation of duties). A proposal is `proposed` until it is approved,
or superseded when a newer proposal for the same scheme replaces it; it never changes after either.

This module holds the rules of that lifecycle only. Whether an amended selection still fits the places, whether
its families are still waiting and eligible and whether the ledger still allows it are checked by the service,
which has the store and the optimiser's rules at hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from parity.domain.errors import DomainError, InvalidCommand
from parity.domain.lifecycle import SchemeRef
from parity.domain.messages import Message


class SeparationOfDuties(DomainError):
    """The person who made a proposal may not approve it."""

    code = "separation_of_duties"


class StaleProposal(DomainError):
    """The proposal no longer describes the waiting list (or was replaced): make a new one."""

    code = "stale_proposal"


class AmendmentRefused(DomainError):
    """An approver's change to the proposed selection breaks a rule; the message names the case and the rule."""

    code = "amendment_refused"


class InvitationNeedsApproval(DomainError):
    """A family is invited only by approving a selection proposal, never by an action on its case alone."""

    code = "approval_required"

    def __init__(self, case_id: str) -> None:
        super().__init__(
            Message(
                "case %(case)s: 'invite' cannot be taken on one case; families are invited only when a selection "
                "proposal is approved by someone other than its proposer: propose a round with `parity select "
                "propose` (API: POST /api/v1/selection-proposals), then another officer approves it with `parity "
                "select approve` (POST /api/v1/selection-proposals/{proposal_id}/approve)",
                case=case_id,
            )
        )


class ProposalStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    SUPERSEDED = "superseded"


@dataclass(frozen=True)
class Amendment:
    """Cases an approver takes out of, or adds to, the proposed selection, and why."""

    remove: tuple[str, ...] = ()
    add: tuple[str, ...] = ()
    reason: str | None = None

    @property
    def changes(self) -> bool:
        return bool(self.remove or self.add)


@dataclass(frozen=True)
class Approval:
    approved_by: str
    approved_at: datetime
    removed: tuple[str, ...]
    added: tuple[str, ...]
    reason: str | None
    invited: tuple[str, ...]  # the case ids invited: the proposal's choice as amended, in ranking order


@dataclass
class SelectionProposal:
    """One selection round as proposed: what was chosen and why, and everything needed to reproduce it."""

    id: str
    scheme: SchemeRef
    method: str
    inputs_hash: str
    solver_status: str
    objective: float  # total priority of the selection: the sum over chosen families of size x score
    places: int
    places_filled: int
    as_of: date
    window_id: str | None
    explanation: Mapping[str, Any]  # the optimiser's proposal: chosen families by factor, passed-over ones and why
    inputs: Mapping[str, Any]  # the selection request it was made from, so the round can be re-run
    proposed_by: str
    proposed_at: datetime
    status: ProposalStatus = ProposalStatus.PROPOSED
    superseded_by: str | None = None
    approval: Approval | None = None

    @property
    def chosen(self) -> tuple[str, ...]:
        """The chosen case ids, in ranking order."""
        return tuple(family["application_id"] for family in self.explanation["chosen"])

    def check_approver(self, approver: str) -> None:
        """Refuse unless the proposal is open and `approver` is not the person who made it."""
        if self.status is ProposalStatus.APPROVED and self.approval is not None:
            raise InvalidCommand(
                Message(
                    "proposal %(proposal)s was already approved by %(approver)s at %(at)s",
                    proposal=self.id,
                    approver=self.approval.approved_by,
                    at=self.approval.approved_at,
                )
            )
        if self.status is ProposalStatus.SUPERSEDED:
            raise StaleProposal(
                Message(
                    "proposal %(proposal)s was superseded by proposal %(newer)s: approve that one, "
                    "or make a new proposal",
                    proposal=self.id,
                    newer=str(self.superseded_by),
                )
            )
        if _same_person(approver, self.proposed_by):
            raise SeparationOfDuties(
                Message(
                    "%(proposer)s made proposal %(proposal)s and so may not approve it: another person must approve it",
                    proposer=self.proposed_by,
                    proposal=self.id,
                )
            )

    def approve(self, approver: str, at: datetime, amendment: Amendment) -> Approval:
        """Approve as amended; return the approval, whose `invited` lists the cases to invite now."""
        self.check_approver(approver)
        chosen = self.chosen
        reason = (amendment.reason or "").strip() or None
        if amendment.changes and reason is None:
            raise AmendmentRefused(
                Message("a reason is required to amend a proposal (--reason): it is kept with the approval")
            )
        _refuse_repeats("remove", amendment.remove)
        _refuse_repeats("add", amendment.add)
        not_chosen = [case_id for case_id in amendment.remove if case_id not in chosen]
        if not_chosen:
            raise AmendmentRefused(
                Message("cannot remove %(cases)s: not in the proposed selection", cases=", ".join(not_chosen))
            )
        already = [case_id for case_id in amendment.add if case_id in chosen]
        if already:
            raise AmendmentRefused(
                Message("cannot add %(cases)s: already in the proposed selection", cases=", ".join(already))
            )
        invited = tuple(case_id for case_id in chosen if case_id not in amendment.remove) + amendment.add
        approval = Approval(approver, at, amendment.remove, amendment.add, reason, invited)
        self.status = ProposalStatus.APPROVED
        self.approval = approval
        return approval

    def supersede(self, by_proposal_id: str) -> None:
        if self.status is not ProposalStatus.PROPOSED:
            raise InvalidCommand(
                Message(
                    "proposal %(proposal)s is %(status)s; only an open proposal is superseded",
                    proposal=self.id,
                    status=self.status.value,
                )
            )
        self.status = ProposalStatus.SUPERSEDED
        self.superseded_by = by_proposal_id


def _same_person(first: str, second: str) -> bool:
    # Names as typed: a change of case or spacing must not let the proposer approve their own proposal.
    return first.strip().casefold() == second.strip().casefold()


def _refuse_repeats(field: str, case_ids: tuple[str, ...]) -> None:
    repeated = sorted({case_id for case_id in case_ids if case_ids.count(case_id) > 1})
    if repeated:
        raise AmendmentRefused(
            Message("%(field)s: %(cases)s named more than once", field=field, cases=", ".join(repeated))
        )
