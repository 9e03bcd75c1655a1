"""`parity select propose | approve | show` over a SQLite file, as a supervisor and a caseworker would use them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date

import pytest
from tests.builders import utc, waiting_family
from typer.testing import CliRunner

from parity import selection_cli
from parity.bootstrap import database
from parity.cli import app
from parity.domain.admissions import AdmissionStatus
from parity.protection import FieldCipher
from parity.scheme import Scheme
from parity.services.context import Services, SettableClock
from parity.store.database import SqlUnitOfWorkFactory

ADULT, SECOND_ADULT, CHILD = date(1990, 1, 1), date(1992, 5, 5), date(2015, 6, 1)
PROPOSAL_ID = re.compile(r"Proposal ([0-9a-f-]{36}) \(proposed\)")


@pytest.fixture
def store(
    tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, uk_fr: Scheme, data_cipher: FieldCipher
) -> Services:
    """A database the CLI is pointed at, with three families waiting for an invitation."""
    url = f"sqlite:///{tmp_path}/parity.db"
    monkeypatch.setenv("PARITY_DATABASE_URL", url)
    monkeypatch.setenv("PARITY_SCHEMES", "uk-fr-2025")
    # Rich sizes its console once; give the tables room so whole case ids and refs appear on one line.
    monkeypatch.setattr(selection_cli.console, "width", 200)
    services = Services(uow=SqlUnitOfWorkFactory(database(url), data_cipher), clock=SettableClock(utc(2025, 9, 1, 8)))
    services.register(uk_fr)
    waiting_family(services, "FAM-AFG3", ADULT, SECOND_ADULT, CHILD, nationality="AFG")
    waiting_family(services, "FAM-IRN1", ADULT, nationality="IRN", factors=("family_link",))
    waiting_family(services, "FAM-VNM2", ADULT, SECOND_ADULT, nationality="VNM")
    return services


def test_propose_prints_the_ranked_explained_list_and_another_person_approves(store: Services, uk_fr: Scheme) -> None:
    runner = CliRunner()

    proposed = runner.invoke(app, ["select", "propose", "--actor", "alice", "--places", "4"])

    assert proposed.exit_code == 0, proposed.output
    chosen, _, rest = proposed.output.partition("Best-ranked not chosen")
    assert "FAM-AFG3" in chosen
    assert "high_grant_rate_nationality +4" in chosen
    assert "FAM-IRN1" in chosen
    assert "family_link +3" in chosen
    assert "FAM-VNM2" in rest
    assert "lower_score" in rest
    assert f"Scheme uk-fr-2025 version {uk_fr.version}" in proposed.output
    assert "solver status Optimal" in proposed.output
    assert "Running HiGHS" not in proposed.output
    match = PROPOSAL_ID.search(proposed.output)
    assert match is not None
    proposal_id = match.group(1)

    refused = runner.invoke(app, ["select", "approve", proposal_id, "--actor", "alice"])
    assert refused.exit_code == 1
    assert "alice made proposal" in refused.output
    assert "another person must approve it" in refused.output

    approved = runner.invoke(app, ["select", "approve", proposal_id, "--actor", "bob"])
    assert approved.exit_code == 0, approved.output
    assert "Approved by bob" in approved.output
    assert "2 families invited" in approved.output
    with store.uow() as uow:
        invited = uow.admissions.ids_by_status("uk-fr-2025", frozenset({AdmissionStatus.INVITED}))
    assert len(invited) == 2

    shown = runner.invoke(app, ["select", "show", proposal_id])
    assert shown.exit_code == 0
    assert "Approved by bob" in shown.output
    listed = runner.invoke(app, ["select", "list"])
    assert proposal_id in listed.output
    assert "approved" in listed.output


def test_errors_exit_1_with_the_reason(store: Services) -> None:
    runner = CliRunner()

    negative = runner.invoke(app, ["select", "propose", "--actor", "alice", "--places", "-1"])
    assert negative.exit_code == 1
    assert "places: must not be negative (got -1)" in negative.output

    too_many = runner.invoke(app, ["select", "propose", "--actor", "alice", "--places", "30"])
    assert too_many.exit_code == 1
    assert "30 places asked for, but the ledger allows 25" in too_many.output

    unknown = runner.invoke(app, ["select", "show", "no-such-proposal"])
    assert unknown.exit_code == 1
    assert "no selection proposal no-such-proposal" in unknown.output


def test_the_solver_banner_does_not_reach_standard_output(store: Services) -> None:
    """HiGHS writes its banner from C, past Python's sys.stdout; only a fresh process shows whether it leaks."""
    result = subprocess.run(
        [sys.executable, "-c", "from parity.cli import app; app()", "select", "propose", "--actor", "alice"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "FAM-AFG3" in result.stdout
    assert "HiGHS" in result.stdout  # the solver is named in the summary line ...
    assert "Running HiGHS" not in result.stdout  # ... but its banner is gone
    assert "THIRD_PARTY_NOTICES" not in result.stdout
