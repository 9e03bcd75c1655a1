"""Removal and admission decisions under separation of duties: one officer proposes, another approves or rejects.

Approval carries the action out on the case version the proposal was made on, in the same transaction that marks the
proposal approved: both happen, or neither.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from parity.domain.decisions import TRANSITIONS, CaseType, DecisionProposal, DecisionStatus
from parity.domain.lifecycle import check_payload
from parity.domain.messages import Message
from parity.services.cases import CaseCommand, apply_admission_action, apply_return_action
from parity.services.context import Services, StaleVersion, run_command
from parity.services.ports import NotFound, UnitOfWork

APPLY: dict[CaseType, Callable[[Services, UnitOfWork, CaseCommand], dict[str, Any]]] = {
    CaseType.RETURN: apply_return_action,
    CaseType.ADMISSION: apply_admission_action,
}


@dataclass(frozen=True)
class ProposeDecision:
    command_id: str
    actor: str
    case_type: CaseType
    case_id: str
    action: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    expected_version: int | None = None


def propose_decision(services: Services, command: ProposeDecision) -> Mapping[str, Any]:
    check_payload(TRANSITIONS[command.case_type], command.action, command.payload)

    def handle(uow: UnitOfWork) -> Mapping[str, Any]:
        version = _case_version(uow, command.case_type, command.case_id)
        if command.expected_version is not None and command.expected_version != version:
            raise StaleVersion(
                Message(
                    "case %(case)s is at version %(version)s, not %(expected)s: reload it before proposing a decision",
                    case=command.case_id,
                    version=version,
                    expected=command.expected_version,
                )
            )
        proposal = DecisionProposal(
            id=services.new_id(),
            case_type=command.case_type,
            case_id=command.case_id,
            action=command.action,
            payload=dict(command.payload),
            case_version=version,
            proposed_by=command.actor,
            proposed_at=services.clock.now(),
        )
        uow.decisions.add(proposal)
        return proposal_result(proposal)

    request = {"case_id": command.case_id, "action": command.action, "payload": dict(command.payload)}
    return run_command(services, command.command_id, f"{command.case_type}:propose", request, handle)


def decide(
    services: Services, command_id: str, actor: str, case_type: CaseType, proposal_id: str, *, approve: bool
) -> Mapping[str, Any]:
    """Approve (carry out) or reject a proposal; its proposer may do neither (separation of duties)."""

    def handle(uow: UnitOfWork) -> Mapping[str, Any]:
        proposal = _proposal(uow, case_type, proposal_id)
        proposal.decide(actor, services.clock.now(), approve=approve)  # refuses the proposer, or a decided proposal
        applied = None
        if approve:
            action = CaseCommand(
                f"decision:{proposal.id}",
                actor,
                proposal.case_id,
                proposal.action,
                proposal.payload,
                expected_version=proposal.case_version,
            )
            applied = APPLY[case_type](services, uow, action)
        uow.decisions.save(proposal)
        return {**proposal_result(proposal), "case": applied}

    verb = "approve" if approve else "reject"
    return run_command(services, command_id, f"{case_type}:{verb}", {"proposal_id": proposal_id}, handle)


def list_proposals(
    services: Services, case_type: CaseType, status: DecisionStatus | None, after: str | None, limit: int
) -> list[DecisionProposal]:
    with services.uow() as uow:
        return uow.decisions.page(case_type, status, after, limit)


def open_proposals_for(services: Services, case_type: CaseType, case_id: str) -> list[DecisionProposal]:
    """The proposals on one case still awaiting a second officer (few at any time: they are decided within days)."""
    found: list[DecisionProposal] = []
    after: str | None = None
    while True:
        page = list_proposals(services, case_type, DecisionStatus.PROPOSED, after, 200)
        found.extend(p for p in page if p.case_id == case_id)
        if len(page) < 200:
            return found
        after = page[-1].id


def get_proposal(services: Services, case_type: CaseType, proposal_id: str) -> DecisionProposal:
    with services.uow() as uow:
        return _proposal(uow, case_type, proposal_id)


def proposal_result(proposal: DecisionProposal) -> dict[str, Any]:
    return {
        "proposal_id": proposal.id,
        "case_type": proposal.case_type.value,
        "case_id": proposal.case_id,
        "action": proposal.action,
        "payload": dict(proposal.payload),
        "case_version": proposal.case_version,
        "status": proposal.status.value,
        "proposed_by": proposal.proposed_by,
        "proposed_at": proposal.proposed_at.isoformat(),
        "decided_by": proposal.decided_by,
        "decided_at": proposal.decided_at.isoformat() if proposal.decided_at else None,
    }


def _proposal(uow: UnitOfWork, case_type: CaseType, proposal_id: str) -> DecisionProposal:
    proposal = uow.decisions.get(proposal_id)
    if proposal.case_type is not case_type:
        raise NotFound(
            Message("no %(case_type)s decision proposal %(proposal)s", case_type=case_type.value, proposal=proposal_id)
        )
    return proposal


def _case_version(uow: UnitOfWork, case_type: CaseType, case_id: str) -> int:
    if case_type is CaseType.RETURN:
        return uow.returns.get(case_id).version
    return uow.admissions.get(case_id).version
