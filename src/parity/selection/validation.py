"""Checks on a selection request, run before anything is proposed.

Every problem is collected (not just the first), each as (field path, reason), so whoever assembled the request
can fix them all at once. Paths name the application: ``candidates[APP-17].members``.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC

from parity.scheme.model import PriorityFactor
from parity.selection.model import Candidate, SelectionRequest

# How many application ids a message quotes before it stops listing them.
EXAMPLES_QUOTED = 3
# UTC offsets run from -12 to +14 hours, so a local date is at most a day from the UTC date of the same instant.
MOST_DAYS_FROM_UTC_DATE = 1


class SelectionInputError(ValueError):
    """A selection request that cannot be used; `problems` lists (field path, reason) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {field}: {reason}" for field, reason in problems)
        super().__init__(f"the selection request is not valid:\n{lines}")


def validate_request(request: SelectionRequest) -> None:
    """Raise `SelectionInputError` listing every problem in the request; return quietly when there is none."""
    problems = [
        *_round_problems(request),
        *_weight_problems(request),
        *_duplicate_id_problems(request),
        *_window_problems(request),
    ]
    for candidate in request.candidates:
        problems.extend(_candidate_problems(candidate, request))
    if problems:
        raise SelectionInputError(problems)


def _round_problems(request: SelectionRequest) -> list[tuple[str, str]]:
    problems = []
    if request.places < 0:
        problems.append(("places", f"must not be negative (got {request.places})"))
    if request.adult_age < 0:
        problems.append(("adult_age", f"must not be negative (got {request.adult_age})"))
    for nationality, limit in sorted(request.priority.nationality_limits.items()):
        if limit < 0:
            problems.append((f"priority.nationality_limits.{nationality}", f"must not be negative (got {limit})"))
    return problems


def _weight_problems(request: SelectionRequest) -> list[tuple[str, str]]:
    """Weights must be finite and non-negative, and every factor that can score must have one.

    The scheme schema already forbids negative weights, but a request can be built from a `Priority` that skipped
    validation; a missing weight would otherwise silently score a met factor as nothing.
    """
    weights = request.priority.weights
    problems = []
    for factor, weight in sorted(weights.items()):
        if not math.isfinite(weight) or weight < 0:
            problems.append((f"priority.weights.{factor.value}", f"must be a finite number >= 0 (got {weight})"))

    if PriorityFactor.WAITING_WEEK not in weights:
        problems.append(
            (
                f"priority.weights.{PriorityFactor.WAITING_WEEK.value}",
                "missing: every family's waiting time is scored; set it to 0 to ignore waiting",
            )
        )
    meeting: dict[PriorityFactor, list[str]] = {}
    for candidate in request.candidates:
        for factor in candidate.factors:
            meeting.setdefault(factor, []).append(candidate.application_id)
    if request.priority.high_grant_rate_nationalities:
        meeting.setdefault(PriorityFactor.HIGH_GRANT_RATE_NATIONALITY, [])
    for factor, application_ids in sorted(meeting.items()):
        if factor in weights or factor is PriorityFactor.WAITING_WEEK:
            continue
        if application_ids:
            reason = f"missing, but {len(application_ids)} application(s) meet it: {_quote(application_ids)}"
        else:
            reason = "missing, but the priority lists high grant-rate nationalities"
        problems.append((f"priority.weights.{factor.value}", reason))
    return problems


def _duplicate_id_problems(request: SelectionRequest) -> list[tuple[str, str]]:
    counts = Counter(candidate.application_id for candidate in request.candidates)
    return [
        (f"candidates[{application_id}]", f"application id appears {count} times; each family must appear once")
        for application_id, count in sorted(counts.items())
        if count > 1
    ]


def _window_problems(request: SelectionRequest) -> list[tuple[str, str]]:
    if not request.same_window_required:
        return []
    if request.window_id is not None:
        return [
            (
                f"candidates[{candidate.application_id}].window_id",
                f"applied in window {candidate.window_id!r}, but this round selects from {request.window_id!r} "
                "and the scheme requires one window",
            )
            for candidate in request.candidates
            if candidate.window_id != request.window_id
        ]
    windows = sorted({candidate.window_id for candidate in request.candidates})
    if len(windows) > 1:
        return [("window_id", f"candidates come from windows {windows}; name the one window to select from")]
    return []


def _candidate_problems(candidate: Candidate, request: SelectionRequest) -> list[tuple[str, str]]:
    where = f"candidates[{candidate.application_id}]"
    problems = []
    if not candidate.application_id:
        problems.append((where, "application id must not be empty"))
    if not candidate.members:
        problems.append((f"{where}.members", "a family needs at least one member"))
    elif not any(member.age >= request.adult_age for member in candidate.members):
        problems.append(
            (
                f"{where}.members",
                f"no member is an adult (aged {request.adult_age} or over); children apply only with one",
            )
        )
    for index, member in enumerate(candidate.members):
        if member.age < 0:
            problems.append((f"{where}.members[{index}].age", f"must not be negative (got {member.age})"))
        if not member.nationality:
            problems.append((f"{where}.members[{index}].nationality", "must not be empty"))
    if candidate.waiting_since > request.as_of:
        problems.append(
            (f"{where}.waiting_since", f"{candidate.waiting_since} is after the round's date {request.as_of}")
        )
    problems.extend(_submission_problems(candidate, where))
    if PriorityFactor.WAITING_WEEK in candidate.factors:
        problems.append((f"{where}.factors", "waiting_week is counted from waiting_since; do not list it as a factor"))
    return problems


def _submission_problems(candidate: Candidate, where: str) -> list[tuple[str, str]]:
    """`submitted_at` ranks equal scores, so it must be an instant; `waiting_since` must be its local date."""
    submitted_at = candidate.submitted_at
    if submitted_at.utcoffset() is None:
        return [
            (
                f"{where}.submitted_at",
                f"must be timezone-aware (got {submitted_at.isoformat()} with no offset); give it in UTC",
            )
        ]
    utc_date = submitted_at.astimezone(UTC).date()
    if abs((candidate.waiting_since - utc_date).days) > MOST_DAYS_FROM_UTC_DATE:
        return [
            (
                f"{where}.waiting_since",
                f"{candidate.waiting_since} cannot be the local date of submitted_at {submitted_at.isoformat()}; "
                "it is the date the expression of interest was submitted, where the scheme is",
            )
        ]
    return []


def _quote(application_ids: list[str]) -> str:
    shown = ", ".join(application_ids[:EXAMPLES_QUOTED])
    return shown if len(application_ids) <= EXAMPLES_QUOTED else f"{shown}, ..."
