"""The `parity` command over a real SQLite file: imports all or nothing, notices, status (issue 2, CLI)."""

from __future__ import annotations

import getpass
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import create_engine, func, select
from tests.web_seed import seeded_services
from typer.testing import CliRunner

from parity import cli
from parity.bootstrap import Settings, build_services
from parity.cli import app
from parity.services.context import SettableClock
from parity.store import tables

HEADER = (
    "boat_ref,arrived_at,place,given_names,family_name,date_of_birth,nationality,sex,age_status,grounds,departed_from"
)
runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PARITY_DATABASE_URL", url)
    monkeypatch.setenv("PARITY_IDENTITY", "none")
    return url


def people_stored(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(tables.people)).scalar_one()
    engine.dispose()
    return count


def test_an_import_reports_what_it_screened(database: str, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(
        "\n".join(
            [
                HEADER,
                "SB-7,2025-09-01T04:10,Dover,Yonas,Tesfay,1995-02-03,ERI,M,adult,protection_claim,FR",
                "SB-7,2025-09-01T04:10,Dover,Sara,Karimi,,IRN,F,unaccompanied_minor,protection_claim,FR",
            ]
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", "arrivals", str(good)])
    assert result.exit_code == 0, result.output
    assert "Imported 1 arrivals, 2 people" in result.output
    assert people_stored(database) == 2


def test_a_bad_file_names_each_line_and_field_and_changes_nothing(database: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "\n".join(
            [
                HEADER,
                "SB-7,2025-09-01T04:10,Dover,Yonas,Tesfay,1995-02-03,ERI,M,adult,protection_claim,FR",
                "SB-7,2025-02-30T04:10,Dover,Sara,Karimi,,IRN,F,adult,protection_claim,FR",
                "SB-8,2025-09-01T05:00,Dover,Ali,Rezaei,,XX1,M,adult,protection_claim,FR",
            ]
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", "arrivals", str(bad)])
    assert result.exit_code == 1
    assert "line 3, arrived_at" in result.output
    assert "line 4, nationality" in result.output
    assert people_stored(database) == 0


def test_notice_of_suspension_and_the_scheme_status(database: str) -> None:
    assert "uk-fr-2025 is operating" in runner.invoke(app, ["scheme", "status"]).output
    given = runner.invoke(app, ["scheme", "notice", "suspension", "--by", "FR", "--reason", "review"])
    assert given.exit_code == 0, given.output
    assert "under notice: notice of suspension given by FR" in runner.invoke(app, ["scheme", "status"]).output
    wrong_party = runner.invoke(app, ["scheme", "notice", "termination", "--by", "DE", "--reason", "x"])
    assert wrong_party.exit_code == 1
    assert "not a party" in wrong_party.output
    engine = create_engine(database)
    with engine.connect() as connection:
        entries = connection.execute(select(tables.audit_entries.c.actor_id, tables.audit_entries.c.action)).all()
    engine.dispose()
    assert entries == [(f"cli:{getpass.getuser()}", "give_notice")]  # the refused notice changed nothing


def test_an_identity_flag_raised_at_import_is_listed_and_decided(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARITY_IDENTITY", "splink")
    monkeypatch.setattr(cli, "console", Console(width=200))  # wide enough for whole ids in the table
    rows = [
        "SB-1,2025-09-01T04:10,Dover,Yonas,Tesfay,1995-02-03,ERI,M,adult,protection_claim,FR,BIO-77",
        "SB-2,2025-09-20T03:00,Dover,Yonas,Tesfaye,1995-02-03,ERI,M,adult,protection_claim,FR,BIO-77",
    ]
    for number, row in enumerate(rows):
        arrivals = tmp_path / f"boat{number}.csv"
        arrivals.write_text(f"{HEADER},biometric_ref\n{row}\n", encoding="utf-8")
        assert runner.invoke(app, ["import", "arrivals", str(arrivals)]).exit_code == 0
    engine = create_engine(database)
    with engine.connect() as connection:
        cases = tables.return_cases
        later = connection.execute(select(cases.c.id).order_by(cases.c.arrived_at.desc()).limit(1)).scalar_one()
        flag_id = connection.execute(select(tables.identity_flags.c.id)).scalar_one()
    engine.dispose()

    listed = runner.invoke(app, ["identity", "flags", later])
    assert listed.exit_code == 0, listed.output
    assert flag_id in listed.output
    assert "biometric" in listed.output
    assert "pending" in listed.output
    decided = runner.invoke(app, ["identity", "decide", flag_id, "--not-same-person", "--reason", "different person"])
    assert decided.exit_code == 0, decided.output
    assert "not_same_person" in runner.invoke(app, ["identity", "flags", later]).output
    again = runner.invoke(app, ["identity", "decide", flag_id, "--same-person", "--reason", "changed mind"])
    assert again.exit_code == 1


def test_costs_on_an_empty_register(database: str) -> None:
    result = runner.invoke(app, ["costs"])
    assert result.exit_code == 0, result.output
    assert "0 people returned on 0 flights: 0.00 GBP." in result.output


def test_case_advance_takes_only_what_one_uk_officer_takes_and_a_payload_object(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = SettableClock(datetime(2025, 9, 1, 10, tzinfo=UTC))  # while the pilot runs
    monkeypatch.setattr(cli, "_services", lambda: build_services(Settings.from_environment(), clock=clock))
    arrivals = tmp_path / "one.csv"
    arrivals.write_text(
        f"{HEADER},transit_evidence\n"
        "SB-9,2025-09-01T04:10,Dover,Yonas,Tesfay,1995-02-03,ERI,M,adult,protection_claim,FR,Dunkirk camp\n",
        encoding="utf-8",
    )
    assert runner.invoke(app, ["import", "arrivals", str(arrivals)]).exit_code == 0
    engine = create_engine(database)
    with engine.connect() as connection:
        case_id = connection.execute(select(tables.return_cases.c.id)).scalar_one()
    engine.dispose()

    def advance(action: str, payload: str = "{}") -> tuple[int, str]:
        result = runner.invoke(app, ["case", "advance", case_id, action, "--payload", payload])
        return result.exit_code, " ".join(result.output.split())

    assert advance("detain", "[1, 2]") == (1, 'Error: --payload must be a JSON object, like \'{"reason": "..."}\'')
    assert advance("detain") == (0, f"{case_id} is now detained (version 1).")
    assert advance("send_request")[0] == 0
    # France's answer is its liaison officer's, and a removal needs a second officer (the API refuses both too).
    code, said = advance("accept")
    assert code == 1
    assert "only its liaison officer records it" in said
    assert advance("screen_ineligible")[0] == 1
    clock.current = datetime(2025, 9, 16, 10, tzinfo=UTC)  # France has not answered within two weeks
    assert "is now reply_overdue" in runner.invoke(app, ["case", "advance", case_id, "escalate_overdue_reply"]).output


@pytest.mark.parametrize("command", [["ledger"], ["deadlines"], ["costs"], ["scheme", "status"]])
def test_an_unknown_scheme_is_a_usage_error_naming_the_loaded_ones(database: str, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--scheme", "nope"])
    assert result.exit_code == 2
    said = " ".join(re.sub("[│╭╮╰╯─]", " ", result.output).split())  # out of Rich's error box
    assert "'nope' is not a loaded scheme (loaded: uk-fr-2025, eu-tr-2016)" in said


def test_record_lapses_records_each_passed_deadline_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    services, _clock, _ids = seeded_services(f"sqlite:///{tmp_path / 'lapses.db'}")  # as it stood on 17 Sep 2025
    monkeypatch.setattr("parity.cli._services", lambda: services)
    first = runner.invoke(app, ["record-lapses"])
    assert first.exit_code == 0, first.output
    assert "escalate_overdue_reply: 1\nexpire_request_deadline: 1\n2 lapse(s) recorded; 0 left" in first.output
    again = runner.invoke(app, ["record-lapses"])
    assert "0 lapse(s) recorded; 0 left for the next run." in again.output
