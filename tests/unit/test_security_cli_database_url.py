"""The command line never prints a database password: `parity db upgrade` and the twin's summary show the URL with
the password hidden (terminal output and CI logs are kept)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from parity import cli
from parity.simulate.twin import TwinResult

URL = "postgresql+psycopg://parity:s3cret-pw@db.internal:5432/parity"
runner = CliRunner()


def test_db_upgrade_prints_the_database_url_without_its_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARITY_DATABASE_URL", URL)
    monkeypatch.setattr(cli, "database", lambda url: None)  # no database to reach: only what is printed matters

    result = runner.invoke(cli.app, ["db", "upgrade"])

    assert result.exit_code == 0, result.output
    assert "s3cret-pw" not in result.output
    assert "parity:***@db.internal:5432/parity" in result.output


def test_the_twin_summary_prints_the_database_url_without_its_password(capsys: pytest.CaptureFixture[str]) -> None:
    weekly = pd.DataFrame({"arrivals": [10.0], "returns": [2.0], "admissions": [1.0]})
    trajectories: Any = SimpleNamespace(weekly=weekly, days_in_week=np.array([7]), scenario_id="pilot")
    result = TwinResult(trajectories, "uk-fr-2025", "v1", {}, {"detained": 1}, {})

    cli._print_twin_summary(result, URL)

    printed = capsys.readouterr().out
    assert "s3cret-pw" not in printed
    assert "Database: postgresql+psycopg://parity:***@db.internal:5432/parity" in printed


def test_a_url_sqlalchemy_cannot_read_is_not_printed_at_all() -> None:
    assert "secret" not in cli.shown_url("not a url with a secret")
