"""A proposal: which families to invite for the released places, and why, as a value a service can store.

`propose` validates the request, ranks the families, selects with the chosen method and explains the result:
each chosen family with its score broken down by factor, and the best-ranked families left out with the reason
they were left out. Approval (and who may approve) belongs to the service layer, not here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Literal

from parity.domain.messages import Message, keep
from parity.selection.model import SelectionRequest
from parity.selection.scoring import SCORE_DECIMALS, ScoreComponent, ScoredFamily, rank_families
from parity.selection.solvers import SolverReport, nationality_counts, select_greedy, select_mip
from parity.selection.validation import validate_request

Method = Literal["mip", "greedy"]
METHODS: tuple[Method, ...] = ("mip", "greedy")


class PassOverReason(StrEnum):
    NATIONALITY_LIMIT_REACHED = "nationality_limit_reached"
    DID_NOT_FIT = "did_not_fit_remaining_places"
    LOWER_SCORE = "lower_score"
    # The same score as a chosen family, ranked below it only because it was submitted later (brief §10 rule 14).
    SUBMITTED_LATER = "submitted_later"


@dataclass(frozen=True)
class ChosenFamily:
    rank: int  # position in the ranking of every candidate, 1 = highest priority
    application_id: str
    size: int
    score: float
    breakdown: tuple[ScoreComponent, ...]


@dataclass(frozen=True)
class PassedOverFamily:
    rank: int
    application_id: str
    size: int
    score: float
    breakdown: tuple[ScoreComponent, ...]
    reason: PassOverReason
    detail: Message


@dataclass(frozen=True)
class Proposal:
    inputs_hash: str
    method: Method
    as_of: date
    window_id: str | None
    places_available: int
    places_filled: int
    priority_total: float  # sum over chosen families of size x score
    candidates_considered: int
    chosen: tuple[ChosenFamily, ...]  # in ranking order
    passed_over: tuple[PassedOverFamily, ...]  # the best-ranked families not chosen, in ranking order
    not_chosen_count: int
    solver: SolverReport

    def to_dict(self) -> dict[str, Any]:
        return {
            "inputs_hash": self.inputs_hash,
            "method": self.method,
            "as_of": self.as_of.isoformat(),
            "window_id": self.window_id,
            "places_available": self.places_available,
            "places_filled": self.places_filled,
            "priority_total": self.priority_total,
            "candidates_considered": self.candidates_considered,
            "chosen": [_family_dict(family) for family in self.chosen],
            "passed_over": [
                {**_family_dict(family), "reason": family.reason.value, **keep("detail", family.detail)}
                for family in self.passed_over
            ],
            "not_chosen_count": self.not_chosen_count,
            "solver": {
                "method": self.solver.method,
                "status": self.solver.status,
                "proven_optimal": self.solver.proven_optimal,
                "gap": self.solver.gap,
                "seconds": self.solver.seconds,
                "solver": self.solver.solver,
            },
        }


def propose(
    request: SelectionRequest,
    method: Method = "mip",
    *,
    explain_next: int = 10,
    time_limit_s: float = 10.0,
) -> Proposal:
    """Choose families for `request.places` people and explain the choice.

    `explain_next` is how many of the best-ranked families left out get a reason. `time_limit_s` bounds the MIP;
    when it runs out the best selection found (never worse than greedy) is returned and the status says so.
    Raises `SelectionInputError` when the request is not valid and `ValueError` for a bad argument.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)} (got {method!r})")
    if explain_next < 0:
        raise ValueError(f"explain_next must not be negative (got {explain_next})")
    if time_limit_s < 0:
        raise ValueError(f"time_limit_s must not be negative (got {time_limit_s})")
    validate_request(request)

    ranked = rank_families(request.candidates, request.priority, request.as_of)
    limits = dict(request.priority.nationality_limits)
    if method == "mip":
        chosen, report = select_mip(ranked, request.places, limits, time_limit_s)
    else:
        chosen, report = select_greedy(ranked, request.places, limits)

    chosen_families = [ranked[index] for index in sorted(chosen)]
    not_chosen = [index for index in range(len(ranked)) if index not in chosen]
    explainer = _Explainer(ranked, chosen, request.places, limits, method)
    return Proposal(
        inputs_hash=request.inputs_hash(),
        method=method,
        as_of=request.as_of,
        window_id=request.window_id,
        places_available=request.places,
        places_filled=sum(family.size for family in chosen_families),
        priority_total=round(sum(family.priority_value for family in chosen_families), SCORE_DECIMALS),
        candidates_considered=len(ranked),
        chosen=tuple(
            ChosenFamily(index + 1, family.candidate.application_id, family.size, family.score, family.components)
            for index, family in zip(sorted(chosen), chosen_families, strict=True)
        ),
        passed_over=tuple(explainer.explain(index) for index in not_chosen[:explain_next]),
        not_chosen_count=len(not_chosen),
        solver=report,
    )


class _Explainer:
    """Why a family is not in the selection, judged against the selection as a whole.

    Both methods leave no family out that would still fit, so a family left out either takes a nationality over
    its limit or is larger than the places left. The latter is "lower score" when it ranks below every chosen
    family (the places went to better-ranked families), "submitted later" when it does so with the same score as a
    chosen family (the queue's order, or the application id for families submitted at the same instant, put it
    below), and "did not fit" when it outranks one of them.
    """

    def __init__(
        self,
        ranked: tuple[ScoredFamily, ...],
        chosen: frozenset[int],
        places: int,
        limits: dict[str, int],
        method: Method,
    ) -> None:
        self.ranked = ranked
        self.method = method
        self.chosen = chosen
        self.places = places
        self.limits = limits
        self.places_left = places - sum(ranked[index].size for index in chosen)
        self.used_by_nationality: Counter[str] = Counter()
        for index in chosen:
            self.used_by_nationality.update(nationality_counts(ranked[index].candidate, limits))

    def explain(self, index: int) -> PassedOverFamily:
        family = self.ranked[index]
        reason, detail = self._reason(index, family)
        return PassedOverFamily(
            index + 1, family.candidate.application_id, family.size, family.score, family.components, reason, detail
        )

    def _reason(self, index: int, family: ScoredFamily) -> tuple[PassOverReason, Message]:
        for nationality, count in sorted(nationality_counts(family.candidate, self.limits).items()):
            would_be = self.used_by_nationality[nationality] + count
            if would_be > self.limits[nationality]:
                return PassOverReason.NATIONALITY_LIMIT_REACHED, Message(
                    "its %(count)s %(nationality)s member(s) would make %(would_be)s %(nationality)s people this "
                    "round, over the limit of %(limit)s",
                    count=count,
                    nationality=nationality,
                    would_be=would_be,
                    limit=self.limits[nationality],
                )
        if family.size > self.places:
            return PassOverReason.DID_NOT_FIT, Message(
                "a family of %(size)s is larger than the %(places)s places", size=family.size, places=self.places
            )
        outranked = sum(1 for chosen in self.chosen if chosen > index)
        if outranked == 0 and self.chosen:
            if any(self.ranked[chosen].score == family.score for chosen in self.chosen):
                return PassOverReason.SUBMITTED_LATER, Message(
                    "the same score as a chosen family, submitted later (first come, first served); "
                    "%(left)s place(s) left, too few for %(size)s",
                    left=self.places_left,
                    size=family.size,
                )
            return PassOverReason.LOWER_SCORE, Message(
                "ranked below every chosen family; %(left)s place(s) left, too few for %(size)s",
                left=self.places_left,
                size=family.size,
            )
        why = (
            Message("every selection including it fills fewer places or has less total priority")
            if self.method == "mip"
            else Message("too few places were left when its turn came")
        )
        return PassOverReason.DID_NOT_FIT, Message(
            "ranked above %(outranked)s chosen family(ies), but a family of %(size)s does not fit: %(why)s",
            outranked=outranked,
            size=family.size,
            why=why,
        )


def _family_dict(family: ChosenFamily | PassedOverFamily) -> dict[str, Any]:
    return {
        "rank": family.rank,
        "application_id": family.application_id,
        "size": family.size,
        "score": family.score,
        "breakdown": [
            {"factor": component.factor.value, "points": component.points, **keep("reason", component.reason)}
            for component in family.breakdown
        ],
    }
