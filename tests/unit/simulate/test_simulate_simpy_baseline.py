"""The fast engine agrees with the plain SimPy model (benchmarks/simpy_baseline.py) within Monte Carlo error."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from parity.simulate import load_scenario, resolve, simulate

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from simpy_baseline import run_baseline

COMPARED = (
    "selected",
    "detained",
    "referrals",
    "late_replies",
    "refused_by_france",
    "legal_blocked",
    "returns",
    "flights",
    "verified_families",
    "admissions",
    "detention_nights",
    "cost",
)


def test_engine_and_simpy_baseline_agree_within_monte_carlo_error() -> None:
    scenario = load_scenario("uk-fr-2025-pilot")
    inputs = resolve(scenario, scenario.period.with_weeks(16))
    fast = simulate(inputs, 2000, seed=11)
    slow = run_baseline(inputs, 150, seed=11)
    for name in COMPARED:
        a, b = fast.weekly[name].sum(axis=1), slow.weekly[name].sum(axis=1)
        standard_error = np.sqrt(a.var() / a.size + b.var() / b.size)
        # Twelve comparisons: |z| < 4 fails by chance about once in 1,300 runs.
        assert abs(a.mean() - b.mean()) < 4 * standard_error + 1e-9, (name, a.mean(), b.mean(), standard_error)
    assert fast.weekly["returns"].sum(axis=1).mean() > 50


def test_the_baseline_refuses_what_it_does_not_model() -> None:
    from dataclasses import replace

    from parity.simulate.scenario import Behaviour

    inputs = resolve(load_scenario("uk-fr-2025-pilot"))
    with pytest.raises(ValueError, match="behavioural response"):
        run_baseline(replace(inputs, behaviour=Behaviour(enabled=True, elasticity=1.0)), 1, seed=1)
