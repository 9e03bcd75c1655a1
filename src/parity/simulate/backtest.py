"""Backtest: the pilot scenario on the real arrivals from 6 August 2025 against the figures reported up to
November 2025 (`parity/data/uk_france_scheme_reported.csv`).

Some parameters were set from some of the reported rows; those rows cannot test the model. `FITTED` says which
parameter came from which row, and the error is given separately for the rows held out.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from importlib import resources

import numpy as np

from parity.simulate.engine import simulate
from parity.simulate.inputs import resolve
from parity.simulate.scenario import Period, Scenario, load_scenario
from parity.simulate.summary import Band, band

REPORTED_FILE = "uk_france_scheme_reported.csv"
PILOT_SCENARIO = "uk-fr-2025-pilot"

# Parameter of the pilot scenario -> the reported rows (by as-of date) it was set from.
FITTED: dict[str, tuple[date, ...]] = {
    "operations.first_flight": (date(2025, 9, 18),),
    "operations.flight_seats": (date(2025, 11, 15),),
    "operations.flight_cancellation_rate": (date(2025, 11, 15),),
    "admissions.first_admission": (date(2025, 9, 24),),
    "admissions.verifications_per_week": (date(2025, 11, 15),),
    "admissions.verification_days": (date(2025, 9, 24),),
}


@dataclass(frozen=True)
class ReportedFigure:
    as_of: date
    precision: str
    returns: int
    admissions: int


@dataclass(frozen=True)
class BacktestRow:
    reported: ReportedFigure
    returns: Band
    admissions: Band

    @property
    def fitted_on(self) -> bool:
        return any(self.reported.as_of in rows for rows in FITTED.values())

    @property
    def returns_error(self) -> float:
        return float(self.returns.mean) - self.reported.returns

    @property
    def admissions_error(self) -> float:
        return float(self.admissions.mean) - self.reported.admissions


@dataclass(frozen=True)
class BacktestResult:
    scenario: Scenario
    replications: int
    seed: int
    rows: list[BacktestRow]

    def mean_absolute_error(self, *, held_out: bool) -> tuple[float, float]:
        """(returns, admissions) mean absolute error over the held-out rows, or over the fitted rows."""
        rows = [row for row in self.rows if row.fitted_on != held_out]
        returns = float(np.mean([abs(row.returns_error) for row in rows]))
        admissions = float(np.mean([abs(row.admissions_error) for row in rows]))
        return returns, admissions


def reported_figures() -> list[ReportedFigure]:
    text = resources.files("parity.data").joinpath(REPORTED_FILE).read_text(encoding="utf-8")
    return [
        ReportedFigure(
            as_of=date.fromisoformat(row["as_of_date"]),
            precision=row["date_precision"],
            returns=int(row["returned_to_france_cumulative"]),
            admissions=int(row["admitted_to_uk_cumulative"]),
        )
        for row in csv.DictReader(text.splitlines())
    ]


def run_backtest(replications: int, seed: int, scenario: Scenario | None = None) -> BacktestResult:
    """Simulate from the pilot's start to each reported date and compare cumulative totals."""
    scenario = scenario or load_scenario(PILOT_SCENARIO)
    rows = []
    for figure in reported_figures():
        # The same seed makes each shorter run the start of the longer ones, so the rows are one set of runs.
        inputs = resolve(scenario, Period(start=scenario.period.start, end=figure.as_of))
        trajectories = simulate(inputs, replications, seed)
        rows.append(
            BacktestRow(
                reported=figure,
                returns=band(trajectories.weekly["returns"].sum(axis=1)),
                admissions=band(trajectories.weekly["admissions"].sum(axis=1)),
            )
        )
    return BacktestResult(scenario, replications, seed, rows)
