"""Admissions selection as a service (issue 7), on SQLite and PostgreSQL: propose, approve by another person.

The uk-fr-2025 weights are the bundled ones: high grant-rate nationality (AFG, ERI, SDN) 4, family link 3,
waiting 0.1 a week. With no returns yet the ledger allows the tolerance, 25 people.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from tests.builders import utc, waiting_family

from parity.domain.admissions import AdmissionStatus
from parity.domain.errors import InvalidCommand, LedgerLimitReached
from parity.domain.proposals import AmendmentRefused, InvitationNeedsApproval, SeparationOfDuties, StaleProposal
from parity.scheme import Scheme, load_scheme
from parity.scheme.model import PriorityFactor
from parity.selection import Candidate, Member, SelectionRequest
from parity.services.cases import CaseCommand, act_on_admission_case
from parity.services.context import IdempotencyConflict, Services, SettableClock
from parity.services.selection import (
    ApproveProposal,
    InvalidSelectionRequest,
    ProposeInvitations,
    approve_proposal,
    get_proposal,
    list_proposals,
    propose_invitations,
)

ADULT, SECOND_ADULT, CHILD, SECOND_CHILD = date(1990, 1, 1), date(1992, 5, 5), date(2015, 6, 1), date(2017, 2, 3)


@pytest.fixture
def round_of_three(services: Services) -> dict[str, str]:
    """An Afghan family of four (score 4), an Iranian adult with a UK family link (3), a Vietnamese couple (0)."""
    return {
        "afg4": waiting_family(services, "FAM-AFG4", ADULT, SECOND_ADULT, CHILD, SECOND_CHILD, nationality="AFG"),
        "irn1": waiting_family(services, "FAM-IRN1", ADULT, nationality="IRN", factors=("family_link",)),
        "vnm2": waiting_family(services, "FAM-VNM2", ADULT, SECOND_ADULT, nationality="VNM"),
    }


def propose(services: Services, command_id: str = "p1", actor: str = "alice", **options: Any) -> dict[str, Any]:
    return dict(propose_invitations(services, ProposeInvitations(command_id, "uk-fr-2025", actor, **options)))


def approve(services: Services, proposal_id: str, actor: str = "bob", command_id: str = "a1", **options: Any) -> dict:  # type: ignore[type-arg]
    return dict(approve_proposal(services, ApproveProposal(command_id, proposal_id, actor, **options)))


def statuses(services: Services, case_ids: dict[str, str]) -> dict[str, AdmissionStatus]:
    with services.uow() as uow:
        return {name: uow.admissions.get(case_id).status for name, case_id in case_ids.items()}


def versions(services: Services, case_ids: dict[str, str]) -> dict[str, int]:
    with services.uow() as uow:
        return {name: uow.admissions.get(case_id).version for name, case_id in case_ids.items()}


def pause_admissions(services: Services, uk_fr: Scheme) -> None:
    """Entry clearances for the whole tolerance (25 people) with no returns: admissions lead, so they pause."""
    with services.uow() as uow:
        ledger = uow.ledgers.get(uk_fr.id)
        ledger.commit_admission(25, date(2025, 9, 1), uk_fr.parity)
        uow.ledgers.save(ledger)
        uow.commit()


def test_a_proposal_ranks_and_explains_and_invites_nobody(
    services: Services, round_of_three: dict[str, str], uk_fr: Scheme
) -> None:
    proposal = propose(services, places=5)

    # Filling all 5 places takes the family of 4 and the single adult; the couple no longer fits.
    assert [family["application_id"] for family in proposal["chosen"]] == [
        round_of_three["afg4"],
        round_of_three["irn1"],
    ]
    assert [family["family_ref"] for family in proposal["chosen"]] == ["FAM-AFG4", "FAM-IRN1"]
    assert proposal["places_filled"] == 5
    assert proposal["objective"] == 4 * 4.0 + 1 * 3.0
    afg, irn = proposal["chosen"]
    assert [(part["factor"], part["points"]) for part in afg["breakdown"]] == [
        ("high_grant_rate_nationality", 4.0),
        ("waiting_week", 0.0),
    ]
    assert ("family_link", 3.0) in [(part["factor"], part["points"]) for part in irn["breakdown"]]
    [couple] = proposal["passed_over"]
    assert (couple["family_ref"], couple["reason"]) == ("FAM-VNM2", "lower_score")
    assert "0 place(s) left, too few for 2" in couple["detail"]

    assert proposal["status"] == "proposed"
    assert proposal["scheme_version"] == uk_fr.version
    assert proposal["solver_status"] == "Optimal"
    assert proposal["method"] == "mip"
    assert proposal["proposed_by"] == "alice"
    assert set(statuses(services, round_of_three).values()) == {AdmissionStatus.ELIGIBLE}
    assert get_proposal(services, proposal["proposal_id"]) == proposal


def test_the_stored_inputs_reproduce_the_hash(
    services: Services, round_of_three: dict[str, str], uk_fr: Scheme
) -> None:
    proposal = propose(services, places=5)
    inputs = get_proposal(services, proposal["proposal_id"])
    with services.uow() as uow:
        stored = uow.proposals.get(proposal["proposal_id"]).inputs
    candidates = tuple(
        Candidate(
            c["application_id"],
            tuple(Member(m["age"], m["nationality"]) for m in c["members"]),
            c["window_id"],
            frozenset(PriorityFactor(factor) for factor in c["factors"]),
            date.fromisoformat(c["waiting_since"]),
            datetime.fromisoformat(c["submitted_at"]),
        )
        for c in stored["candidates"]
    )
    as_of = date.fromisoformat(stored["as_of"])
    request = SelectionRequest.for_scheme(uk_fr, candidates, stored["places"], as_of, stored["window_id"])
    assert request.inputs_hash() == inputs["inputs_hash"]
    assert sorted(c.application_id for c in candidates) == sorted(round_of_three.values())


def test_approval_by_another_person_invites_exactly_the_chosen_families(
    services: Services, round_of_three: dict[str, str], clock: SettableClock
) -> None:
    proposal = propose(services, places=5)
    clock.current = utc(2025, 9, 2, 9)

    approved = approve(services, proposal["proposal_id"], actor="bob")

    assert approved["status"] == "approved"
    assert approved["approval"]["approved_by"] == "bob"
    assert approved["approval"]["invited"] == [round_of_three["afg4"], round_of_three["irn1"]]
    assert approved["approval"]["removed"] == approved["approval"]["added"] == []
    assert statuses(services, round_of_three) == {
        "afg4": AdmissionStatus.INVITED,
        "irn1": AdmissionStatus.INVITED,
        "vnm2": AdmissionStatus.ELIGIBLE,
    }
    with services.uow() as uow:
        invite = uow.admissions.get(round_of_three["afg4"]).last("invite")
    assert invite is not None
    assert (invite.actor, invite.payload["proposal_id"], invite.at) == ("bob", proposal["proposal_id"], clock.current)
    assert get_proposal(services, proposal["proposal_id"])["status"] == "approved"


def test_a_family_cannot_be_invited_by_an_action_on_its_case(
    services: Services, round_of_three: dict[str, str]
) -> None:
    before = versions(services, round_of_three)

    with pytest.raises(InvitationNeedsApproval, match=r"`parity select propose`.*`parity select approve`") as refused:
        act_on_admission_case(services, CaseCommand("direct", "alice", round_of_three["afg4"], "invite"))

    assert refused.value.code == "approval_required"
    assert versions(services, round_of_three) == before
    assert set(statuses(services, round_of_three).values()) == {AdmissionStatus.ELIGIBLE}


def test_the_next_round_gets_the_places_less_the_people_already_invited(
    services: Services, round_of_three: dict[str, str]
) -> None:
    first = propose(services, "p1", places=5)
    approve(services, first["proposal_id"])

    second = propose(services, "p2")

    assert second["places"] == 25 - 5
    assert [family["family_ref"] for family in second["chosen"]] == ["FAM-VNM2"]


def test_the_proposer_cannot_approve_and_nothing_changes(services: Services, round_of_three: dict[str, str]) -> None:
    proposal = propose(services, places=5, actor="alice")
    before = versions(services, round_of_three)

    for same_person in ("alice", " Alice "):
        with pytest.raises(SeparationOfDuties, match="another person must approve") as refused:
            approve(services, proposal["proposal_id"], actor=same_person)
        assert refused.value.code == "separation_of_duties"

    assert versions(services, round_of_three) == before
    assert get_proposal(services, proposal["proposal_id"])["status"] == "proposed"


@pytest.mark.parametrize(
    ("amendment", "refusal"),
    [
        ({"add": ["vnm2"], "reason": "couple has waited"}, "7 people, more than the proposal's 5 places"),
        ({"remove": ["irn1"]}, "a reason is required"),
        ({"remove": ["afg4"], "add": ["vnm2", "vnm2"], "reason": "swap"}, "named more than once"),
        ({"remove": ["vnm2"], "reason": "not chosen"}, "not in the proposed selection"),
    ],
)
def test_an_amendment_that_breaks_a_rule_is_refused_and_nothing_changes(
    services: Services, round_of_three: dict[str, str], amendment: dict[str, Any], refusal: str
) -> None:
    proposal = propose(services, places=5)
    before = versions(services, round_of_three)
    named = {
        key: [round_of_three[name] for name in value] if key != "reason" else value for key, value in amendment.items()
    }

    with pytest.raises(AmendmentRefused, match=refusal):
        approve(services, proposal["proposal_id"], **named)

    assert versions(services, round_of_three) == before
    assert get_proposal(services, proposal["proposal_id"])["status"] == "proposed"


def test_an_amendment_cannot_split_a_family(services: Services, round_of_three: dict[str, str]) -> None:
    proposal = propose(services, places=5)
    with services.uow() as uow:
        child = uow.admissions.get(round_of_three["afg4"]).members[3].id
    before = versions(services, round_of_three)

    with pytest.raises(AmendmentRefused, match=r"one member of family application FAM-AFG4 .*whole \(rule 20\)"):
        approve(services, proposal["proposal_id"], remove=[child], reason="child stays")

    assert versions(services, round_of_three) == before


def test_an_amendment_with_a_reason_is_recorded_and_invites_the_amended_families(
    services: Services, round_of_three: dict[str, str]
) -> None:
    proposal = propose(services, places=5)

    approved = approve(
        services,
        proposal["proposal_id"],
        remove=[round_of_three["afg4"]],
        add=[round_of_three["vnm2"]],
        reason="Afghan family withdrew by phone; written withdrawal to follow",
    )

    assert approved["approval"]["invited"] == [round_of_three["irn1"], round_of_three["vnm2"]]
    assert approved["approval"]["reason"] == "Afghan family withdrew by phone; written withdrawal to follow"
    assert statuses(services, round_of_three) == {
        "afg4": AdmissionStatus.ELIGIBLE,
        "irn1": AdmissionStatus.INVITED,
        "vnm2": AdmissionStatus.INVITED,
    }


def test_a_proposal_whose_waiting_list_changed_is_refused_as_stale(
    services: Services, round_of_three: dict[str, str]
) -> None:
    proposal = propose(services, places=5)
    newcomer = waiting_family(services, "FAM-ERI1", ADULT, nationality="ERI")
    withdrawn = round_of_three["irn1"]
    act_on_admission_case(services, CaseCommand("w1", "cw", withdrawn, "withdraw", {"reason": "moved away"}))
    before = versions(services, round_of_three)

    with pytest.raises(StaleProposal, match="waiting list has changed") as refused:
        approve(services, proposal["proposal_id"])

    message = str(refused.value)
    assert f"no longer waiting or eligible: {withdrawn}" in message
    assert f"newly waiting: {newcomer}" in message
    assert versions(services, round_of_three) == before


def test_a_proposal_made_before_submission_times_were_recorded_is_refused_as_stale(
    services: Services, round_of_three: dict[str, str]
) -> None:
    """A proposal stored before ties went to the earlier submission must be made again, not approved on old ranks."""
    made_now = propose(services, places=5)
    with services.uow() as uow:
        stored = uow.proposals.get(made_now["proposal_id"])
        earlier_inputs = {
            **stored.inputs,
            "candidates": [
                {field: value for field, value in candidate.items() if field != "submitted_at"}
                for candidate in stored.inputs["candidates"]
            ],
        }
        uow.proposals.add(replace(stored, id="made-earlier", inputs=earlier_inputs, inputs_hash="0" * 64))
        uow.commit()
    before = versions(services, round_of_three)

    with pytest.raises(StaleProposal, match="earlier version of the selection, which did not record submitted_at"):
        approve(services, "made-earlier")

    assert versions(services, round_of_three) == before


def test_a_newer_proposal_supersedes_the_open_one(
    services: Services, round_of_three: dict[str, str], clock: SettableClock
) -> None:
    first = propose(services, "p1", places=5)
    clock.current = utc(2025, 9, 1, 11)
    second = propose(services, "p2", places=3)

    assert get_proposal(services, first["proposal_id"])["superseded_by"] == second["proposal_id"]
    with pytest.raises(StaleProposal, match=f"superseded by proposal {second['proposal_id']}"):
        approve(services, first["proposal_id"])
    assert [view["status"] for view in list_proposals(services, "uk-fr-2025")] == ["proposed", "superseded"]


def test_repeated_commands_replay_and_change_nothing(services: Services, round_of_three: dict[str, str]) -> None:
    first = propose(services, "p1", places=5)
    assert propose(services, "p1", places=5) == first
    assert len(list_proposals(services)) == 1

    approved = approve(services, first["proposal_id"], command_id="a1")
    after = versions(services, round_of_three)
    assert approve(services, first["proposal_id"], command_id="a1") == approved
    assert versions(services, round_of_three) == after

    with pytest.raises(IdempotencyConflict):
        propose(services, "p1", places=4)


def test_invitations_are_all_or_none(
    services: Services, round_of_three: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    proposal = propose(services, places=5)
    before = versions(services, round_of_three)
    from parity.services import selection

    real = selection.record_admission_action
    calls: list[str] = []

    def fail_on_the_second(*args: Any) -> None:
        calls.append(args[2].id)
        if len(calls) == 2:
            raise LedgerLimitReached("the ledger moved on")
        real(*args)

    monkeypatch.setattr(selection, "record_admission_action", fail_on_the_second)
    with pytest.raises(LedgerLimitReached):
        approve(services, proposal["proposal_id"])

    assert calls == [round_of_three["afg4"], round_of_three["irn1"]]
    assert versions(services, round_of_three) == before  # the first invitation was rolled back with the second
    assert get_proposal(services, proposal["proposal_id"])["status"] == "proposed"


def test_paused_admissions_refuse_a_proposal_with_the_reason(
    services: Services, round_of_three: dict[str, str], uk_fr: Scheme
) -> None:
    pause_admissions(services, uk_fr)

    with pytest.raises(LedgerLimitReached, match=r"admissions are paused.*clearances outstanding 25"):
        propose(services)

    assert list_proposals(services) == []


def test_an_approval_is_refused_when_admissions_paused_since(
    services: Services, round_of_three: dict[str, str], uk_fr: Scheme
) -> None:
    proposal = propose(services, places=5)
    pause_admissions(services, uk_fr)

    with pytest.raises(LedgerLimitReached, match="admissions are paused"):
        approve(services, proposal["proposal_id"])

    assert set(statuses(services, round_of_three).values()) == {AdmissionStatus.ELIGIBLE}


def test_a_round_takes_places_from_the_balance_even_when_this_weeks_level_is_used_up(
    services: Services, round_of_three: dict[str, str], uk_fr: Scheme
) -> None:
    """Families invited now are cleared weeks later, when that week's level is checked (rule 23): a round needs
    only room in the balance (rule 21). Charging it to this week's level too starved admissions (twin vs engine)."""
    level = uk_fr.parity.weekly_level
    with services.uow() as uow:
        ledger = uow.ledgers.get(uk_fr.id)
        ledger.record_return(level, date(2025, 8, 25), uk_fr.parity)  # last week's returns
        ledger.commit_admission(level, date(2025, 9, 1), uk_fr.parity)  # this week's level, all cleared
        uow.ledgers.save(ledger)
        uow.commit()
        assert ledger.places_available(uk_fr.parity, date(2025, 9, 1)) == 0

    proposal = propose(services)

    assert proposal["places"] == level * uk_fr.parity.admissions_per_return + uk_fr.parity.tolerance - level
    assert proposal["places_filled"] == 7


def test_more_places_than_the_ledger_allows_are_refused(services: Services, round_of_three: dict[str, str]) -> None:
    with pytest.raises(LedgerLimitReached, match="26 places asked for, but the ledger allows 25"):
        propose(services, places=26)


def test_bad_input_is_refused_before_anything_is_proposed(
    services: Services, round_of_three: dict[str, str], tmp_path: Path
) -> None:
    with pytest.raises(InvalidSelectionRequest, match="places: must not be negative") as refused:
        propose(services, "p1", places=-1)
    assert refused.value.problems == [("places", "must not be negative (got -1)")]

    text = resources.files("parity.scheme.bundled").joinpath("uk-fr-2025.toml").read_text(encoding="utf-8")
    without_waiting = tmp_path / "uk-fr-2025.toml"
    without_waiting.write_text(text.replace("waiting_week = 0.1", ""), encoding="utf-8")
    services.register(load_scheme(str(without_waiting)))
    with pytest.raises(InvalidSelectionRequest, match=r"priority\.weights\.waiting_week: missing"):
        propose(services, "p2", places=5)

    with pytest.raises(InvalidCommand, match="method must be one of mip, greedy"):
        propose(services, "p3", method="simplex")
    assert list_proposals(services) == []


def test_nothing_to_propose_without_waiting_families(services: Services) -> None:
    with pytest.raises(InvalidCommand, match="no eligible family is waiting"):
        propose(services)


def test_only_families_waiting_in_the_round_can_be_added(services: Services, round_of_three: dict[str, str]) -> None:
    proposal = propose(services, places=5)

    with pytest.raises(AmendmentRefused, match="no-such-case is not waiting for an invitation"):
        approve(services, proposal["proposal_id"], add=["no-such-case"], reason="typed from memory")


def test_a_family_barred_since_it_was_found_eligible_is_not_considered(
    services: Services, round_of_three: dict[str, str]
) -> None:
    barred = round_of_three["afg4"]
    with services.uow() as uow:
        member = uow.admissions.get(barred).members[0].id
    exclusion = {"member_id": member, "exclusion": "prior_irregular_entry", "evidence": "biometric match"}
    act_on_admission_case(services, CaseCommand("x1", "cw", barred, "record_exclusion", exclusion))

    proposal = propose(services, places=5)

    assert barred not in [family["application_id"] for family in proposal["chosen"] + proposal["passed_over"]]
    [not_considered] = proposal["not_considered"]
    assert not_considered["application_id"] == barred
    assert not_considered["bars"] == [f"member {member}: excluded (prior_irregular_entry, rule 16)"]
    assert proposal["candidates_considered"] == 2
