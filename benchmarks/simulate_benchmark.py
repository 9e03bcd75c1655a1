"""Benchmark: 10,000 replications of 52 weeks of the pilot scenario, fast engine against the SimPy baseline.

Run with `.venv/bin/python benchmarks/simulate_benchmark.py`. The fast engine runs the full 10,000 replications
several times (the median is reported). The SimPy baseline's replications are independent and take the same time
each, so by default it runs a sample of them (--baseline-replications) and its time for 10,000 is the sample's time
scaled up; pass --baseline-replications 10000 to time it in full (several minutes). Both runs' means are compared
with their Monte Carlo standard errors.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from parity.simulate import load_scenario, resolve, simulate
from simpy_baseline import run_baseline

COMPARED = ("selected", "detained", "returns", "flights", "admissions", "detention_nights", "cost")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    model = next(
        (line.split(":", 1)[1].strip() for line in _cpuinfo() if line.startswith("model name")),
        cpu,
    )
    return f"{model}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}, NumPy {np.__version__}"


def _cpuinfo() -> list[str]:
    path = Path("/proc/cpuinfo")
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replications", type=int, default=10_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--runs", type=int, default=5, help="Timed runs of the fast engine (median reported).")
    parser.add_argument("--baseline-replications", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=20250806)
    args = parser.parse_args()

    scenario = load_scenario("uk-fr-2025-pilot")
    inputs = resolve(scenario, scenario.period.with_weeks(args.weeks))
    print(f"Machine: {machine()}")
    print(f"Scenario: {scenario.id}, {args.weeks} weeks from {inputs.start}, {args.replications:,} replications")

    fast_times = []
    for run in range(args.runs):
        started = time.perf_counter()
        fast = simulate(inputs, args.replications, args.seed + run)
        fast_times.append(time.perf_counter() - started)
    fast_median = statistics.median(fast_times)
    print(
        f"Fast engine: median {fast_median:.2f} s over {args.runs} runs ({', '.join(f'{t:.2f}' for t in fast_times)})"
    )

    started = time.perf_counter()
    slow = run_baseline(inputs, args.baseline_replications, args.seed)
    slow_time = time.perf_counter() - started
    slow_full = slow_time * args.replications / args.baseline_replications
    scaled = (
        ""
        if args.baseline_replications == args.replications
        else (f" (measured {slow_time:.1f} s for {args.baseline_replications:,}, scaled linearly)")
    )
    print(f"SimPy baseline: {slow_full:.1f} s for {args.replications:,} replications{scaled}")
    print(f"Speed-up: {slow_full / fast_median:.0f}x (target: at least 50x; fast engine target: under 10 s)")

    print("Agreement of means (per replication, whole run):")
    for name in COMPARED:
        a, b = fast.weekly[name].sum(axis=1), slow.weekly[name].sum(axis=1)
        error = float(np.sqrt(a.var() / a.size + b.var() / b.size))
        z = (a.mean() - b.mean()) / error if error else 0.0
        print(f"  {name:18s} fast {a.mean():14,.1f}  SimPy {b.mean():14,.1f}  difference {z:+.2f} standard errors")


if __name__ == "__main__":
    main()
