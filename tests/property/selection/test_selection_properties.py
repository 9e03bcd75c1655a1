"""Properties of every proposal, checked on small random rounds against a brute-force search of all selections."""

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from itertools import combinations, pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from parity.scheme import load_scheme
from parity.scheme.model import PriorityFactor
from parity.selection import Candidate, Member, SelectionRequest, propose, rank_families

PRIORITY = load_scheme("uk-fr-2025").admissions.priority
AS_OF = date(2026, 1, 5)
AS_OF_MIDNIGHT = datetime(2026, 1, 5, tzinfo=UTC)
NATIONALITIES = ("ERI", "AFG", "VNM")
RECORDED_FACTORS = (
    PriorityFactor.PRIOR_RESIDENCE_OR_VISIT,
    PriorityFactor.FAMILY_LINK,
    PriorityFactor.EXPLOITATION_RISK,
)


@st.composite
def families(draw, application_id):
    nationality = draw(st.sampled_from(NATIONALITIES))
    others = draw(st.lists(st.tuples(st.integers(0, 40), st.sampled_from(NATIONALITIES)), max_size=3))
    members = (Member(draw(st.integers(18, 60)), nationality), *(Member(age, code) for age, code in others))
    factors = frozenset(draw(st.sets(st.sampled_from(RECORDED_FACTORS))))
    # Whole hours, so families often apply on the same day and sometimes at the same instant.
    submitted_at = AS_OF_MIDNIGHT - timedelta(days=draw(st.integers(0, 60))) + timedelta(hours=draw(st.integers(0, 3)))
    return Candidate(application_id, members, "2025-pilot", factors, submitted_at.date(), submitted_at)


@st.composite
def rounds(draw):
    count = draw(st.integers(0, 8))
    candidates = tuple(draw(families(f"APP-{number}")) for number in range(count))
    limits = draw(st.dictionaries(st.sampled_from(NATIONALITIES), st.integers(0, 6), max_size=2))
    priority = PRIORITY.model_copy(update={"nationality_limits": limits})
    places = draw(st.integers(0, 14))
    return SelectionRequest(candidates, places, AS_OF, priority, 18, same_window_required=True, window_id="2025-pilot")


def people_by_nationality(candidates):
    return Counter(member.nationality for candidate in candidates for member in candidate.members)


def is_feasible(selection, request):
    counts = people_by_nationality(selection)
    return sum(candidate.size for candidate in selection) <= request.places and all(
        counts[nationality] <= limit for nationality, limit in request.priority.nationality_limits.items()
    )


def feasible_selections(request):
    for size in range(len(request.candidates) + 1):
        for selection in combinations(request.candidates, size):
            if is_feasible(selection, request):
                yield selection


def objective(proposal):
    return proposal.places_filled, proposal.priority_total


def chosen_candidates(proposal, request):
    by_id = {candidate.application_id: candidate for candidate in request.candidates}
    return [by_id[family.application_id] for family in proposal.chosen]


@settings(max_examples=150, deadline=None)
@given(rounds())
def test_the_mip_finds_the_brute_force_optimum_and_fills_exactly_when_a_selection_can(request):
    proposal = propose(request)
    scores = {family.application_id: family.score for family in (*proposal.chosen, *proposal.passed_over)}
    best_fill, best_priority = max(
        (
            sum(candidate.size for candidate in selection),
            sum(candidate.size * scores[candidate.application_id] for candidate in selection),
        )
        for selection in feasible_selections(request)
    )
    assert proposal.places_filled == best_fill
    assert abs(proposal.priority_total - best_priority) <= 1e-6 * max(1.0, best_priority)
    if any(
        sum(candidate.size for candidate in selection) == request.places for selection in feasible_selections(request)
    ):
        assert proposal.places_filled == request.places
    assert proposal.solver.proven_optimal


@settings(max_examples=100, deadline=None)
@given(rounds(), st.sampled_from(["mip", "greedy"]))
def test_no_method_exceeds_the_places_or_a_nationality_limit_or_splits_a_family(request, method):
    proposal = propose(request, method, explain_next=len(request.candidates))
    chosen = chosen_candidates(proposal, request)
    assert is_feasible(chosen, request)
    # Whole families only: the people filled are exactly the members of the families chosen, each chosen once.
    assert proposal.places_filled == sum(candidate.size for candidate in chosen)
    assert len({candidate.application_id for candidate in chosen}) == len(chosen)
    # Every family is either chosen or explained.
    explained = {family.application_id for family in proposal.passed_over}
    assert explained | {c.application_id for c in chosen} == {c.application_id for c in request.candidates}


@settings(max_examples=100, deadline=None)
@given(rounds())
def test_the_mip_is_never_worse_than_greedy(request):
    mip, greedy = propose(request, "mip"), propose(request, "greedy")
    assert mip.places_filled >= greedy.places_filled
    if mip.places_filled == greedy.places_filled:
        assert mip.priority_total >= greedy.priority_total - 1e-9


@settings(max_examples=50, deadline=None)
@given(rounds(), st.randoms(use_true_random=False), st.sampled_from(["mip", "greedy"]))
def test_the_same_round_in_any_order_gives_the_same_proposal(request, rng, method):
    shuffled = list(request.candidates)
    rng.shuffle(shuffled)
    reordered = SelectionRequest(
        tuple(shuffled), request.places, request.as_of, request.priority, request.adult_age, True, request.window_id
    )
    first, second = propose(request, method).to_dict(), propose(reordered, method).to_dict()
    for stored in (first, second):
        del stored["solver"]["seconds"]  # wall time is the one value allowed to differ
    assert first == second


@settings(max_examples=100, deadline=None)
@given(rounds())
def test_equal_scores_are_ranked_first_come_first_served_whatever_the_ids(request):
    ranked = rank_families(request.candidates, request.priority, request.as_of)
    for better, worse in pairwise(ranked):
        assert better.score >= worse.score
        if better.score == worse.score:
            earlier = (better.candidate.submitted_at, better.candidate.application_id)
            assert earlier < (worse.candidate.submitted_at, worse.candidate.application_id)
