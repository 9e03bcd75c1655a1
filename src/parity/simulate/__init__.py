"""The scenario simulator: does the scheme deter crossings, what does it take, and where does it break?

Scenario files (``bundled/*.toml``) are validated, resolved into day-by-day `EngineInputs`, and run by a vectorised
engine over many replications; `summary` turns the replications into means and 90% intervals, `outputs` writes them,
and `backtest` compares the pilot with the figures reported up to November 2025.
"""

from parity.simulate.backtest import BacktestResult, run_backtest
from parity.simulate.engine import Trajectories, simulate
from parity.simulate.errors import ScenarioError
from parity.simulate.inputs import EngineInputs, resolve
from parity.simulate.scenario import Scenario, bundled_scenario_ids, load_scenario, parse_scenario
from parity.simulate.summary import summary_metrics

__all__ = [
    "BacktestResult",
    "EngineInputs",
    "Scenario",
    "ScenarioError",
    "Trajectories",
    "bundled_scenario_ids",
    "load_scenario",
    "parse_scenario",
    "resolve",
    "run_backtest",
    "simulate",
    "summary_metrics",
]
