"""`parity simulate` (run, backtest, twin) and `parity demo` through the real command line (Typer's CliRunner)."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from typer.testing import CliRunner

from parity.cli import app
from parity.simulate.arrivals import home_office_daily
from parity.store import tables

runner = CliRunner()
WEEKLY_COLUMNS = ["arrivals", "returns", "admissions", "cumulative_returns", "cumulative_admissions"]


@pytest.fixture(autouse=True)
def _no_identity_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """The twin's people are synthetic and unrelated: matching them would only cost time."""
    monkeypatch.setenv("PARITY_IDENTITY", "none")


def weekly_rows(out: Path) -> list[dict[str, str]]:
    with (out / "weekly.csv").open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_simulate_scenario_writes_the_weekly_table_charts_and_summary(tmp_path: Path) -> None:
    out = tmp_path / "pilot"
    result = runner.invoke(app, ["simulate", "uk-fr-2025-pilot", "--out", str(out), "--replications", "20"])
    assert result.exit_code == 0, result.output
    assert "Returns to France" in result.output
    with (out / "weekly.csv").open(encoding="utf-8") as file:
        header = next(csv.reader(file))
    bounds = [f"{name}_{bound}" for name in WEEKLY_COLUMNS for bound in ("p05", "p95")]
    assert header == ["week_start", *WEEKLY_COLUMNS, *bounds]
    rows = weekly_rows(out)
    assert len(rows) == 45  # 6 Aug 2025 to 11 Jun 2026, the last week short
    assert rows[0]["week_start"] == "2025-08-06"
    last = rows[-1]
    assert (
        float(last["cumulative_returns_p05"])
        <= float(last["cumulative_returns"])
        <= float(last["cumulative_returns_p95"])
    )
    assert float(last["cumulative_returns"]) > 0
    assert (out / "simulation.png").read_bytes().startswith(b"\x89PNG")
    assert "<svg" in (out / "simulation.svg").read_text(encoding="utf-8")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["replications"] == 20
    assert summary["settings"]["weekly_level"] == 50
    assert (summary["settings"]["weekly_return_capacity"], summary["settings"]["binding_constraint"]) == (
        18,
        "flight seats",
    )
    assert "Weekly level 50; return capacity 18 a week, set by the flight seats" in " ".join(result.output.split())


def test_simulate_scenario_is_short_for_simulate_run(tmp_path: Path) -> None:
    short, long = tmp_path / "short", tmp_path / "long"
    arguments = ["--replications", "10", "--seed", "7"]
    assert runner.invoke(app, ["simulate", "uk-fr-scale-200", "--out", str(short), *arguments]).exit_code == 0
    assert runner.invoke(app, ["simulate", "run", "uk-fr-scale-200", "--out", str(long), *arguments]).exit_code == 0
    assert weekly_rows(short) == weekly_rows(long)


def test_an_unknown_scenario_is_refused_before_anything_runs(tmp_path: Path) -> None:
    result = runner.invoke(app, ["simulate", "uk-fr-2099", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "no bundled scenario of that id" in result.output
    assert not (tmp_path / "out").exists()


def test_simulate_backtest_compares_with_the_reported_figures() -> None:
    result = runner.invoke(app, ["simulate", "backtest", "--replications", "20"])
    assert result.exit_code == 0, result.output
    assert "Backtest of uk-fr-2025-pilot" in result.output
    assert "Mean absolute error, held-out rows" in result.output


QUIET_WEEKS = (date(2025, 12, 22), date(2026, 1, 4))  # 17 people crossed in these two weeks (Home Office series)


def quiet_scenario_file(tmp_path: Path) -> Path:
    """The pilot from a quiet fortnight of winter, so that a twin run records few people."""
    text = resources.files("parity.simulate.bundled").joinpath("uk-fr-2025-pilot.toml").read_text(encoding="utf-8")
    path = tmp_path / "quiet.toml"
    path.write_text(text.replace("start = 2025-08-06", f"start = {QUIET_WEEKS[0]}"), encoding="utf-8")
    return path


def return_cases(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(tables.return_cases)).scalar_one()
    engine.dispose()
    return count


def test_simulate_twin_replays_a_scenario_into_a_new_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'twin.db'}"
    arguments = ["simulate", "twin", str(quiet_scenario_file(tmp_path)), "--weeks", "2", "--database", url]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0, result.output
    assert "Parity ledger" in result.output
    assert "Return cases:" in result.output
    crossed = home_office_daily().window(*QUIET_WEEKS).people.sum()
    assert crossed > 0
    assert return_cases(url) == crossed
    again = runner.invoke(app, arguments)
    assert again.exit_code == 1
    assert "already holds" in again.output
    assert return_cases(url) == crossed


def test_simulate_twin_names_a_bad_number_of_weeks(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'twin.db'}"
    result = runner.invoke(app, ["simulate", "twin", "uk-fr-2025-pilot", "--weeks", "99", "--database", url])
    assert result.exit_code == 1
    assert "--weeks" in result.output
    assert "from 1 to 45" in result.output


def test_demo_seeds_the_pilot_through_the_twin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("PARITY_DATABASE_URL", url)
    result = runner.invoke(app, ["demo", "--weeks", "1"])
    assert result.exit_code == 0, result.output
    assert "Parity ledger — uk-fr-2025" in result.output
    assert "Replayed 7 days of uk-fr-2025-pilot" in result.output
    crossed = home_office_daily().window(date(2025, 8, 6), date(2025, 8, 12)).people.sum()
    assert return_cases(url) == crossed  # one case per person in the Home Office series


def pilot_with(tmp_path: Path, **changes: str) -> Path:
    """The bundled pilot scenario as a file, with `key = value` lines replaced."""
    text = resources.files("parity.simulate.bundled").joinpath("uk-fr-2025-pilot.toml").read_text(encoding="utf-8")
    lines = [
        f"{line.split('=')[0].strip()} = {changes[line.split('=')[0].strip()]}"
        if "=" in line and line.split("=")[0].strip() in changes
        else line
        for line in text.splitlines()
    ]
    path = tmp_path / "changed.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("key", "value", "named"),
    [
        ("detention_places", "99999999999999999999", "detention_places"),
        ("new_applicants_per_week", "inf", "new_applicants_per_week"),
        ("flight", "nan", "flight"),
    ],
)
def test_an_input_beyond_any_scheme_is_refused_naming_its_field(
    tmp_path: Path, key: str, value: str, named: str
) -> None:
    result = runner.invoke(app, ["simulate", str(pilot_with(tmp_path, **{key: value})), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert named in result.output
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("option", [["--seed", "-1"], ["--replications", "100000000"]])
def test_a_seed_or_a_number_of_replications_out_of_range_is_a_usage_error(tmp_path: Path, option: list[str]) -> None:
    result = runner.invoke(app, ["simulate", "uk-fr-2025-pilot", "--out", str(tmp_path / "o"), *option])
    assert result.exit_code == 2
    assert option[0] in result.output


def test_nobody_returned_leaves_a_valid_summary_and_no_assumption_of_an_earlier_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out).mkdir()
    (out / "weekly.assumptions.txt").write_text("Behavioural response ON\n", encoding="utf-8")
    scenario = pilot_with(tmp_path, selection_share="0")
    result = runner.invoke(app, ["simulate", str(scenario), "--out", str(out), "--replications", "5"])
    assert result.exit_code == 0, result.output
    measures = json.loads((out / "summary.json").read_text(encoding="utf-8"))["measures"]  # strict JSON: no Infinity
    assert None in {value["mean"] for value in measures.values()}  # e.g. the cost per return, when none is made
    assert not (out / "weekly.assumptions.txt").exists()


def test_out_naming_a_file_is_a_usage_error(tmp_path: Path) -> None:
    taken = tmp_path / "a-file"
    taken.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["simulate", "uk-fr-2025-pilot", "--out", str(taken), "--replications", "5"])
    assert result.exit_code == 2
    assert "is a file: name a folder" in " ".join(re.sub("[│╭╮╰╯─]", " ", result.output).split())
