"""Admissions selection (issue 7): one officer proposes which waiting families to invite, another approves.

The actor of both commands is the signed-in user's id, never a name typed in a body: separation of duties compares
them, so a proposer cannot approve their own proposal by calling themselves something else. Refusals keep the
service's codes: the proposer approving is 403 `separation_of_duties`; a proposal outdated by a change to the
waiting list, a newer proposal or the scheme is 409 `stale_proposal`; admissions paused or too few places is 409
`ledger_limit`; an amendment that breaks a rule is 422 `amendment_refused`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from parity.accounts.roles import Principal, Scope
from parity.api.http import IdempotencyKey, audit_read, command_id, documented
from parity.api.schemas import (
    SELECTION_PROPOSAL_EXAMPLE,
    SelectionApprovalIn,
    SelectionProposalIn,
    SelectionProposalOut,
)
from parity.api.security import require, services_of
from parity.services.selection import (
    ApproveProposal,
    ProposeInvitations,
    approve_proposal,
    get_proposal,
    list_proposals,
    propose_invitations,
)

router = APIRouter(prefix="/selection-proposals", tags=["admissions selection"])
PROPOSED_EXAMPLE = {**SELECTION_PROPOSAL_EXAMPLE, "status": "proposed", "approval": None}


@router.post(
    "",
    status_code=201,
    response_model=SelectionProposalOut,
    responses=documented(PROPOSED_EXAMPLE, 201),
)
def propose(
    body: SelectionProposalIn,
    request: Request,
    principal: Annotated[Principal, Depends(require(Scope.SELECTION_PROPOSE))],
    key: IdempotencyKey = None,
) -> dict[str, Any]:
    """Rank the eligible families waiting for an invitation and propose whom to invite, with the reasons; nobody is
    invited until another officer approves. Replaces the scheme's open proposal."""
    command = ProposeInvitations(
        command_id(principal, key), body.scheme_id, principal.user_id, body.places, body.method, body.window_id
    )
    return dict(propose_invitations(services_of(request), command))


@router.get("", response_model=list[SelectionProposalOut], responses=documented([PROPOSED_EXAMPLE]))
def proposals(
    request: Request,
    _: Annotated[Principal, Depends(require(Scope.ADMISSIONS_READ, Scope.PERSONAL_DATA_READ))],
    scheme: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> list[dict[str, Any]]:
    """The most recent proposals first, optionally of one scheme (their approval reasons are personal data: the
    read is audited)."""
    found = [dict(proposal) for proposal in list_proposals(services_of(request), scheme, limit)]
    audit_read(request, "selection_proposals:read", [p["proposal_id"] for p in found])
    return found


@router.get("/{proposal_id}", response_model=SelectionProposalOut, responses=documented(SELECTION_PROPOSAL_EXAMPLE))
def proposal(
    proposal_id: str,
    request: Request,
    _: Annotated[Principal, Depends(require(Scope.ADMISSIONS_READ, Scope.PERSONAL_DATA_READ))],
) -> dict[str, Any]:
    """One proposal: the chosen families with their score by factor, the best of the others and why, its approval
    (audited)."""
    found = dict(get_proposal(services_of(request), proposal_id))
    audit_read(request, "selection_proposal:read", [proposal_id])
    return found


@router.post(
    "/{proposal_id}/approve", response_model=SelectionProposalOut, responses=documented(SELECTION_PROPOSAL_EXAMPLE)
)
def approve(
    proposal_id: str,
    body: SelectionApprovalIn,
    request: Request,
    principal: Annotated[Principal, Depends(require(Scope.SELECTION_APPROVE))],
    key: IdempotencyKey = None,
) -> dict[str, Any]:
    """Approve a proposal (never your own), as proposed or amended with a reason, and invite its families: all of
    them in one transaction, or none."""
    command = ApproveProposal(
        command_id(principal, key), proposal_id, principal.user_id, tuple(body.remove), tuple(body.add), body.reason
    )
    return dict(approve_proposal(services_of(request), command))
