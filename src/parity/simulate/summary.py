"""From replications to answers: means and 90% intervals, weekly and for the whole run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from parity.simulate.arrivals import FloatArray
from parity.simulate.engine import Trajectories

LOWER, UPPER = 5, 95  # a 90% interval across replications
CASEWORKER_HOURS_PER_WEEK = 37.5  # a full-time civil-service week

WEEKLY_CSV_COLUMNS = ("arrivals", "returns", "admissions", "cumulative_returns", "cumulative_admissions")
WEEKLY_DETAIL_COLUMNS = ("balance", "detention_occupancy", "deadline_misses", "turned_away", "flights")


@dataclass(frozen=True)
class Band:
    mean: FloatArray
    p05: FloatArray
    p95: FloatArray


def band(per_replication: FloatArray) -> Band:
    """Mean and 90% interval over the first axis (replications)."""
    # The empirical quantile (no interpolation), so that infinite values such as "no return yet" stay infinite.
    low, high = np.percentile(per_replication, [LOWER, UPPER], axis=0, method="inverted_cdf")
    return Band(np.mean(per_replication, axis=0), np.asarray(low), np.asarray(high))


def weekly_series(trajectories: Trajectories, name: str) -> FloatArray:
    """A weekly series by name, including those derived from the engine's counts; shape (replications, weeks)."""
    weekly = trajectories.weekly
    if name.startswith("cumulative_"):
        return trajectories.cumulative(name.removeprefix("cumulative_"))
    if name == "balance":
        return trajectories.cumulative("returns") - trajectories.cumulative("admissions")
    if name == "deadline_misses":
        return weekly["request_deadline_misses"] + weekly["late_replies"]
    return weekly[name]


def weekly_bands(trajectories: Trajectories, names: tuple[str, ...]) -> dict[str, Band]:
    return {name: band(weekly_series(trajectories, name)) for name in names}


@dataclass(frozen=True)
class Metric:
    label: str
    value: Band  # of scalars
    render: Callable[[float], str]


def _count(value: float) -> str:
    return f"{value:,.0f}"


def _one_in(value: float) -> str:
    return "none returned" if not np.isfinite(value) else f"1 in {value:,.0f}"


def _pounds(value: float) -> str:
    return "n/a" if not np.isfinite(value) else f"£{value:,.0f}"


def _decimal(value: float) -> str:
    return f"{value:,.1f}"


def summary_metrics(trajectories: Trajectories, tolerance: int, admissions_per_return: float) -> list[Metric]:
    """The whole-run answers, one scalar per replication, summarised as a band."""
    totals = {name: values.sum(axis=1) for name, values in trajectories.weekly.items()}
    weeks = trajectories.days_in_week.sum() / 7
    with np.errstate(divide="ignore", invalid="ignore"):
        one_in = np.where(totals["returns"] > 0, totals["arrivals"] / totals["returns"], np.inf)
        cost_per_return = np.where(totals["returns"] > 0, totals["cost"] / totals["returns"], np.inf)
    gap = trajectories.cumulative("returns") * admissions_per_return - trajectories.cumulative("admissions")
    rows: list[tuple[str, FloatArray, Callable[[float], str]]] = [
        ("Arrivals", totals["arrivals"], _count),
        ("Returns to France", totals["returns"], _count),
        ("Admissions to the UK", totals["admissions"], _count),
        ("Share of arrivals returned", one_in, _one_in),
        ("Balance at the end (returns - admissions)", totals["returns"] - totals["admissions"], _count),
        (f"Weeks out of balance (gap > {tolerance})", (np.abs(gap) > tolerance).sum(axis=1), _count),
        ("Returns per week", totals["returns"] / weeks, _decimal),
        ("Flights per week", totals["flights"] / weeks, _decimal),
        ("Detention occupancy, weekly mean", trajectories.weekly["detention_occupancy"].mean(axis=1), _count),
        ("Detention occupancy, peak", trajectories.weekly["detention_peak"].max(axis=1), _count),
        ("Selected but no detention place", totals["turned_away"], _count),
        ("Request deadline missed (14 days)", totals["request_deadline_misses"], _count),
        ("French replies after the deadline", totals["late_replies"], _count),
        ("Caseworkers needed (full-time)", totals["caseworker_hours"] / weeks / CASEWORKER_HOURS_PER_WEEK, _decimal),
        ("Cost, total", totals["cost"], _pounds),
        ("Cost per return", cost_per_return, _pounds),
    ]
    return [Metric(label, band(values.astype(np.float64)), render) for label, values, render in rows]
