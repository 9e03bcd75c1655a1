"""Removal and admission decisions under separation of duties: one officer proposes, another approves or rejects.

Approval carries the action out on the case version the proposal was made on, under a command id derived from the
proposal: if the approval is interrupted after the action and before the proposal is marked, approving again
replays the action (changing nothing) and completes the approval.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from parity.domain.decisions import CaseType, DecisionProposal, DecisionStatus
from parity.services.cases import CaseCommand, act_on_admission_case, act_on_return_case
from parity.services.context import Services, StaleVersion, run_command
from parity.services.ports import NotFound, UnitOfWork

ACT: dict[CaseType, Callable[[Services, CaseCommand], Mapping[str, Any]]] = {
    CaseType.RETURN: act_on_return_case,
    CaseType.ADMISSION: act_on_admission_case,
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
    def handle(uow: UnitOfWork) -> Mapping[str, Any]:
        version = _case_version(uow, command.case_type, command.case_id)
        if command.expected_version is not None and command.expected_version != version:
            raise StaleVersion(
                f"case {command.case_id} is at version {version}, not {command.expected_version}: "
                "reload it before proposing a decision"
            )
        proposal = DecisionProposal(
            id=str(uuid.uuid4()),
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
    with services.uow() as uow:
        proposal = _proposal(uow, case_type, proposal_id)
    proposal.decide(actor, services.clock.now(), approve=approve)  # refuses the proposer, or a decided proposal
    applied: Mapping[str, Any] | None = None
    if approve:
        applied = ACT[case_type](
            services,
            CaseCommand(
                f"decision:{proposal.id}",
                actor,
                proposal.case_id,
                proposal.action,
                proposal.payload,
                expected_version=proposal.case_version,
            ),
        )

    def handle(uow: UnitOfWork) -> Mapping[str, Any]:
        current = _proposal(uow, case_type, proposal_id)
        current.decide(actor, services.clock.now(), approve=approve)
        uow.decisions.save(current)
        return {**proposal_result(current), "case": dict(applied) if applied else None}

    verb = "approve" if approve else "reject"
    return run_command(services, command_id, f"{case_type}:{verb}", {"proposal_id": proposal_id}, handle)


def list_proposals(
    services: Services, case_type: CaseType, status: DecisionStatus | None, after: str | None, limit: int
) -> list[DecisionProposal]:
    with services.uow() as uow:
        return uow.decisions.page(case_type, status, after, limit)


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
        raise NotFound(f"no {case_type.value} decision proposal {proposal_id}")
    return proposal


def _case_version(uow: UnitOfWork, case_type: CaseType, case_id: str) -> int:
    if case_type is CaseType.RETURN:
        return uow.returns.get(case_id).version
    return uow.admissions.get(case_id).version
