"""Priority scores: how strongly each waiting family is preferred, and the order families are ranked in.

A family's score is the sum of the weights of the priority factors it meets (brief §10 rule 17) plus the
waiting-week weight times the whole weeks it has waited, so nobody waits forever. The high grant-rate nationality
factor is met when the application says so or when the main applicant's nationality is on the scheme's list.

The score belongs to the family and every member shares it: the factors are assessed per application (a family
is invited or refused together, rule 20). The optimiser then values each *place* at the score of the person who
fills it (priority = size x score, maximised once as many places as possible are filled; see
`parity.selection.solvers`), so a family of four with score 7 is worth four places at 7. Summing per-family
scores instead would make four single people worth four times one family of four and bias every round against
large families.

Equal scores are ranked first come, first served, as a queue (brief §10 rule 14): the earlier `submitted_at`
instant first, so families who applied on the same day are not ordered by their random application ids. The
application id breaks what is left (a batch submitted at one instant), so the ranking is a total order and does
not depend on the order candidates were given in. `waiting_since` needs no place in the key: it is the date of
`submitted_at` in the scheme's time zone, which is never later for an earlier instant (validation refuses a
`waiting_since` that cannot be that date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from parity.domain.messages import Message
from parity.scheme.model import Priority, PriorityFactor
from parity.selection.model import Candidate

# Scores are rounded so that sums which are equal in decimal (0.1 x 3 + 4 and 4.3) compare equal in ranking.
SCORE_DECIMALS = 9


@dataclass(frozen=True)
class ScoreComponent:
    """The points one factor adds to a family's score, and why the family meets it."""

    factor: PriorityFactor
    points: float
    reason: Message


@dataclass(frozen=True)
class ScoredFamily:
    candidate: Candidate
    score: float
    components: tuple[ScoreComponent, ...]

    @property
    def size(self) -> int:
        return self.candidate.size

    @property
    def priority_value(self) -> float:
        """What choosing this family adds to the objective: its score for each place it fills."""
        return self.size * self.score

    def rank_key(self) -> tuple[float, datetime, str]:
        return (-self.score, self.candidate.submitted_at, self.candidate.application_id)


def whole_weeks_waited(waiting_since: date, as_of: date) -> int:
    return (as_of - waiting_since).days // 7


def score_family(candidate: Candidate, priority: Priority, as_of: date) -> ScoredFamily:
    components = []
    # Enum order, not set order, so the breakdown and the float sum are the same on every run.
    for factor in PriorityFactor:
        if factor is PriorityFactor.WAITING_WEEK:
            weeks = whole_weeks_waited(candidate.waiting_since, as_of)
            points = round(priority.weights.get(factor, 0.0) * weeks, SCORE_DECIMALS)
            reason = Message(
                "%(weeks)s whole week(s) waiting since %(since)s", weeks=weeks, since=candidate.waiting_since
            )
            components.append(ScoreComponent(factor, points, reason))
        elif reason_met := _reason_factor_met(candidate, factor, priority):
            components.append(ScoreComponent(factor, priority.weights.get(factor, 0.0), reason_met))
    score = round(sum(component.points for component in components), SCORE_DECIMALS)
    return ScoredFamily(candidate, score, tuple(components))


def rank_families(candidates: tuple[Candidate, ...], priority: Priority, as_of: date) -> tuple[ScoredFamily, ...]:
    """Every candidate scored, best first; ties go to the earlier submission, then the smaller application id."""
    scored = (score_family(candidate, priority, as_of) for candidate in candidates)
    return tuple(sorted(scored, key=ScoredFamily.rank_key))


def _reason_factor_met(candidate: Candidate, factor: PriorityFactor, priority: Priority) -> Message | None:
    if factor in candidate.factors:
        return Message("recorded on the application")
    nationality = candidate.main_applicant.nationality
    if factor is PriorityFactor.HIGH_GRANT_RATE_NATIONALITY and nationality in priority.high_grant_rate_nationalities:
        return Message("main applicant's nationality %(nationality)s has a high grant rate", nationality=nationality)
    return None
