"""The weekly return capacity every output names: the weekly level or the week's flight seats, whichever is lower."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from parity.simulate import EngineInputs, load_scenario, resolve, simulate
from parity.simulate.inputs import FLIGHT_SEATS, WEEKLY_LEVEL, ReturnCapacity, return_capacity
from parity.simulate.scenario import Period


@pytest.fixture(scope="module")
def pilot_inputs() -> EngineInputs:
    scenario = load_scenario("uk-fr-2025-pilot")
    return resolve(scenario, scenario.period.with_weeks(16))


def test_the_pilots_two_flights_of_nine_seats_bind_below_its_weekly_level_of_50(pilot_inputs: EngineInputs) -> None:
    capacity = return_capacity(pilot_inputs)
    assert capacity == ReturnCapacity(weekly_level=50, flights_per_week=2, flight_seats=9, flight_cancellation_rate=0.2)
    assert (capacity.seats_per_week, capacity.per_week, capacity.binding) == (18, 18, FLIGHT_SEATS)


def test_at_200_a_week_five_flights_of_45_seats_leave_the_weekly_level_binding() -> None:
    capacity = return_capacity(resolve(load_scenario("uk-fr-scale-200")))
    assert (capacity.weekly_level, capacity.flights_per_week, capacity.flight_seats) == (200, 5, 45)
    assert (capacity.seats_per_week, capacity.per_week, capacity.binding) == (225, 200, WEEKLY_LEVEL)


def test_a_level_equal_to_the_seats_is_named_as_the_binding_limit(pilot_inputs: EngineInputs) -> None:
    capacity = return_capacity(replace(pilot_inputs, weekly_level=18))
    assert (capacity.per_week, capacity.binding) == (18, WEEKLY_LEVEL)


def test_a_period_ending_before_the_first_flight_has_no_capacity() -> None:
    scenario = load_scenario("uk-fr-2025-pilot")  # first flight 18 September 2025
    capacity = return_capacity(resolve(scenario, Period(start=date(2025, 8, 6), end=date(2025, 9, 17))))
    assert (capacity.flights_per_week, capacity.per_week, capacity.binding) == (0, 0, FLIGHT_SEATS)


@pytest.mark.parametrize("weekly_level", [50, 10])
def test_the_capacity_is_the_most_the_engine_returns_in_a_week(pilot_inputs: EngineInputs, weekly_level: int) -> None:
    # Everyone selected, no place or caseworker short and no flight cancelled: people wait for seats, so the
    # capacity is reached, and never passed.
    crowded = replace(
        pilot_inputs,
        weekly_level=weekly_level,
        selection_probability=1.0,
        detention_places=100_000,
        referrals_per_day=100_000,
        flight_cancellation_rate=0.0,
    )
    returns = simulate(crowded, replications=5, seed=11).weekly["returns"]
    assert returns.max() == return_capacity(crowded).per_week
    assert np.all(returns[:, -4:] == return_capacity(crowded).per_week)
