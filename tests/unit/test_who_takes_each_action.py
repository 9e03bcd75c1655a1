"""Who takes each action on a case (domain/lifecycle.Taker): a UK officer acting on a case takes only their own."""

from __future__ import annotations

import pytest

from parity.domain.admissions import AdmissionStatus
from parity.domain.decisions import (
    TRANSITIONS,
    ApprovalRequired,
    CaseType,
    TakenElsewhere,
    check_taken_as,
    needs_approval,
    officer_actions,
)
from parity.domain.errors import UnknownAction
from parity.domain.lifecycle import Taker
from parity.domain.proposals import InvitationNeedsApproval
from parity.domain.returns import ReturnStatus


def test_the_decisions_a_second_officer_approves_are_the_removal_and_the_admission_grant_or_refusal() -> None:
    approved = {
        case_type: {action for action in TRANSITIONS[case_type].transitions if needs_approval(case_type, action)}
        for case_type in CaseType
    }
    assert approved == {
        CaseType.RETURN: {"schedule_transfer"},
        CaseType.ADMISSION: {"issue_entry_clearance", "refuse"},
    }


def test_only_the_readmitting_state_answers_a_request() -> None:
    answers = {a for a, t in TRANSITIONS[CaseType.RETURN].transitions.items() if t.taken_by is Taker.READMITTING_STATE}
    assert answers == {"accept", "refuse", "extend_reply"}
    for action in answers:
        check_taken_as(CaseType.RETURN, "case-1", action, Taker.READMITTING_STATE)
        with pytest.raises(TakenElsewhere, match="only its liaison officer records it"):
            check_taken_as(CaseType.RETURN, "case-1", action, Taker.OFFICER)


@pytest.mark.parametrize(
    ("case_type", "action", "refusal"),
    [
        (CaseType.RETURN, "schedule_transfer", ApprovalRequired),
        (CaseType.ADMISSION, "issue_entry_clearance", ApprovalRequired),
        (CaseType.ADMISSION, "invite", InvitationNeedsApproval),
        (CaseType.RETURN, "decide_identity_match", TakenElsewhere),
        (CaseType.ADMISSION, "decide_identity_match", TakenElsewhere),
        (CaseType.RETURN, "detect", TakenElsewhere),
        (CaseType.RETURN, "screen_eligible", TakenElsewhere),
        (CaseType.ADMISSION, "submit_expression_of_interest", TakenElsewhere),
    ],
)
def test_an_officer_sending_someone_elses_action_is_refused_with_its_code(
    case_type: CaseType, action: str, refusal: type[Exception]
) -> None:
    with pytest.raises(refusal):
        check_taken_as(case_type, "case-1", action, Taker.OFFICER)


def test_an_unknown_action_is_named_as_unknown() -> None:
    with pytest.raises(UnknownAction, match="'fly' is not an action"):
        check_taken_as(CaseType.RETURN, "case-1", "fly", Taker.OFFICER)


def test_a_case_file_offers_an_officer_only_what_they_take_or_propose() -> None:
    assert "accept" not in officer_actions(CaseType.RETURN, ReturnStatus.REQUEST_SENT)
    assert "escalate_overdue_reply" in officer_actions(CaseType.RETURN, ReturnStatus.REQUEST_SENT)
    assert "schedule_transfer" in officer_actions(CaseType.RETURN, ReturnStatus.ACCEPTED)  # proposed, then approved
    assert "invite" not in officer_actions(CaseType.ADMISSION, AdmissionStatus.ELIGIBLE)
    assert "refuse" in officer_actions(CaseType.ADMISSION, AdmissionStatus.ELIGIBLE)
