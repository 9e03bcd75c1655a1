"""What a simulation leaves behind: the summary table, `weekly.csv`, `weekly_detail.csv`, `summary.json` and
charts (PNG and SVG). Every output names the scenario's weekly level and return capacity, and states any assumption
it depends on (the behavioural response). A run's files replace an earlier run's all together or not at all."""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import matplotlib as mpl
import numpy as np
from numpy.typing import NDArray

mpl.use("Agg")  # files only, never a window: this runs on servers and in CI

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from rich.console import Console
from rich.table import Table

from parity.simulate.engine import Trajectories
from parity.simulate.inputs import ReturnCapacity
from parity.simulate.summary import (
    WEEKLY_CSV_COLUMNS,
    WEEKLY_DETAIL_COLUMNS,
    Band,
    Metric,
    weekly_bands,
)

CHART_NAME = "simulation"
WEEKLY_FILE = "weekly.csv"
WEEKLY_DETAIL_FILE = "weekly_detail.csv"
SUMMARY_FILE = "summary.json"
CHART_FILES = (f"{CHART_NAME}.png", f"{CHART_NAME}.svg")
ASSUMPTIONS_SUFFIX = ".assumptions.txt"
# Every file a run may write. One a run does not write is an earlier run's: removed, so it is not read as this one's.
RUN_FILES = (
    WEEKLY_FILE,
    WEEKLY_DETAIL_FILE,
    *(Path(name).with_suffix(ASSUMPTIONS_SUFFIX).name for name in (WEEKLY_FILE, WEEKLY_DETAIL_FILE)),
    SUMMARY_FILE,
    *CHART_FILES,
)
STAGING_PREFIX = ".parity-simulate-"


@dataclass(frozen=True)
class RunLabel:
    """Who ran what under which settings, printed on every output so a chart or file can be traced back to its run."""

    scenario_id: str
    scheme_version: str
    replications: int
    seed: int
    capacity: ReturnCapacity
    assumptions: tuple[str, ...]

    @classmethod
    def of(cls, trajectories: Trajectories, seed: int, capacity: ReturnCapacity) -> RunLabel:
        return cls(
            trajectories.scenario_id,
            trajectories.scheme_version,
            trajectories.replications,
            seed,
            capacity,
            trajectories.assumptions,
        )

    def title(self) -> str:
        return (
            f"{self.scenario_id} (scheme version {self.scheme_version}): "
            f"{self.replications:,} replications, seed {self.seed}"
        )

    def settings(self) -> str:
        capacity = self.capacity
        return (
            f"Weekly level {capacity.weekly_level:,}; return capacity {capacity.per_week:,} a week, set by the "
            f"{capacity.binding} ({capacity.flights_per_week} flights x {capacity.flight_seats:,} seats = "
            f"{capacity.seats_per_week:,}; {100 * capacity.flight_cancellation_rate:g}% of flights cancelled)"
        )

    def settings_json(self) -> dict[str, int | float | str]:
        capacity = self.capacity
        return {
            "weekly_level": capacity.weekly_level,
            "flights_per_week": capacity.flights_per_week,
            "flight_seats": capacity.flight_seats,
            "flight_cancellation_rate": capacity.flight_cancellation_rate,
            "weekly_return_capacity": capacity.per_week,
            "binding_constraint": capacity.binding,
        }


def summary_table(metrics: list[Metric], label: RunLabel) -> Table:
    table = Table(title=label.title(), caption="\n".join((label.settings(), *label.assumptions)))
    table.add_column("Measure")
    table.add_column("Mean", justify="right")
    table.add_column("90% interval", justify="right")
    for metric in metrics:
        mean, low, high = (float(metric.value.mean), float(metric.value.p05), float(metric.value.p95))
        table.add_row(metric.label, metric.render(mean), f"{metric.render(low)} - {metric.render(high)}")
    return table


def print_summary(console: Console, metrics: list[Metric], label: RunLabel) -> None:
    console.print(summary_table(metrics, label))


def write_outputs(trajectories: Trajectories, metrics: list[Metric], label: RunLabel, out: Path) -> list[Path]:
    """Write every file of a run into `out` (created if needed), all or none; returns the paths written."""
    return replace_together(out, partial(_write_run, trajectories, metrics, label), RUN_FILES)


def replace_together(out: Path, write: Callable[[Path], list[Path]], owned: Collection[str]) -> list[Path]:
    """Have `write` fill a staging folder inside `out`, then move what it wrote into `out`: if anything fails
    before the move, `out` holds what it held before. Files named in `owned` that `write` did not write are removed
    from `out`, as an earlier run's. Returns the paths in `out`."""
    # Inside `out`, not beside it: `out` must be writable anyway, its parent need not be, and a rename within one
    # folder stays on one filesystem.
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out, prefix=STAGING_PREFIX))
    try:
        written = write(staging)
        for path in written:
            path.replace(out / path.name)
        for name in set(owned) - {path.name for path in written}:
            (out / name).unlink(missing_ok=True)
    finally:
        shutil.rmtree(staging)
    return [out / path.name for path in written]


def _write_run(trajectories: Trajectories, metrics: list[Metric], label: RunLabel, folder: Path) -> list[Path]:
    return [
        *_write_weekly(trajectories, WEEKLY_CSV_COLUMNS, folder / WEEKLY_FILE, label),
        *_write_weekly(trajectories, WEEKLY_DETAIL_COLUMNS, folder / WEEKLY_DETAIL_FILE, label),
        _write_summary_json(metrics, label, folder / SUMMARY_FILE),
        *_write_charts(trajectories, label, folder),
    ]


def _write_weekly(trajectories: Trajectories, names: tuple[str, ...], path: Path, label: RunLabel) -> list[Path]:
    bands = weekly_bands(trajectories, names)
    header = ["week_start", *names, *(f"{name}_{bound}" for name in names for bound in ("p05", "p95"))]
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        for week, start in enumerate(trajectories.week_starts):
            means = [f"{bands[name].mean[week]:.2f}" for name in names]
            bounds = [f"{getattr(bands[name], bound)[week]:.0f}" for name in names for bound in ("p05", "p95")]
            writer.writerow([start.isoformat(), *means, *bounds])
    if not label.assumptions:
        return [path]
    # A side file, so the CSV stays plain for readers that do not skip comment lines.
    side_file = path.with_suffix(ASSUMPTIONS_SUFFIX)
    side_file.write_text("\n".join(label.assumptions) + "\n", encoding="utf-8")
    return [path, side_file]


def _write_summary_json(metrics: list[Metric], label: RunLabel, path: Path) -> Path:
    document = {
        "scenario": label.scenario_id,
        "scheme_version": label.scheme_version,
        "replications": label.replications,
        "seed": label.seed,
        "settings": label.settings_json(),
        "assumptions": list(label.assumptions),
        "measures": {
            metric.label: {
                "mean": _finite(metric.value.mean),
                "p05": _finite(metric.value.p05),
                "p95": _finite(metric.value.p95),
            }
            for metric in metrics
        },
    }
    path.write_text(json.dumps(document, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    return path


def _finite(value: NDArray[np.float64]) -> float | None:
    """JSON has no infinity: a measure with no value (a cost per return when nobody is returned) is null."""
    number = float(value)
    return number if np.isfinite(number) else None


def _write_charts(trajectories: Trajectories, label: RunLabel, folder: Path) -> list[Path]:
    names = ("arrivals", "returns", "admissions", "cumulative_returns", "cumulative_admissions", "detention_occupancy")
    bands = weekly_bands(trajectories, names)
    weeks = np.array(trajectories.week_starts, dtype="datetime64[D]")
    figure, axes = plt.subplots(2, 2, figsize=(12, 8), sharex=True)
    _plot(axes[0, 0], weeks, {"arrivals": bands["arrivals"]}, "Small-boat arrivals per week")
    _plot(
        axes[0, 1],
        weeks,
        {"returns": bands["returns"], "admissions": bands["admissions"]},
        "Returns and admissions per week",
    )
    _plot(
        axes[1, 0],
        weeks,
        {"returns": bands["cumulative_returns"], "admissions": bands["cumulative_admissions"]},
        "Cumulative returns and admissions",
    )
    _plot(axes[1, 1], weeks, {"occupancy": bands["detention_occupancy"]}, "Detention occupancy (weekly mean)")
    figure.suptitle(f"{label.title()}\n{label.settings()}\nlines: means; shading: 90% of replications", fontsize=10)
    if label.assumptions:
        figure.text(0.01, 0.005, "\n".join(label.assumptions), fontsize=8, color="darkred")
    figure.autofmt_xdate()
    figure.tight_layout(rect=(0, 0.04 if label.assumptions else 0, 1, 1))
    paths = [folder / name for name in CHART_FILES]
    try:
        for path in paths:
            figure.savefig(path, dpi=120)
    finally:
        plt.close(figure)  # pyplot keeps every open figure: one left by a failed save would never be freed
    return paths


def _plot(axis: Axes, weeks: NDArray[np.datetime64], series: dict[str, Band], title: str) -> None:
    for name, values in series.items():
        (line,) = axis.plot(weeks, values.mean, label=name)
        axis.fill_between(weeks, values.p05, values.p95, color=line.get_color(), alpha=0.2)
    axis.set_title(title, fontsize=10)
    axis.grid(alpha=0.3)
    if len(series) > 1:
        axis.legend(fontsize=8)
