"""The fast engine: real arrivals in, conservation and the scheme's caps respected, the same seed the same result."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest

from parity.simulate import EngineInputs, load_scenario, resolve, simulate
from parity.simulate.arrivals import home_office_daily
from parity.simulate.scenario import Arrivals, Behaviour, Period


@pytest.fixture(scope="module")
def pilot_inputs() -> EngineInputs:
    scenario = load_scenario("uk-fr-2025-pilot")
    return resolve(scenario, scenario.period.with_weeks(20))


def test_replaying_2025_gives_the_published_total() -> None:
    year = home_office_daily().window(date(2025, 1, 1), date(2025, 12, 31))
    assert int(year.people.sum()) == 41_472


def test_replayed_arrivals_are_the_real_ones_in_every_replication(pilot_inputs: EngineInputs) -> None:
    result = simulate(pilot_inputs, replications=5, seed=1)
    real = home_office_daily().window(pilot_inputs.start, date(2025, 12, 23)).people.sum()
    assert np.all(result.weekly["arrivals"].sum(axis=1) == real)


def test_the_same_seed_gives_the_same_result_and_another_seed_does_not(pilot_inputs: EngineInputs) -> None:
    first, again = simulate(pilot_inputs, 50, seed=7), simulate(pilot_inputs, 50, seed=7)
    other = simulate(pilot_inputs, 50, seed=8)
    assert all(np.array_equal(first.weekly[name], again.weekly[name]) for name in first.weekly)
    assert not np.array_equal(first.weekly["returns"], other.weekly["returns"])


def test_a_shorter_run_is_the_start_of_a_longer_one() -> None:
    scenario = load_scenario("uk-fr-2025-pilot")
    short = simulate(resolve(scenario, scenario.period.with_weeks(8)), 30, seed=3)
    long = simulate(resolve(scenario, scenario.period.with_weeks(12)), 30, seed=3)
    assert np.array_equal(short.weekly["returns"], long.weekly["returns"][:, :8])


def test_people_flow_conserves_and_caps_hold(pilot_inputs: EngineInputs) -> None:
    result = simulate(pilot_inputs, 200, seed=2)
    weekly, total = result.weekly, {name: values.sum(axis=1) for name, values in result.weekly.items()}
    assert np.all(total["returns"] <= total["detained"])
    assert np.all(total["detained"] <= total["selected"])
    assert np.all(total["selected"] <= total["arrivals"])
    exits = sum(total[name] for name in ("returns", "refused_by_france", "legal_blocked", "nrm_blocked", "absconded"))
    assert np.all(exits + total["request_deadline_misses"] <= total["detained"])
    assert np.all(weekly["returns"] <= pilot_inputs.weekly_level)
    assert np.all(weekly["admissions"] <= pilot_inputs.weekly_level)
    assert np.all(weekly["detention_peak"] <= pilot_inputs.detention_places)
    parity_limit = result.cumulative("returns") * pilot_inputs.admissions_per_return + pilot_inputs.tolerance
    assert np.all(result.cumulative("admissions") <= parity_limit)
    assert total["returns"].mean() > 0
    assert total["admissions"].mean() > 0


def test_no_return_before_the_first_flight_and_no_selection_after_the_scheme_ends() -> None:
    scenario = load_scenario("uk-fr-2025-pilot")
    inputs = resolve(scenario, Period(start=date(2025, 8, 6), end=date(2026, 8, 5)))
    result = simulate(inputs, 20, seed=4)
    weeks = inputs.week_starts()
    before_first_flight = [week for week, start in enumerate(weeks) if start + timedelta(days=6) < date(2025, 9, 18)]
    assert result.weekly["returns"][:, before_first_flight].sum() == 0
    after_end = [week for week, start in enumerate(weeks) if start > date(2026, 6, 11)]
    assert result.weekly["selected"][:, after_end].sum() == 0


def test_a_tight_referral_desk_misses_the_14_day_deadline(pilot_inputs: EngineInputs) -> None:
    starved = replace(pilot_inputs, referrals_per_day=1, detention_places=10_000)
    result = simulate(starved, 20, seed=5)
    assert result.weekly["request_deadline_misses"].sum(axis=1).min() > 0
    assert result.weekly["referrals"].max() <= 7


def test_the_behavioural_response_only_acts_when_enabled(pilot_inputs: EngineInputs) -> None:
    from dataclasses import replace

    deterred = replace(pilot_inputs, behaviour=Behaviour(enabled=True, elasticity=50.0, window_days=28))
    off = simulate(pilot_inputs, 50, seed=6)
    on = simulate(deterred, 50, seed=6)
    assert on.weekly["arrivals"].sum(axis=1).mean() < off.weekly["arrivals"].sum(axis=1).mean()
    assert on.assumptions
    assert "elasticity" not in "".join(off.assumptions)
    assert "exp(-50" in on.assumptions[0]


def test_stochastic_arrivals_resemble_the_year_they_were_fitted_on() -> None:
    scenario = load_scenario("uk-fr-2025-pilot")
    model = scenario.model_copy(
        update={"arrivals": Arrivals(mode="model", fit_start=date(2025, 1, 1), fit_end=date(2025, 12, 31))}
    )
    inputs = resolve(model, Period(start=date(2025, 1, 1), end=date(2025, 12, 31)))
    totals = simulate(inputs, 200, seed=9).weekly["arrivals"].sum(axis=1)
    assert abs(totals.mean() - 41_472) < 0.1 * 41_472
    assert totals.std() > 0
