"""The command and its files: summary table, weekly.csv with means and 90% bands, charts, and clean errors."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import typer
from typer.testing import CliRunner

from parity.simulate.backtest import FITTED, run_backtest
from parity.simulate.cli import backtest_command, simulate_command

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
