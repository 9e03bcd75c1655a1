"""Approving a proposed removal carries it out and marks the proposal in one transaction: both, or neither."""

from __future__ import annotations

import pytest
from tests.builders import arrive, ready_to_book

from parity.domain.decisions import CaseType, DecisionStatus
from parity.services.cases import CaseCommand, act_on_return_case
from parity.services.context import Services, StaleVersion
from parity.services.decisions import ProposeDecision, decide, get_proposal, propose_decision

SCHEDULE = {"flight_ref": "PLF-3", "departs_at": "2025-09-04T09:00:00+00:00"}


def proposed_removal(services: Services) -> tuple[str, str]:
    (case_id,) = arrive(services, "boat")
    ready_to_book(services, case_id)
    proposal = propose_decision(
        services, ProposeDecision("propose-1", "officer-a", CaseType.RETURN, case_id, "schedule_transfer", SCHEDULE)
    )
    return case_id, str(proposal["proposal_id"])


def test_an_approval_the_case_refuses_leaves_the_proposal_open_and_the_case_unchanged(services: Services) -> None:
    case_id, proposal_id = proposed_removal(services)
    evidence = {"kind": "human_rights_claim", "state": "outstanding", "decided_on": "2025-09-01", "evidence": "claim"}
    # The case moves on after the proposal: a claim is lodged.
    act_on_return_case(services, CaseCommand("claim-1", "caseworker", case_id, "record_legal_event", evidence))
    with pytest.raises(StaleVersion):
        decide(services, "approve-1", "supervisor-b", CaseType.RETURN, proposal_id, approve=True)
    assert get_proposal(services, CaseType.RETURN, proposal_id).status is DecisionStatus.PROPOSED
    with services.uow() as uow:
        assert uow.returns.get(case_id).status.value == "accepted"


def test_an_approval_by_another_officer_schedules_the_removal(services: Services) -> None:
    _, proposal_id = proposed_removal(services)
    result = decide(services, "approve-1", "supervisor-b", CaseType.RETURN, proposal_id, approve=True)
    assert result["case"]["status"] == "transfer_scheduled"
    assert get_proposal(services, CaseType.RETURN, proposal_id).status is DecisionStatus.APPROVED
