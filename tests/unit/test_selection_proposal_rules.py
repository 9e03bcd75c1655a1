"""A selection proposal's lifecycle (separation of duties, amendments) and priority factors on admission cases."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.builders import action, admission_case, family, utc

from parity.domain.errors import IllegalTransition, InvalidCommand
from parity.domain.lifecycle import SchemeRef
from parity.domain.proposals import (
    Amendment,
    AmendmentRefused,
    ProposalStatus,
    SelectionProposal,
    SeparationOfDuties,
    StaleProposal,
)
from parity.scheme import Scheme
from parity.scheme.model import PriorityFactor

CHOSEN = ("case-a", "case-b", "case-c")


def proposal(proposed_by: str = "alice") -> SelectionProposal:
    return SelectionProposal(
        id="prop-1",
        scheme=SchemeRef("uk-fr-2025", "v1"),
        method="mip",
        inputs_hash="0" * 64,
        solver_status="Optimal",
        objective=19.0,
        places=5,
        places_filled=5,
        as_of=date(2025, 9, 1),
        window_id=None,
        explanation={"chosen": [{"application_id": case_id} for case_id in CHOSEN]},
        inputs={},
        proposed_by=proposed_by,
        proposed_at=utc(2025, 9, 1, 9),
    )


def test_another_person_approves_as_proposed() -> None:
    open_proposal = proposal()
    approval = open_proposal.approve("bob", utc(2025, 9, 2), Amendment())
    assert approval.invited == CHOSEN
    assert (approval.approved_by, approval.reason) == ("bob", None)
    assert open_proposal.status is ProposalStatus.APPROVED


@pytest.mark.parametrize("same_person", ["alice", "Alice", "  alice "])
def test_the_proposer_never_approves(same_person: str) -> None:
    open_proposal = proposal("alice")
    with pytest.raises(SeparationOfDuties, match="alice made proposal prop-1"):
        open_proposal.approve(same_person, utc(2025, 9, 2), Amendment())
    assert open_proposal.status is ProposalStatus.PROPOSED


def test_an_amendment_keeps_the_ranking_order_and_appends_additions() -> None:
    approval = proposal().approve("bob", utc(2025, 9, 2), Amendment(("case-b",), ("case-z",), "withdrew by phone"))
    assert approval.invited == ("case-a", "case-c", "case-z")
    assert (approval.removed, approval.added, approval.reason) == (("case-b",), ("case-z",), "withdrew by phone")


@pytest.mark.parametrize(
    ("amendment", "refusal"),
    [
        (Amendment(("case-a",), (), None), "a reason is required"),
        (Amendment(("case-a",), (), "   "), "a reason is required"),
        (Amendment(("case-x",), (), "typo"), "cannot remove case-x: not in the proposed selection"),
        (Amendment((), ("case-a",), "again"), "cannot add case-a: already in the proposed selection"),
        (Amendment(("case-a", "case-a"), (), "twice"), "remove: case-a named more than once"),
    ],
)
def test_a_bad_amendment_is_refused(amendment: Amendment, refusal: str) -> None:
    open_proposal = proposal()
    with pytest.raises(AmendmentRefused, match=refusal):
        open_proposal.approve("bob", utc(2025, 9, 2), amendment)
    assert open_proposal.approval is None


def test_a_decided_proposal_is_never_decided_again() -> None:
    approved = proposal()
    approved.approve("bob", utc(2025, 9, 2), Amendment())
    with pytest.raises(InvalidCommand, match="already approved by bob"):
        approved.approve("carol", utc(2025, 9, 3), Amendment())

    superseded = proposal()
    superseded.supersede("prop-2")
    with pytest.raises(StaleProposal, match="superseded by proposal prop-2"):
        superseded.approve("bob", utc(2025, 9, 2), Amendment())
    with pytest.raises(InvalidCommand, match="only an open proposal is superseded"):
        superseded.supersede("prop-3")


@given(st.sets(st.sampled_from(CHOSEN)), st.lists(st.text(alphabet="xyz", min_size=1, max_size=3), unique=True))
def test_an_approved_selection_is_the_proposal_less_removals_plus_additions(
    removed: set[str], added: list[str]
) -> None:
    amendment = Amendment(tuple(sorted(removed)), tuple(added), "reason" if removed or added else None)
    approval = proposal().approve("bob", utc(2025, 9, 2), amendment)
    assert set(approval.invited) == (set(CHOSEN) - removed) | set(added)
    assert len(approval.invited) == len(set(approval.invited))


def test_rule_17_priority_factors_are_recorded_with_evidence_before_invitation(uk_fr: Scheme) -> None:
    case = admission_case(uk_fr, utc(2025, 9, 1, 10), family(date(1990, 1, 1)))
    at = utc(2025, 9, 1, 11)
    case.record(action(uk_fr, "record_priority_factor", at, factor="family_link", evidence="brother in Leeds"), uk_fr)
    case.record(action(uk_fr, "record_priority_factor", at, factor="family_link", evidence="and sister"), uk_fr)
    assert case.priority_factors() == frozenset({PriorityFactor.FAMILY_LINK})

    with pytest.raises(InvalidCommand, match="evidence"):
        case.record(action(uk_fr, "record_priority_factor", at, factor="exploitation_risk"), uk_fr)
    # Waiting is counted from the submission; vulnerability is weighed by eu-tr-2016, not by uk-fr-2025.
    for unweighted in ("waiting_week", "vulnerability", "tall"):
        with pytest.raises(InvalidCommand, match="not a priority factor of scheme uk-fr-2025"):
            case.record(action(uk_fr, "record_priority_factor", at, factor=unweighted, evidence="x"), uk_fr)

    case.record(
        action(uk_fr, "confirm_location", utc(2025, 9, 1, 12), country="FR", confirmed_member_ids=["m0"]), uk_fr
    )
    case.record(action(uk_fr, "find_eligible", utc(2025, 9, 1, 13)), uk_fr)
    case.record(action(uk_fr, "invite", utc(2025, 9, 2)), uk_fr)
    with pytest.raises(IllegalTransition):
        case.record(action(uk_fr, "record_priority_factor", utc(2025, 9, 3), factor="family_link", evidence="x"), uk_fr)
