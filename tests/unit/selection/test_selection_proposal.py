"""Hand-worked rounds with known optima, the explanations given, and the proposal as a stored value."""

import json
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from parity.scheme import load_scheme
from parity.scheme.model import PriorityFactor
from parity.selection import Candidate, Member, PassOverReason, SelectionRequest, propose

SCHEME = load_scheme("uk-fr-2025")
PRIORITY = SCHEME.admissions.priority
AS_OF = date(2026, 1, 5)
# Scores under uk-fr-2025: ERI main applicant 4.0, family link 3.0, exploitation risk 2.0, 0.1 a whole week.
TOP = (PriorityFactor.FAMILY_LINK, PriorityFactor.EXPLOITATION_RISK)


def family(application_id, size, nationality="VNM", factors=(), *, waited_weeks=0, at=time(9)):
    """Submitted `waited_weeks` before AS_OF at `at` UTC (the scheme's local time in winter)."""
    members = (Member(35, nationality), *(Member(10, nationality) for _ in range(size - 1)))
    submitted_at = datetime.combine(AS_OF - timedelta(weeks=waited_weeks), at, tzinfo=UTC)
    return Candidate(application_id, members, "2025-pilot", frozenset(factors), submitted_at.date(), submitted_at)


def request(*candidates, places, priority=PRIORITY):
    return SelectionRequest(candidates, places, AS_OF, priority, 18, same_window_required=True, window_id="2025-pilot")


def chosen_ids(proposal):
    return [family.application_id for family in proposal.chosen]


def test_mip_fills_every_place_where_greedy_takes_the_top_family_and_leaves_one_empty():
    # A (3 people, score 5) ranks first, but only B (4 people, score 1) fills the 4 places.
    round_ = request(family("A", 3, factors=TOP), family("B", 4, waited_weeks=10), places=4)
    mip, greedy = propose(round_, "mip"), propose(round_, "greedy")
    assert (chosen_ids(mip), mip.places_filled, mip.priority_total) == (["B"], 4, 4.0)
    assert (chosen_ids(greedy), greedy.places_filled, greedy.priority_total) == (["A"], 3, 15.0)
    [passed_over] = mip.passed_over
    assert (passed_over.application_id, passed_over.rank, passed_over.reason) == ("A", 1, PassOverReason.DID_NOT_FIT)
    assert "ranked above 1 chosen family" in str(passed_over.detail)


def test_mip_finds_the_better_combination_for_the_same_fill():
    # 6 places. Greedy: A (4 x 5.0) then D (2 x 1.0) = 22. Optimum: B + C (3 x 4.0 each) = 24.
    candidates = (
        family("A", 4, factors=TOP),
        family("B", 3, "ERI"),
        family("C", 3, "ERI"),
        family("D", 2, waited_weeks=10),
    )
    mip, greedy = propose(request(*candidates, places=6)), propose(request(*candidates, places=6), "greedy")
    assert (chosen_ids(mip), mip.places_filled, mip.priority_total) == (["B", "C"], 6, 24.0)
    assert (chosen_ids(greedy), greedy.places_filled, greedy.priority_total) == (["A", "D"], 6, 22.0)
    assert mip.solver.proven_optimal
    assert mip.solver.status == "Optimal"
    assert greedy.solver.proven_optimal is False


def test_nationality_limit_holds_and_explains_who_it_kept_out():
    priority = PRIORITY.model_copy(update={"nationality_limits": {"ERI": 3}})
    candidates = (family("E1", 2, "ERI", TOP), family("E2", 2, "ERI", TOP), family("S1", 2, "SDN"), family("V1", 1))
    proposal = propose(request(*candidates, places=6, priority=priority))
    assert chosen_ids(proposal) == ["E1", "S1", "V1"]
    [kept_out] = proposal.passed_over
    assert (kept_out.application_id, kept_out.reason) == ("E2", PassOverReason.NATIONALITY_LIMIT_REACHED)
    assert str(kept_out.detail) == "its 2 ERI member(s) would make 4 ERI people this round, over the limit of 3"


def test_families_ranked_below_the_cut_are_passed_over_for_lower_score():
    candidates = tuple(family(f"F{number}", 2, waited_weeks=number) for number in range(5))
    proposal = propose(request(*candidates, places=4), explain_next=2)
    assert chosen_ids(proposal) == ["F4", "F3"]
    assert [(f.application_id, f.rank, f.reason) for f in proposal.passed_over] == [
        ("F2", 3, PassOverReason.LOWER_SCORE),
        ("F1", 4, PassOverReason.LOWER_SCORE),
    ]
    assert proposal.not_chosen_count == 3


@pytest.mark.parametrize("method", ["mip", "greedy"])
def test_of_two_equal_families_who_applied_the_same_day_the_first_to_apply_is_invited(method):
    # Brief §10 rule 14: expressions of interest queue, first come first served. Two Eritrean adults who applied on
    # Monday 3 November 2025 both score 4.0 (high grant-rate nationality) + 9 whole weeks x 0.1 = 4.9. Case ids are
    # random UUIDs in the service; the earlier applicant has the larger one here, so ordering by id would invite the
    # other.
    first = family("e5a0c9d2-7f1b-4c36-9a8e-2b6f1d0c4e73", 1, "ERI", waited_weeks=9, at=time(8, 12))
    second = family("1c9f3b7a-0d42-4e8b-b5a1-6f2e9c7d3a10", 1, "ERI", waited_weeks=9, at=time(16, 40))
    assert first.waiting_since == second.waiting_since == date(2025, 11, 3)
    proposal = propose(request(second, first, places=1), method)
    [chosen] = proposal.chosen
    [passed_over] = proposal.passed_over
    assert (chosen.application_id, chosen.rank, chosen.score) == (first.application_id, 1, 4.9)
    assert (passed_over.application_id, passed_over.rank, passed_over.score) == (second.application_id, 2, 4.9)
    assert passed_over.reason is PassOverReason.SUBMITTED_LATER
    assert str(passed_over.detail) == (
        "the same score as a chosen family, submitted later (first come, first served); 0 place(s) left, too few for 1"
    )


def test_no_places_choose_nobody_and_say_why():
    proposal = propose(request(family("A", 1), places=0))
    assert proposal.chosen == ()
    assert str(proposal.passed_over[0].detail) == "a family of 1 is larger than the 0 places"
    assert (proposal.places_filled, proposal.solver.proven_optimal) == (0, True)


def test_an_empty_queue_gives_an_empty_proposal():
    proposal = propose(request(places=50))
    assert (proposal.chosen, proposal.passed_over, proposal.places_filled) == ((), (), 0)


def test_chosen_families_carry_their_score_breakdown():
    proposal = propose(request(family("A", 2, "ERI", [PriorityFactor.FAMILY_LINK], waited_weeks=3), places=2))
    [chosen] = proposal.chosen
    assert chosen.score == 7.3
    assert [(c.factor, c.points) for c in chosen.breakdown] == [
        (PriorityFactor.HIGH_GRANT_RATE_NATIONALITY, 4.0),
        (PriorityFactor.FAMILY_LINK, 3.0),
        (PriorityFactor.WAITING_WEEK, 0.3),
    ]


def test_a_stopped_solver_says_so_and_still_returns_at_least_the_greedy_selection():
    candidates = tuple(
        family(f"F{n:03d}", 1 + n % 4, "ERI" if n % 2 else "AFG", waited_weeks=n % 17) for n in range(400)
    )
    round_ = request(*candidates, places=97)
    stopped, greedy = propose(round_, time_limit_s=0.0), propose(round_, "greedy")
    assert stopped.solver.proven_optimal is False
    assert stopped.solver.status != "Optimal"
    assert (stopped.places_filled, stopped.priority_total) >= (greedy.places_filled, greedy.priority_total)


def test_the_proposal_is_plain_json_with_a_hash_of_its_inputs():
    round_ = request(family("A", 2, "ERI"), family("B", 3), places=2)
    stored = json.loads(json.dumps(propose(round_).to_dict()))
    assert stored["inputs_hash"] == round_.inputs_hash()
    assert len(stored["inputs_hash"]) == 64
    assert stored["chosen"][0]["breakdown"][0]["factor"] == "high_grant_rate_nationality"
    assert stored["passed_over"][0]["reason"] == "did_not_fit_remaining_places"
    assert (stored["method"], stored["places_available"], stored["solver"]["status"]) == ("mip", 2, "Optimal")


def test_the_inputs_hash_ignores_candidate_order_but_not_content():
    a, b = family("A", 2, "ERI"), family("B", 3)
    base = request(a, b, places=5).inputs_hash()
    assert request(b, a, places=5).inputs_hash() == base
    assert request(a, b, places=4).inputs_hash() != base
    assert request(a, family("B", 3, waited_weeks=1), places=5).inputs_hash() != base
    assert request(a, family("B", 3, at=time(10)), places=5).inputs_hash() != base


def test_the_inputs_hash_records_the_submission_instant_whatever_its_offset():
    a = family("A", 2, "ERI")
    in_paris = replace(a, submitted_at=a.submitted_at.astimezone(ZoneInfo("Europe/Paris")))
    assert request(in_paris, places=2).inputs_hash() == request(a, places=2).inputs_hash()


@pytest.mark.parametrize("method", ["mip", "greedy"])
def test_a_scheme_built_request_runs_with_the_bundled_rules(method):
    round_ = SelectionRequest.for_scheme(SCHEME, (family("A", 1, "SDN"), family("B", 2)), places=3, as_of=AS_OF)
    proposal = propose(round_, method)
    assert (chosen_ids(proposal), proposal.places_filled, proposal.method) == (["A", "B"], 3, method)
