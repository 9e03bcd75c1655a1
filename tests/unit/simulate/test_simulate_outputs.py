"""The command and its files: summary table, weekly.csv with means and 90% bands, charts, and clean errors."""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import typer
from matplotlib.figure import Figure
from typer.testing import CliRunner

from parity.simulate import EngineInputs, load_scenario, resolve, simulate, summary_metrics
from parity.simulate.backtest import FITTED, run_backtest
from parity.simulate.cli import backtest_command, simulate_command
from parity.simulate.inputs import return_capacity
from parity.simulate.outputs import CHART_FILES, RUN_FILES, RunLabel, summary_table, write_outputs
from parity.simulate.scenario import Behaviour

runner = CliRunner()


def app_of(command: Callable[..., None]) -> typer.Typer:
    app = typer.Typer()
    app.command()(command)
    return app


def test_simulate_writes_the_weekly_csv_charts_and_summary(tmp_path: Path) -> None:
    result = runner.invoke(
        app_of(simulate_command), ["uk-fr-2025-pilot", "--out", str(tmp_path), "--replications", "40"]
    )
    assert result.exit_code == 0, result.output
    assert "Share of arrivals returned" in result.output
    assert "Cost per return" in result.output
    with (tmp_path / "weekly.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    means = ["arrivals", "returns", "admissions", "cumulative_returns", "cumulative_admissions"]
    assert list(rows[0])[:6] == ["week_start", *means]
    assert {f"{name}_{bound}" for name in means for bound in ("p05", "p95")} <= set(rows[0])
    assert rows[0]["week_start"] == "2025-08-06"
    assert len(rows) == 45
    assert sum(float(row["arrivals"]) for row in rows) == 25_178  # 6 Aug 2025 to 11 Jun 2026, replayed
    cumulative = [float(row["cumulative_returns"]) for row in rows]
    assert cumulative == sorted(cumulative)
    assert all(float(row["returns_p05"]) <= float(row["returns"]) <= float(row["returns_p95"]) for row in rows)
    for name in ("simulation.png", "simulation.svg", "summary.json", "weekly_detail.csv"):
        assert (tmp_path / name).stat().st_size > 0


def test_simulate_rejects_a_bad_scenario_before_running(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "bad"\n', encoding="utf-8")
    result = runner.invoke(app_of(simulate_command), [str(bad), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "operations" in result.output
    assert "Field required" in result.output
    assert not (tmp_path / "out").exists()


def test_backtest_compares_every_reported_row_and_says_what_was_fitted() -> None:
    result = run_backtest(replications=50, seed=1)
    assert [row.reported.returns for row in result.rows] == [1, 2, 4, 42, 75, 94, 113]
    assert {row.reported.as_of for row in result.rows if row.fitted_on} == {d for days in FITTED.values() for d in days}
    held_out_returns, held_out_admissions = result.mean_absolute_error(held_out=True)
    assert held_out_returns < 40
    assert held_out_admissions < 40
    output = runner.invoke(app_of(backtest_command), ["--replications", "20"]).output
    assert "Mean absolute error" in output
    assert "operations.first_flight" in output


@pytest.fixture(scope="module")
def pilot_inputs() -> EngineInputs:
    scenario = load_scenario("uk-fr-2025-pilot")
    return resolve(scenario, scenario.period.with_weeks(10))


def write_run(inputs: EngineInputs, seed: int, out: Path) -> list[Path]:
    trajectories = simulate(inputs, replications=5, seed=seed)
    metrics = summary_metrics(trajectories, inputs.tolerance, inputs.admissions_per_return)
    return write_outputs(trajectories, metrics, RunLabel.of(trajectories, seed, return_capacity(inputs)), out)


FILES_WITHOUT_ASSUMPTIONS = ("weekly.csv", "weekly_detail.csv", "summary.json", "simulation.png", "simulation.svg")


def folder_contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def with_assumption(inputs: EngineInputs) -> EngineInputs:
    return replace(inputs, behaviour=Behaviour(enabled=True, elasticity=2.0))


def test_a_run_whose_charts_fail_leaves_the_folder_as_the_earlier_run_left_it(
    tmp_path: Path, pilot_inputs: EngineInputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    write_run(with_assumption(pilot_inputs), seed=1, out=out)
    earlier = folder_contents(out)
    assert set(earlier) == set(RUN_FILES)  # the assumption side files included
    save = Figure.savefig

    def save_png_then_fail(figure: Figure, path: Path, **options: Any) -> None:
        if path.suffix == ".svg":
            raise OSError("No space left on device")
        save(figure, path, **options)

    monkeypatch.setattr(Figure, "savefig", save_png_then_fail)
    with pytest.raises(OSError, match="No space left"):
        write_run(pilot_inputs, seed=2, out=out)  # another seed and no assumption: every file would differ
    assert folder_contents(out) == earlier
    assert list(tmp_path.iterdir()) == [out]  # no staging folder left beside it


def test_a_run_replaces_an_earlier_runs_files_and_keeps_the_folders_others(
    tmp_path: Path, pilot_inputs: EngineInputs
) -> None:
    out = tmp_path / "out"
    write_run(with_assumption(pilot_inputs), seed=1, out=out)
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    earlier = folder_contents(out)
    written = write_run(pilot_inputs, seed=2, out=out)
    now = folder_contents(out)
    assert set(written) == {out / name for name in FILES_WITHOUT_ASSUMPTIONS}
    assert set(now) == {path.name for path in written} | {"notes.txt"}  # the earlier run's assumptions are gone
    assert now["notes.txt"] == b"mine\n"
    assert all(now[path.name] != earlier[path.name] for path in written if path.suffix in {".csv", ".json"})
    assert list(tmp_path.iterdir()) == [out]


def test_every_output_names_the_weekly_level_and_the_capacity_that_binds(
    tmp_path: Path, pilot_inputs: EngineInputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    titles: list[str] = []
    save = Figure.savefig

    def save_and_note_the_title(figure: Figure, path: Path, **options: Any) -> None:
        titles.append(figure.get_suptitle())
        save(figure, path, **options)

    monkeypatch.setattr(Figure, "savefig", save_and_note_the_title)
    write_run(pilot_inputs, seed=1, out=tmp_path)
    settings = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))["settings"]
    assert settings == {
        "weekly_level": 50,
        "flights_per_week": 2,
        "flight_seats": 9,
        "flight_cancellation_rate": 0.2,
        "weekly_return_capacity": 18,
        "binding_constraint": "flight seats",
    }
    line = "Weekly level 50; return capacity 18 a week, set by the flight seats (2 flights x 9 seats = 18; 20% of"
    assert len(titles) == len(CHART_FILES)
    assert all(line in title for title in titles)
    trajectories = simulate(pilot_inputs, replications=5, seed=1)
    label = RunLabel.of(trajectories, 1, return_capacity(pilot_inputs))
    assert line in str(summary_table([], label).caption)


def test_a_run_stages_its_files_inside_the_output_folder_whose_parent_may_be_read_only(
    tmp_path: Path, pilot_inputs: EngineInputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root ignores folder permissions, so the read-only parent is shown by where the staging folder is made.
    made_in: list[Path] = []
    make = tempfile.mkdtemp

    def recording_mkdtemp(**options: Any) -> str:
        made_in.append(Path(options["dir"]))
        return make(**options)

    monkeypatch.setattr(tempfile, "mkdtemp", recording_mkdtemp)
    out = tmp_path / "results" / "run1"
    write_run(pilot_inputs, seed=1, out=out)
    assert made_in == [out]
    assert {path.name for path in out.iterdir()} == set(FILES_WITHOUT_ASSUMPTIONS)  # the staging folder is gone
