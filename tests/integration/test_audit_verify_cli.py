"""`parity users` and `parity audit` on a real database: writes are audited, the log refuses UPDATE and DELETE,
and `parity audit verify` names the first bad entry after tampering (and counts the entries when all is well)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from parity.cli import app

runner = CliRunner()


@pytest.fixture
def database_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "parity.db"
    monkeypatch.setenv("PARITY_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("PARITY_AUDIT_SIGNING_KEY", str(tmp_path / "audit-key.pem"))
    monkeypatch.setenv("PARITY_IDENTITY", "none")
    monkeypatch.setenv("PARITY_NEW_PASSWORD", "a long enough passphrase")
    (tmp_path / "audit-key.pem").write_bytes(_new_key_pem())
    return path


def _new_key_pem() -> bytes:
    from parity.audit import new_signer

    return new_signer().private_pem()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_users_commands_are_audited_and_verify_counts_the_entries(database_file: Path) -> None:
    assert run("users", "create", "a.analyst", "--role", "analyst")[0] == 0
    code, output = run("users", "create", "b.caseworker", "--role", "uk-caseworker")
    assert code == 0
    assert "otpauth://totp/Parity:b.caseworker" in output
    code, output = run("users", "token", "a.analyst", "--label", "export", "--scope", "ledger:read")
    assert code == 0
    assert "pty_" in output
    assert run("audit", "checkpoint")[0] == 0
    code, output = run("audit", "verify")
    assert code == 0, output
    assert "3 entries checked, 1 signed checkpoint(s) hold" in output
    code, output = run("users", "list")
    assert "a.analyst" in output
    assert "uk-caseworker" in output


def test_the_log_refuses_changes_and_verify_names_the_entry_that_was_edited(database_file: Path) -> None:
    for name in ("a.analyst", "b.analyst", "c.analyst"):
        assert run("users", "create", name, "--role", "analyst")[0] == 0
    engine = create_engine(f"sqlite:///{database_file}")
    with engine.begin() as connection, pytest.raises(DBAPIError, match="append-only"):
        connection.execute(text("UPDATE audit_entries SET outcome = 'refused' WHERE seq = 2"))
    with engine.begin() as connection, pytest.raises(DBAPIError, match="append-only"):
        connection.execute(text("DELETE FROM audit_entries WHERE seq = 2"))
    with engine.begin() as connection:  # someone with the database's keys drops the guard and edits an entry
        connection.execute(text("DROP TRIGGER audit_entries_no_update"))
        connection.execute(text("UPDATE audit_entries SET actor_id = 'someone-else' WHERE seq = 2"))
    engine.dispose()
    code, output = run("audit", "verify")
    assert code == 1
    assert "entry 2" in output
    assert "altered" in output
