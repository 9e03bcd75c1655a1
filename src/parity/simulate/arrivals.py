"""Small-boat arrivals: the Home Office daily series, replayed as is or drawn from a model fitted to it.

The model has four parts, each fitted by month-of-year so seasonality comes through:
- weather: whether boats cross at all on a day is a two-state Markov chain (crossing day / pause day), so calm
  spells and storms come in runs as they do in the data;
- bursts: after a pause, more boats cross (people wait for the weather), fitted as a factor by pause length;
- day of week: a factor on the boats crossing;
- people per boat: the fit period's average, so the trend to larger boats is kept.
Boats on a crossing day are negative binomial (over-dispersed, fitted by moments); people are Poisson around
boats x people per boat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import numpy as np
from numpy.typing import NDArray

from parity.data import small_boat_days

# Pause lengths (days without a crossing just before a crossing day) grouped for the burst factor: 0, 1-2, 3+.
BURST_BUCKET_EDGES = (1, 3)

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class DailySeries:
    first_day: date
    people: IntArray
    boats: IntArray

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=len(self.people) - 1)

    def window(self, start: date, end: date) -> DailySeries:
        if start < self.first_day or end > self.last_day:
            raise ValueError(f"{start}..{end} is outside the data ({self.first_day}..{self.last_day})")
        first = (start - self.first_day).days
        stop = (end - self.first_day).days + 1
        return DailySeries(start, self.people[first:stop], self.boats[first:stop])

    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=offset) for offset in range(len(self.people))]


@cache
def home_office_daily() -> DailySeries:
    """The bundled Home Office series (one row a day, no gaps)."""
    rows = list(small_boat_days())
    first = rows[0].day
    for offset, row in enumerate(rows):
        if row.day != first + timedelta(days=offset):
            raise ValueError(f"the Home Office daily series has a gap or is out of order at {row.day}")
    people = np.array([row.people for row in rows], dtype=np.int64)
    boats = np.array([row.boats for row in rows], dtype=np.int64)
    return DailySeries(first, people, boats)


def data_range() -> tuple[date, date]:
    series = home_office_daily()
    return series.first_day, series.last_day


@dataclass(frozen=True)
class ArrivalModel:
    """Parameters fitted to a stretch of the daily series; see the module docstring."""

    crossing_after_crossing: FloatArray  # by month (0 = January): P(boats cross | boats crossed yesterday)
    crossing_after_pause: FloatArray  # by month: P(boats cross | no boats yesterday)
    boats_mean: FloatArray  # by month: mean boats on a crossing day
    weekday_factor: FloatArray  # by weekday (0 = Monday), mean 1 over crossing days
    burst_factor: FloatArray  # by pause bucket (0 days, 1-2, 3+)
    boats_dispersion: float  # negative binomial shape: variance = mean + mean² / shape
    people_per_boat: float

    def sample(self, start: date, days: int, replications: int, rng: np.random.Generator, level: float) -> IntArray:
        """Daily arrivals, shape (replications, days); `level` scales the number of boats."""
        people = np.empty((replications, days), dtype=np.int64)
        crossed = np.ones(replications, dtype=bool)
        pause = np.zeros(replications, dtype=np.int64)
        for offset in range(days):
            day = start + timedelta(days=offset)
            month = day.month - 1
            p_cross = np.where(crossed, self.crossing_after_crossing[month], self.crossing_after_pause[month])
            crossed = rng.random(replications) < p_cross
            mean = (
                level
                * self.boats_mean[month]
                * self.weekday_factor[day.weekday()]
                * self.burst_factor[np.digitize(pause, BURST_BUCKET_EDGES)]
            )
            shape = self.boats_dispersion
            boats = np.where(crossed, rng.negative_binomial(shape, shape / (shape + mean)), 0)
            people[:, offset] = rng.poisson(boats * self.people_per_boat)
            pause = np.where(crossed, 0, pause + 1)
        return people


def fit_arrival_model(series: DailySeries) -> ArrivalModel:
    days = series.days()
    months = np.array([day.month - 1 for day in days])
    weekdays = np.array([day.weekday() for day in days])
    boats = series.boats.astype(np.float64)
    crossed = series.boats > 0
    pause_before = _pause_lengths(crossed)

    previous, current, month_of_current = crossed[:-1], crossed[1:], months[1:]
    after_crossing = _means_by(current, previous, month_of_current, 12)
    after_pause = _means_by(current, ~previous, month_of_current, 12)

    boats_mean = _means_by(boats, crossed, months, 12)
    relative = boats / boats_mean[months]
    weekday_factor = _means_by(relative, crossed, weekdays, 7)
    weekday_factor /= weekday_factor.mean()
    relative = relative / weekday_factor[weekdays]
    buckets = np.digitize(pause_before, BURST_BUCKET_EDGES)
    burst_factor = _means_by(relative, crossed, buckets, 3)

    expected = boats_mean[months] * weekday_factor[weekdays] * burst_factor[buckets]
    residual = (boats - expected)[crossed]
    excess_variance = float(np.mean(residual**2) - np.mean(expected[crossed]))
    dispersion = float(np.mean(expected[crossed] ** 2)) / max(excess_variance, 1e-9)

    return ArrivalModel(
        crossing_after_crossing=after_crossing,
        crossing_after_pause=after_pause,
        boats_mean=boats_mean,
        weekday_factor=weekday_factor,
        burst_factor=burst_factor,
        boats_dispersion=dispersion,
        people_per_boat=float(series.people.sum() / series.boats.sum()),
    )


def _means_by(values: NDArray[np.generic], mask: NDArray[np.bool_], groups: IntArray, count: int) -> FloatArray:
    """Mean of `values[mask]` in each group 0..count-1; a group with no data gets the overall mean."""
    selected = values[mask].astype(np.float64)
    overall = float(selected.mean()) if selected.size else 0.0
    means = [values[mask & (groups == group)].astype(np.float64) for group in range(count)]
    return np.array([float(group.mean()) if group.size else overall for group in means])


def _pause_lengths(crossed: NDArray[np.bool_]) -> IntArray:
    """For each day, how many days without a crossing came straight before it."""
    lengths = np.zeros(len(crossed), dtype=np.int64)
    run = 0
    for index, did_cross in enumerate(crossed):
        lengths[index] = run
        run = 0 if did_cross else run + 1
    return lengths
