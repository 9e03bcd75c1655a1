"""A refused form draws its page again (with names, dates of birth and documents) only for someone who may open that
page: a token narrowed to acting, approving or proposing gets the plain error page; a proposal's page is the page of
the proposal's own case, whatever case the form names."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.api_support import Account
from tests.web_seed import SCHEME, Seeded, seeded_services

from parity.accounts.roles import Role
from parity.domain.decisions import CaseType
from parity.services.accounts import issue_token
from parity.services.audit import latest_entries
from parity.services.case_views import admission_case_file, return_case_file
from parity.services.context import Services
from parity.services.decisions import ProposeDecision, propose_decision

from .conftest import https_client

SignIn = Callable[[Role], TestClient]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Services, Seeded]:
    """A database of its own: this module adds proposals that other modules' pages would show."""
    path: Path = tmp_path_factory.mktemp("web-security") / "parity.db"
    services, _clock, ids = seeded_services(f"sqlite:///{path}")
    return services, ids


def bearer(services: Services, account: Account, *scopes: str) -> dict[str, str]:
    token = issue_token(services, str(uuid.uuid4()), account.user_id, "narrow", scopes=list(scopes))
    return {"Authorization": f"Bearer {token.token}"}


def reads_since(services: Services, seq: int) -> list[str]:
    return [e.event.action for e in latest_entries(services, 50) if e.seq > seq and e.event.outcome == "read"]


def last_seq(services: Services) -> int:
    return latest_entries(services, 1)[0].seq


def test_a_refused_return_form_from_a_token_that_may_only_act_shows_no_personal_data(
    app: FastAPI, seeded: tuple[Services, Seeded], accounts: dict[Role, Account]
) -> None:
    services, ids = seeded
    case_id = ids.never_requested
    person = return_case_file(services, case_id).person.identity
    headers = bearer(services, accounts[Role.UK_CASEWORKER], "returns:act")
    before = last_seq(services)
    response = https_client(app).post(f"/return-cases/{case_id}/actions", headers=headers, data={"action": "nonsense"})
    assert response.status_code == 422
    assert person.family_name not in response.text
    assert person.given_names not in response.text
    assert "return_case:read" not in reads_since(services, before)


def test_a_refused_admission_form_from_a_token_that_may_only_act_shows_no_personal_data(
    app: FastAPI, seeded: tuple[Services, Seeded], accounts: dict[Role, Account]
) -> None:
    services, ids = seeded
    case_id = ids.admitted_family
    members = admission_case_file(services, case_id).members
    headers = bearer(services, accounts[Role.UK_CASEWORKER], "admissions:act")
    before = last_seq(services)
    url = f"/admission-cases/{case_id}/actions"
    response = https_client(app).post(url, headers=headers, data={"action": "nonsense"})
    assert response.status_code == 422
    for member in members:
        assert member.identity.family_name not in response.text
    assert "admission_case:read" not in reads_since(services, before)


def test_a_refused_form_still_redraws_the_case_page_for_whoever_may_read_it(
    app: FastAPI, seeded: tuple[Services, Seeded], accounts: dict[Role, Account]
) -> None:
    services, ids = seeded
    case_id = ids.never_requested
    person = return_case_file(services, case_id).person.identity
    headers = bearer(services, accounts[Role.UK_CASEWORKER], "returns:act", "returns:read", "personal-data:read")
    response = https_client(app).post(f"/return-cases/{case_id}/actions", headers=headers, data={"action": "nonsense"})
    assert response.status_code == 422
    assert person.family_name in response.text
    assert "Choose an action this page offers" in response.text


def test_a_proposal_decision_shows_the_proposals_own_case_never_the_one_the_form_names(
    app: FastAPI, seeded: tuple[Services, Seeded], signed_in: SignIn, accounts: dict[Role, Account]
) -> None:
    services, ids = seeded
    proposed_on, named = ids.never_requested, ids.refused
    proposal = propose_decision(
        services,
        ProposeDecision(
            "security-proposal",
            "officer",
            CaseType.RETURN,
            proposed_on,
            "schedule_transfer",
            {"flight_ref": "PLF-9", "departs_at": "2025-09-30T09:00:00+00:00"},
        ),
    )["proposal_id"]
    name = return_case_file(services, named).person.identity.family_name
    # Every seeded person has the same name: a case page is told apart by the case id it shows.

    approver_only = bearer(services, accounts[Role.UK_SUPERVISOR], "returns:approve")
    unknown_verb = https_client(app).post(
        f"/return-proposals/{proposal}/view", headers=approver_only, data={"case_id": named}
    )
    assert unknown_verb.status_code == 404
    assert name not in unknown_verb.text
    assert named not in unknown_verb.text

    supervisor = signed_in(Role.UK_SUPERVISOR)
    page = supervisor.get(f"/return-cases/{proposed_on}").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    form = {"csrf_token": csrf.group(1), "case_id": named}
    rejected = supervisor.post(f"/return-proposals/{proposal}/reject", data=form, follow_redirects=False)
    assert (rejected.status_code, rejected.headers["location"]) == (303, f"/return-cases/{proposed_on}")
    again = supervisor.post(f"/return-proposals/{proposal}/reject", data=form)  # decided already: refused
    assert again.status_code == 409
    assert "This decision was refused" in again.text
    assert named not in again.text
    assert proposed_on in again.text


def test_a_refused_selection_proposal_from_a_token_that_may_only_propose_shows_no_proposals(
    app: FastAPI, seeded: tuple[Services, Seeded], accounts: dict[Role, Account]
) -> None:
    services, _ids = seeded
    headers = bearer(services, accounts[Role.UK_SUPERVISOR], "selection:propose")
    before = last_seq(services)
    response = https_client(app).post(f"/schemes/{SCHEME}/selection/proposals", headers=headers, data={})
    assert response.status_code == 409
    assert "Nothing was proposed" not in response.text
    assert "selection_proposals:read" not in reads_since(services, before)


def test_a_refused_answer_from_a_token_that_may_only_answer_shows_no_personal_data(
    app: FastAPI, seeded: tuple[Services, Seeded], accounts: dict[Role, Account]
) -> None:
    services, ids = seeded
    case_id = ids.claimed_human_rights  # its request awaits France's answer
    person = return_case_file(services, case_id).person.identity
    url = f"/readmission-requests/{case_id}/answer"
    narrowed = bearer(services, accounts[Role.FR_LIAISON], "readmission:answer")
    reader = bearer(services, accounts[Role.FR_LIAISON], "readmission:answer", "readmission:read")
    refused = https_client(app).post(url, headers=narrowed, data={"answer": "refuse"})  # a refusal needs a reason
    assert refused.status_code == 409
    assert person.family_name not in refused.text
    redrawn = https_client(app).post(url, headers=reader, data={"answer": "refuse"})
    assert redrawn.status_code == 409
    assert person.family_name in redrawn.text
