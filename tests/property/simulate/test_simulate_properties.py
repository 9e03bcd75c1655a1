"""Whatever the operating parameters, the engine never creates or loses people and never breaks the scheme's caps."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from parity.simulate import load_scenario, resolve, simulate
from parity.simulate.inputs import EngineInputs

BASE = resolve(load_scenario("uk-fr-2025-pilot"), load_scenario("uk-fr-2025-pilot").period.with_weeks(12))
probability = st.floats(0, 1)


@st.composite
def engine_inputs(draw: st.DrawFn) -> EngineInputs:
    return replace(
        BASE,
        selection_probability=draw(probability),
        detention_places=draw(st.integers(0, 400)),
        referrals_per_day=draw(st.integers(0, 40)),
        france_refusal_rate=draw(probability),
        reply_extended_share=draw(probability),
        legal_challenge_rate=draw(probability),
        legal_success_rate=draw(probability),
        nrm_rate=draw(probability),
        nrm_positive_rate=draw(probability),
        abscond_rate=draw(probability),
        flight_seats=draw(st.integers(0, 100)),
        flight_cancellation_rate=draw(probability),
        recross_rate=draw(probability),
        recross_days=draw(st.integers(1, 20)),
        weekly_level=draw(st.integers(1, 300)),
        tolerance=draw(st.integers(0, 50)),
        verifications_per_day=draw(st.floats(0, 30)),
        verification_refusal_rate=draw(probability),
    )


@settings(max_examples=40, deadline=None)
@given(inputs=engine_inputs(), seed=st.integers(0, 2**32 - 1))
def test_conservation_and_caps_hold_for_any_parameters(inputs: EngineInputs, seed: int) -> None:
    result = simulate(inputs, replications=8, seed=seed)
    total = {name: values.sum(axis=1) for name, values in result.weekly.items()}
    left = sum(
        total[name]
        for name in (
            "returns",
            "refused_by_france",
            "legal_blocked",
            "nrm_blocked",
            "absconded",
            "request_deadline_misses",
        )
    )
    assert np.all(left <= total["detained"])
    assert np.all(total["detained"] + total["turned_away"] == total["selected"])
    assert np.all(total["selected"] <= total["arrivals"])
    assert np.all(result.weekly["returns"] <= inputs.weekly_level)
    assert np.all(result.weekly["admissions"] <= inputs.weekly_level)
    assert np.all(result.weekly["detention_peak"] <= inputs.detention_places)
    assert np.all(result.weekly["flights"] <= 7)
    assert np.all(result.weekly["returns"] <= result.weekly["flights"] * inputs.flight_seats)
    for name in ("returns", "admissions", "arrivals"):
        assert np.all(np.diff(result.cumulative(name), axis=1) >= 0)
    parity_limit = np.floor(result.cumulative("returns") * inputs.admissions_per_return) + inputs.tolerance
    assert np.all(result.cumulative("admissions") <= parity_limit)
