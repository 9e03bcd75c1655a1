"""Family scores under the real uk-fr-2025 weights, and the order families are ranked in."""

import random
from datetime import UTC, date, datetime, time, timedelta

from parity.scheme import load_scheme
from parity.scheme.model import PriorityFactor
from parity.selection import Candidate, Member, rank_families, score_family

PRIORITY = load_scheme("uk-fr-2025").admissions.priority
AS_OF = date(2026, 1, 5)


def family(application_id, *nationalities, factors=(), waited_days=0, at=time(9)):
    """Submitted `waited_days` before AS_OF at `at` UTC (the scheme's local time in winter)."""
    members = tuple(Member(30 if index == 0 else 8, nationality) for index, nationality in enumerate(nationalities))
    submitted_at = datetime.combine(AS_OF - timedelta(days=waited_days), at, tzinfo=UTC)
    return Candidate(application_id, members, "2025-pilot", frozenset(factors), submitted_at.date(), submitted_at)


def points_by_factor(scored):
    return {component.factor: component.points for component in scored.components}


def test_score_adds_the_weights_of_the_factors_met_and_the_whole_weeks_waited():
    scored = score_family(
        family("A", "ERI", "ERI", factors=[PriorityFactor.FAMILY_LINK], waited_days=20), PRIORITY, AS_OF
    )
    # ERI is a high grant-rate nationality (4.0), family link 3.0, 20 days = 2 whole weeks x 0.1.
    assert scored.score == 7.2
    assert points_by_factor(scored) == {
        PriorityFactor.HIGH_GRANT_RATE_NATIONALITY: 4.0,
        PriorityFactor.FAMILY_LINK: 3.0,
        PriorityFactor.WAITING_WEEK: 0.2,
    }
    assert scored.priority_value == 2 * 7.2


def test_only_whole_weeks_count():
    weeks = {
        days: points_by_factor(score_family(family("A", "VNM", waited_days=days), PRIORITY, AS_OF))
        for days in (6, 7, 13, 14)
    }
    assert [weeks[days][PriorityFactor.WAITING_WEEK] for days in (6, 7, 13, 14)] == [0.0, 0.1, 0.1, 0.2]


def test_the_grant_rate_factor_follows_the_main_applicants_nationality_not_other_members():
    assert score_family(family("A", "VNM", "ERI"), PRIORITY, AS_OF).score == 0.0
    derived = score_family(family("B", "AFG", "VNM"), PRIORITY, AS_OF)
    assert derived.score == 4.0
    assert "AFG has a high grant rate" in str(derived.components[0].reason)


def test_a_grant_rate_factor_both_recorded_and_derived_counts_once():
    recorded = family("A", "SDN", factors=[PriorityFactor.HIGH_GRANT_RATE_NATIONALITY])
    assert score_family(recorded, PRIORITY, AS_OF).score == 4.0


def test_equal_scores_rank_the_earlier_submission_first_then_the_smaller_application_id():
    # 15 and 20 days are both 2 whole weeks, so the scores tie and the longer wait wins.
    shorter, longer = family("A", "ERI", waited_days=15), family("B", "ERI", waited_days=20)
    # Same day: the earlier instant wins over the smaller id; at the same instant (a batch) the smaller id does.
    morning, afternoon = family("Z", "ERI", waited_days=20, at=time(8)), family("E", "ERI", waited_days=20, at=time(15))
    batch_1, batch_2 = family("D", "ERI", waited_days=20), family("C", "ERI", waited_days=20)
    ranked = rank_families((shorter, afternoon, batch_1, longer, morning, batch_2), PRIORITY, AS_OF)
    assert [scored.candidate.application_id for scored in ranked] == ["Z", "B", "C", "D", "E", "A"]


def test_sums_equal_in_decimal_tie_despite_floating_point_noise():
    # 4.0 + 3 x 0.1 is 4.300000000000001 in binary floating point; it must tie with a flat 4.3.
    priority = PRIORITY.model_copy(update={"weights": {**PRIORITY.weights, PriorityFactor.EXPLOITATION_RISK: 4.3}})
    waited = family("WAITED", "ERI", waited_days=21)
    flat = family("FLAT", "VNM", factors=[PriorityFactor.EXPLOITATION_RISK], waited_days=6)
    ranked = rank_families((flat, waited), priority, AS_OF)
    assert ranked[0].score == ranked[1].score == 4.3
    assert ranked[0].candidate.application_id == "WAITED"


def test_the_ranking_does_not_depend_on_input_order():
    candidates = [family(f"F{number}", "ERI" if number % 3 else "IRN", waited_days=number * 5) for number in range(30)]
    expected = [scored.candidate.application_id for scored in rank_families(tuple(candidates), PRIORITY, AS_OF)]
    random.Random(7).shuffle(candidates)
    assert [scored.candidate.application_id for scored in rank_families(tuple(candidates), PRIORITY, AS_OF)] == expected
