"""Choosing families for the places: an exact mixed-integer program (HiGHS) and a greedy method to compare with.

Both see families already ranked (`parity.selection.scoring`) and return positions in that ranking. A family is
one binary choice, so it is never split; its size counts against the places and each member counts against
the limit for their nationality.

The objective is lexicographic:

1. fill as many of the released places as the rules allow: the ledger releases places to keep admissions level
   with returns (brief §10 rule 21), so a place left empty while a family that fits waits is parity lost;
2. among the selections that fill that many, maximise the total priority, each place valued at its family's score
   (sum of size x score).

The MIP solves the two stages in turn with HiGHS, fixing the fill found in stage 1 as a lower bound in stage 2.
Stage 1 is skipped when the greedy selection already fills every place, since nothing can fill more.

The greedy method walks the ranking and takes every family that still fits. Because each place is valued at its
family's score, the score is already the value per place, so this is the usual value-density greedy for a
knapsack. It can leave places empty or pass over a better combination; it is kept as the baseline the MIP must
beat and as an explanation anyone can follow by hand.

Both are deterministic: the model is built in ranking order and HiGHS runs with a fixed seed. The MIP keeps the
greedy selection whenever the solver's answer is not better, so it is never worse than greedy, even when stopped by
the time limit.
"""

from __future__ import annotations

import functools
import math
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version

import highspy
import numpy as np
import numpy.typing as npt

from parity.selection.model import Candidate
from parity.selection.scoring import ScoredFamily

SOLVER_SEED = 0
# Proves the priority optimum to within a millionth; the default 1e-4 could leave a better selection unfound.
MIP_RELATIVE_GAP = 1e-6
OPTIMAL = "Optimal"
SOLVER_NAME = f"HiGHS {version('highspy')}"
_BANNER_LOCK = threading.Lock()


@dataclass(frozen=True)
class SolverReport:
    """How the selection was found. `seconds` is wall time and is the one value that varies between runs."""

    method: str
    status: str
    proven_optimal: bool
    gap: float | None
    seconds: float
    solver: str


def nationality_counts(candidate: Candidate, limits: dict[str, int]) -> Counter[str]:
    """Members of each limited nationality in the family; unlimited nationalities are left out."""
    return Counter(member.nationality for member in candidate.members if member.nationality in limits)


def complete_greedily(
    ranked: tuple[ScoredFamily, ...],
    places: int,
    limits: dict[str, int],
    chosen: frozenset[int] = frozenset(),
) -> frozenset[int]:
    """Add to `chosen`, best-ranked first, every family that still fits the places and nationality limits left."""
    used_places = sum(ranked[index].size for index in chosen)
    used_by_nationality: Counter[str] = Counter()
    for index in chosen:
        used_by_nationality.update(nationality_counts(ranked[index].candidate, limits))
    selection = set(chosen)
    for index, family in enumerate(ranked):
        if index in selection or used_places + family.size > places:
            continue
        counts = nationality_counts(family.candidate, limits)
        if all(
            used_by_nationality[nationality] + count <= limits[nationality] for nationality, count in counts.items()
        ):
            selection.add(index)
            used_places += family.size
            used_by_nationality.update(counts)
    return frozenset(selection)


def select_greedy(
    ranked: tuple[ScoredFamily, ...], places: int, limits: dict[str, int]
) -> tuple[frozenset[int], SolverReport]:
    started = time.perf_counter()
    chosen = complete_greedily(ranked, places, limits)
    seconds = time.perf_counter() - started
    report = SolverReport("greedy", "Heuristic", proven_optimal=False, gap=None, seconds=seconds, solver="greedy")
    return chosen, report


def select_mip(
    ranked: tuple[ScoredFamily, ...], places: int, limits: dict[str, int], time_limit_s: float
) -> tuple[frozenset[int], SolverReport]:
    started = time.perf_counter()
    greedy = complete_greedily(ranked, places, limits)
    # Families that cannot be chosen even alone stay out of the model; they would only slow the solver.
    columns = [index for index, family in enumerate(ranked) if _fits_alone(family, places, limits)]
    greedy_fill = sum(ranked[index].size for index in greedy)
    if not columns:
        seconds = time.perf_counter() - started
        return greedy, SolverReport("mip", OPTIMAL, proven_optimal=True, gap=0.0, seconds=seconds, solver=SOLVER_NAME)

    model = _KnapsackModel(ranked, columns, places, limits, time_limit_s)
    fill_status = OPTIMAL
    if greedy_fill == places:
        best_fill, incumbent = places, greedy
    else:
        fill_status, fill_solution = model.maximise(model.sizes, incumbent=greedy)
        best_fill = sum(ranked[index].size for index in fill_solution)
        incumbent = greedy if greedy_fill == best_fill else fill_solution
    model.require_fill(best_fill)
    model.set_time_limit(max(time_limit_s - (time.perf_counter() - started), 0.0))
    priority_status, solution = model.maximise(model.values, incumbent=incumbent)
    # Completing matters only if the time limit stopped the solver: an optimal selection has no room left.
    chosen = complete_greedily(ranked, places, limits, solution)

    proven = fill_status == OPTIMAL and priority_status == OPTIMAL
    status = OPTIMAL if proven else (priority_status if fill_status == OPTIMAL else f"fill stage: {fill_status}")
    seconds = time.perf_counter() - started
    return chosen, SolverReport(
        "mip", status, proven_optimal=proven, gap=model.gap(), seconds=seconds, solver=SOLVER_NAME
    )


def _quiet_highs() -> highspy.Highs:
    """A HiGHS instance that writes nothing to standard output.

    highspy prints a banner ("Running HiGHS ...") from C++ straight to file descriptor 1 the first time an
    instance is made in a process, before any option can be set on it, so `output_flag` alone cannot stop it and
    it would open the CLI's output. HiGHS writes it only once per process, so the first instance is made with
    descriptor 1 pointed at /dev/null; after that, turning `output_flag` off on each instance is enough.
    """
    with _BANNER_LOCK:  # one thread at a time moves descriptor 1, so it is always put back as it was
        _absorb_banner()
    highs = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy leaves __init__ unannotated
    highs.silent()  # output_flag off: no log at all, on the console or elsewhere
    return highs


@functools.cache
def _absorb_banner() -> None:
    with _stdout_discarded():
        highspy.Highs()  # type: ignore[no-untyped-call]


@contextmanager
def _stdout_discarded() -> Iterator[None]:
    """Point file descriptor 1 (what C code writes to) at /dev/null for the duration of the block."""
    sys.stdout.flush()
    saved = os.dup(1)
    discard = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(discard, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(discard)


def _fits_alone(family: ScoredFamily, places: int, limits: dict[str, int]) -> bool:
    counts = nationality_counts(family.candidate, limits)
    return family.size <= places and all(count <= limits[nationality] for nationality, count in counts.items())


class _KnapsackModel:
    """Binary x per family; row 0: places filled within [fill floor, places]; one row per limited nationality."""

    def __init__(
        self,
        ranked: tuple[ScoredFamily, ...],
        columns: list[int],
        places: int,
        limits: dict[str, int],
        time_limit_s: float,
    ) -> None:
        self.columns = columns
        self.places = places
        families = [ranked[index] for index in columns]
        self.sizes: npt.NDArray[np.float64] = np.array([family.size for family in families], dtype=np.float64)
        self.values: npt.NDArray[np.float64] = np.array([family.priority_value for family in families])
        nationality_rows = {nationality: row for row, nationality in enumerate(sorted(limits), start=1)}

        starts: list[int] = []
        rows: list[int] = []
        coefficients: list[float] = []
        for family in families:
            starts.append(len(rows))
            rows.append(0)
            coefficients.append(float(family.size))
            for nationality, count in sorted(nationality_counts(family.candidate, limits).items()):
                rows.append(nationality_rows[nationality])
                coefficients.append(float(count))
        starts.append(len(rows))

        lp = highspy.HighsLp()
        lp.num_col_ = len(families)
        lp.num_row_ = 1 + len(nationality_rows)
        lp.col_cost_ = self.values
        lp.col_lower_ = np.zeros(len(families))
        lp.col_upper_ = np.ones(len(families))
        lp.row_lower_ = np.zeros(lp.num_row_)
        lp.row_upper_ = np.array([places, *(limits[nationality] for nationality in nationality_rows)], dtype=float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(rows, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(coefficients)
        lp.integrality_ = [highspy.HighsVarType.kInteger] * len(families)
        lp.sense_ = highspy.ObjSense.kMaximize

        self.highs = _quiet_highs()
        self.highs.setOptionValue("random_seed", SOLVER_SEED)
        self.highs.setOptionValue("mip_rel_gap", MIP_RELATIVE_GAP)
        self.set_time_limit(time_limit_s)
        self.highs.passModel(lp)

    def set_time_limit(self, seconds: float) -> None:
        self.highs.setOptionValue("time_limit", seconds)

    def require_fill(self, people: int) -> None:
        self.highs.changeRowBounds(0, float(people), float(self.places))

    def maximise(self, costs: npt.NDArray[np.float64], incumbent: frozenset[int]) -> tuple[str, frozenset[int]]:
        """Solve with these objective coefficients; return HiGHS's status and the chosen ranking positions."""
        indices = np.arange(len(self.columns), dtype=np.int32)
        self.highs.changeColsCost(len(self.columns), indices, costs)
        # No setSolution warm start: with one, HiGHS 1.16 can report the optimum's objective yet hand back the
        # starting values as the solution (found by the brute-force property test). The incumbent is kept instead
        # when the solver's answer is not better, so the MIP is still never worse than greedy.
        self.highs.run()
        status = self.highs.modelStatusToString(self.highs.getModelStatus())
        values = self.highs.getSolution().col_value
        chosen = frozenset(index for index, value in zip(self.columns, values, strict=True) if value > 0.5)
        return status, chosen if self._total(costs, chosen) >= self._total(costs, incumbent) else incumbent

    def _total(self, costs: npt.NDArray[np.float64], chosen: frozenset[int]) -> float:
        return float(sum(cost for index, cost in zip(self.columns, costs, strict=True) if index in chosen))

    def gap(self) -> float | None:
        """Relative gap to the best bound; None when HiGHS has no finite bound (stopped before it had one)."""
        gap = float(self.highs.getInfo().mip_gap)
        return gap if math.isfinite(gap) else None
