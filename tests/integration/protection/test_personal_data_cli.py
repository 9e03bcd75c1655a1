"""`parity keys list|rotate|retire`, `parity retention apply` and `parity subject-access export` on a SQLite file."""

from __future__ import annotations

import getpass
import json
import stat
from pathlib import Path

import pytest
from tests.builders import utc
from tests.personal_data_support import YONAS, arrive_people
from typer.testing import CliRunner

from parity.bootstrap import build_services
from parity.cli import app
from parity.config import Settings
from parity.protection import Keyring
from parity.protection.key_file import read_key_file, write_key_file
from parity.services.audit import latest_entries
from parity.services.context import SettableClock

runner = CliRunner()


@pytest.fixture
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database and a key file of this test's own (a rotation rewrites the key file)."""
    path = tmp_path / "data-keys.json"
    write_key_file(path, Keyring.generate())
    monkeypatch.setenv("PARITY_DATA_KEY_FILE", str(path))
    monkeypatch.setenv("PARITY_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("PARITY_SCHEMES", "uk-fr-2025")
    monkeypatch.setenv("PARITY_IDENTITY", "none")
    return path


def _seed() -> tuple[str, str]:
    """Someone who arrived before the scheme was in force (closed at once, long past retention), and Yonas, who
    arrived recently; their person ids."""
    clock = SettableClock(utc(2024, 1, 10, 8))
    services = build_services(Settings.from_environment(), clock)
    [(_early_case, early)] = arrive_people(services, "early", {"family_name": "Haile"})
    clock.current = utc(2026, 5, 4, 8)
    [(_case, yonas)] = arrive_people(services, "recent", YONAS)
    return early, yonas


def test_export_retention_rotation_and_retirement_from_the_command_line(key_file: Path, tmp_path: Path) -> None:
    early, yonas = _seed()
    old_key = read_key_file(key_file).active
    out = tmp_path / "exports" / "yonas.json"

    listed = runner.invoke(app, ["keys", "list"])
    exported = runner.invoke(app, ["subject-access", "export", yonas, "--out", str(out), "--actor", "dpo"])
    again = runner.invoke(app, ["subject-access", "export", yonas, "--out", str(out)])
    dry = runner.invoke(app, ["retention", "apply", "--dry-run"])
    applied = runner.invoke(app, ["retention", "apply", "--scheme", "uk-fr-2025"])
    rotated = runner.invoke(app, ["keys", "rotate", "--batch-size", "1"])
    new_key = read_key_file(key_file).active
    refused = runner.invoke(app, ["keys", "retire", new_key])
    retired = runner.invoke(app, ["keys", "retire", old_key])
    relisted = runner.invoke(app, ["keys", "list"])

    assert listed.exit_code == 0, listed.output
    assert old_key in listed.output
    assert "active" in listed.output
    assert exported.exit_code == 0, exported.output
    assert "Wrote 1 record(s)" in exported.output
    assert "Yonas" not in exported.output
    assert json.loads(out.read_text(encoding="utf-8"))["records"][0]["identity"]["family_name"] == "Tesfamariam"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert again.exit_code == 1
    assert "exists" in again.output
    assert dry.exit_code == 0, dry.output
    assert "Dry run: 1 return and 0 admission case(s)" in dry.output
    assert applied.exit_code == 0, applied.output
    assert "anonymised 1 arriving people" in applied.output
    assert rotated.exit_code == 0, rotated.output
    assert new_key != old_key
    assert f"Re-encrypted 3 rows under key {new_key}" in rotated.output  # Yonas, his index entry and the evidence of
    # his protection claim on arrival: the other, screened out, is anonymised and holds nothing encrypted any more
    assert f"No values are left under {old_key}" in rotated.output
    assert refused.exit_code == 1
    assert "active key" in refused.output
    assert retired.exit_code == 0, retired.output
    assert set(read_key_file(key_file).keys) == {new_key}
    assert old_key not in relisted.output
    assert new_key in relisted.output
    anonymised = runner.invoke(app, ["subject-access", "export", early, "--out", str(tmp_path / "early.json")])
    assert anonymised.exit_code == 0, anonymised.output
    [record] = json.loads((tmp_path / "early.json").read_text(encoding="utf-8"))["records"]
    assert record["anonymised_at"]
    assert record["identity"]["family_name"] == ""


def test_a_key_still_protecting_values_is_not_retired_until_the_rotation_is_resumed(key_file: Path) -> None:
    _seed()
    old = read_key_file(key_file)
    write_key_file(key_file, old.with_new_active_key())  # a rotation stopped right after its new key was written

    early = runner.invoke(app, ["keys", "retire", old.active])
    resumed = runner.invoke(app, ["keys", "rotate", "--resume"])
    retired = runner.invoke(app, ["keys", "retire", old.active])

    assert early.exit_code == 1
    assert "still protects 18 values" in early.output  # Yonas 6 + his index entry 5 + his claim's evidence 1; the
    # other 4 + 2 (no date of birth, document or biometric reference: missing values are not encrypted)
    assert resumed.exit_code == 0, resumed.output
    assert "Re-encrypted 5 rows" in resumed.output
    assert retired.exit_code == 0, retired.output
    assert old.active not in read_key_file(key_file).keys


def test_rotation_with_keys_from_the_environment_asks_for_the_new_key_there(
    key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PARITY_DATA_KEY_FILE")
    monkeypatch.setenv("PARITY_DATA_KEYS", "k1:" + "A" * 43 + "=")
    monkeypatch.setenv("PARITY_DATA_INDEX_KEY", "B" * 43 + "=")

    refused = runner.invoke(app, ["keys", "rotate"])

    assert refused.exit_code == 1
    assert "put a new key first in PARITY_DATA_KEYS" in refused.output


def test_reading_a_case_or_exporting_a_person_is_audited_as_the_operator_who_ran_it(
    key_file: Path, tmp_path: Path
) -> None:
    services = build_services(Settings.from_environment(), SettableClock(utc(2026, 5, 4, 8)))
    [(case_id, yonas)] = arrive_people(services, "recent", YONAS)

    shown = runner.invoke(app, ["case", "show", case_id])
    exported = runner.invoke(
        app, ["subject-access", "export", yonas, "--out", str(tmp_path / "y.json"), "--actor", "someone-else"]
    )

    assert (shown.exit_code, exported.exit_code) == (0, 0), shown.output + exported.output
    operator = f"cli:{getpass.getuser()}"
    entries = {e.event.action: e.event for e in latest_entries(services, 20)}
    assert entries["return_case:read"].record_ids == (case_id,)
    assert (entries["return_case:read"].actor_id, entries["return_case:read"].origin) == (operator, "cli")
    export = entries["subject_access_export"]
    assert (export.actor_id, export.role, export.origin) == (operator, "operator", "cli, for someone-else")
