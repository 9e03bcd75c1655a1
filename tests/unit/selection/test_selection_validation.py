"""Requests that must be refused before anything is proposed, each problem naming its field and application."""

from datetime import UTC, date, datetime, time

import pytest

from parity.scheme import load_scheme
from parity.scheme.model import Priority, PriorityFactor
from parity.selection import Candidate, Member, SelectionInputError, SelectionRequest, propose, validate_request

SCHEME = load_scheme("uk-fr-2025")
PRIORITY = SCHEME.admissions.priority
AS_OF = date(2026, 1, 5)
WINDOW = "2025-pilot"


def family(application_id, *ages, window=WINDOW, factors=(), waiting_since=date(2025, 11, 1), submitted_at=None):
    """Submitted at 09:00 UTC on `waiting_since` unless `submitted_at` says otherwise."""
    members = tuple(Member(age, "ERI") for age in ages)
    if submitted_at is None:
        submitted_at = datetime.combine(waiting_since, time(9), tzinfo=UTC)
    return Candidate(application_id, members, window, frozenset(factors), waiting_since, submitted_at)


def request(*candidates, places=10, priority=PRIORITY, window_id=WINDOW, same_window_required=True):
    return SelectionRequest(candidates, places, AS_OF, priority, 18, same_window_required, window_id)


def problems_of(selection_request):
    with pytest.raises(SelectionInputError) as raised:
        validate_request(selection_request)
    return dict(raised.value.problems)


def test_a_valid_request_passes():
    validate_request(request(family("A", 30, 4), family("B", 18)))


def test_negative_places_are_refused():
    assert "must not be negative" in problems_of(request(family("A", 30), places=-1))["places"]


def test_a_family_of_children_only_is_refused_naming_the_application():
    problems = problems_of(request(family("A", 30), family("KIDS", 17, 9)))
    assert "no member is an adult" in problems["candidates[KIDS].members"]
    assert "candidates[A].members" not in problems


def test_a_family_with_no_members_is_refused():
    assert "at least one member" in problems_of(request(family("EMPTY")))["candidates[EMPTY].members"]


def test_negative_and_non_finite_weights_are_refused_even_when_the_priority_skipped_validation():
    weights = dict(PRIORITY.weights) | {
        PriorityFactor.FAMILY_LINK: -1.0,
        PriorityFactor.EXPLOITATION_RISK: float("nan"),
    }
    unchecked = Priority.model_construct(**(PRIORITY.__dict__ | {"weights": weights}))
    problems = problems_of(request(family("A", 30), priority=unchecked))
    assert "finite number >= 0" in problems["priority.weights.family_link"]
    assert "finite number >= 0" in problems["priority.weights.exploitation_risk"]


def test_a_factor_that_applications_meet_but_the_scheme_does_not_weigh_is_refused():
    vulnerable = family("V1", 30, factors=[PriorityFactor.VULNERABILITY])
    problems = problems_of(request(vulnerable, family("A", 30)))
    assert problems["priority.weights.vulnerability"] == "missing, but 1 application(s) meet it: V1"


def test_a_missing_waiting_week_weight_is_refused():
    weights = {factor: weight for factor, weight in PRIORITY.weights.items() if factor != PriorityFactor.WAITING_WEEK}
    problems = problems_of(request(family("A", 30), priority=PRIORITY.model_copy(update={"weights": weights})))
    assert "set it to 0" in problems["priority.weights.waiting_week"]


def test_a_negative_nationality_limit_is_refused():
    unchecked = Priority.model_construct(**(PRIORITY.__dict__ | {"nationality_limits": {"ERI": -2}}))
    assert (
        "must not be negative"
        in problems_of(request(family("A", 30), priority=unchecked))["priority.nationality_limits.ERI"]
    )


def test_duplicate_application_ids_are_refused():
    problems = problems_of(request(family("A", 30), family("A", 40), family("B", 30)))
    assert problems == {"candidates[A]": "application id appears 2 times; each family must appear once"}


def test_an_application_from_another_window_is_refused_when_the_scheme_requires_one_window():
    problems = problems_of(request(family("A", 30), family("LATE", 30, window="2026-second")))
    assert "'2026-second'" in problems["candidates[LATE].window_id"]


def test_without_a_named_window_all_candidates_must_share_one():
    problems = problems_of(request(family("A", 30), family("B", 30, window="other"), window_id=None))
    assert "name the one window" in problems["window_id"]


def test_other_windows_are_allowed_when_the_scheme_does_not_require_one():
    validate_request(request(family("A", 30), family("B", 30, window="other"), same_window_required=False))


def test_waiting_since_after_the_round_and_a_listed_waiting_factor_are_refused():
    future = family("F", 30, waiting_since=date(2026, 2, 1))
    listed = family("W", 30, factors=[PriorityFactor.WAITING_WEEK])
    problems = problems_of(request(future, listed))
    assert "after the round's date" in problems["candidates[F].waiting_since"]
    assert "counted from waiting_since" in problems["candidates[W].factors"]


def test_a_submission_time_without_an_offset_is_refused_naming_the_field():
    naive = family("N", 30, submitted_at=datetime(2025, 11, 1, 9))
    assert "must be timezone-aware" in problems_of(request(naive))["candidates[N].submitted_at"]


def test_waiting_since_must_be_the_local_date_of_the_submission():
    # 23:30 UTC on 1 November is already 2 November in Paris (UTC+1): a local date a day on is accepted.
    late_evening = datetime(2025, 11, 1, 23, 30, tzinfo=UTC)
    validate_request(request(family("PARIS", 30, waiting_since=date(2025, 11, 2), submitted_at=late_evening)))
    elsewhere = family("OFF", 30, waiting_since=date(2025, 11, 3), submitted_at=late_evening)
    problems = problems_of(request(elsewhere))
    assert "cannot be the local date of submitted_at" in problems["candidates[OFF].waiting_since"]


def test_every_problem_is_reported_at_once_and_the_message_names_each_field():
    with pytest.raises(SelectionInputError) as raised:
        propose(request(family("KIDS", 5), family("KIDS", 30), places=-3))
    message = str(raised.value)
    assert "places:" in message
    assert "candidates[KIDS].members:" in message
    assert "candidates[KIDS]: application id appears 2 times" in message


def test_propose_refuses_an_unknown_method_a_negative_explanation_count_and_a_negative_time_limit():
    valid = request(family("A", 30))
    with pytest.raises(ValueError, match="method must be one of mip, greedy"):
        propose(valid, "simplex")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="explain_next must not be negative"):
        propose(valid, explain_next=-1)
    with pytest.raises(ValueError, match="time_limit_s must not be negative"):
        propose(valid, time_limit_s=-0.5)
