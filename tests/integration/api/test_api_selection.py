"""Admissions selection over the API, on SQLite and PostgreSQL: one officer proposes, another approves, and only
then are families invited. Separation of duties is by user id; refusals are problem+json and change nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.api_support import Account, make_account
from tests.builders import waiting_family
from tests.integration.api.test_api_flows import audit_outcomes, problem

from parity.accounts.roles import Role
from parity.domain.admissions import AdmissionStatus
from parity.scheme import Scheme
from parity.services.context import Services

ADULT, SECOND_ADULT, CHILD = date(1990, 1, 1), date(1992, 5, 5), date(2015, 6, 1)
PROPOSALS = "/api/v1/selection-proposals"


@pytest.fixture
def families(services: Services) -> dict[str, str]:
    """An Afghan family of three (score 4) and a Vietnamese adult (score 0), both waiting for an invitation."""
    return {
        "afg3": waiting_family(services, "FAM-AFG3", ADULT, SECOND_ADULT, CHILD, nationality="AFG"),
        "vnm1": waiting_family(services, "FAM-VNM1", ADULT, nationality="VNM"),
    }


def statuses(services: Services, case_ids: dict[str, str]) -> dict[str, AdmissionStatus]:
    with services.uow() as uow:
        return {name: uow.admissions.get(case_id).status for name, case_id in case_ids.items()}


def propose(http: TestClient, who: Account, key: str | None = None, **body: Any) -> Any:
    headers = who.bearer if key is None else {**who.bearer, "Idempotency-Key": key}
    return http.post(PROPOSALS, json={"scheme_id": "uk-fr-2025", **body}, headers=headers)


def approve(http: TestClient, who: Account, proposal_id: str, key: str | None = None, **body: Any) -> Any:
    headers = who.bearer if key is None else {**who.bearer, "Idempotency-Key": key}
    return http.post(f"{PROPOSALS}/{proposal_id}/approve", json=body, headers=headers)


def test_a_caseworker_proposes_a_supervisor_approves_and_only_then_are_families_invited(
    http: TestClient, services: Services, accounts: dict[Role, Account], families: dict[str, str]
) -> None:
    caseworker, supervisor = accounts[Role.UK_CASEWORKER], accounts[Role.UK_SUPERVISOR]

    proposed = propose(http, caseworker, places=3)

    assert proposed.status_code == 201, proposed.text
    proposal = proposed.json()
    assert proposal["status"] == "proposed"
    assert proposal["proposed_by"] == caseworker.user_id  # who signed in, not a name in the body
    assert [family["application_id"] for family in proposal["chosen"]] == [families["afg3"]]
    assert [family["family_ref"] for family in proposal["passed_over"]] == ["FAM-VNM1"]
    assert set(statuses(services, families).values()) == {AdmissionStatus.ELIGIBLE}
    problem(approve(http, caseworker, proposal["proposal_id"]), 403, "forbidden")  # no selection:approve

    approved = approve(http, supervisor, proposal["proposal_id"])

    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert approved.json()["approval"]["approved_by"] == supervisor.user_id
    assert approved.json()["approval"]["invited"] == [families["afg3"]]
    assert statuses(services, families) == {"afg3": AdmissionStatus.INVITED, "vnm1": AdmissionStatus.ELIGIBLE}
    with services.uow() as uow:
        invite = uow.admissions.get(families["afg3"]).last("invite")
    assert invite is not None
    assert (invite.actor, invite.payload["proposal_id"]) == (supervisor.user_id, proposal["proposal_id"])
    audited = audit_outcomes(services)
    assert (caseworker.user_id, "select:propose", "done") in [(who, act, out) for who, act, _, out in audited]
    assert (supervisor.user_id, "select:approve", "done") in [(who, act, out) for who, act, _, out in audited]
    read_back = http.get(f"{PROPOSALS}/{proposal['proposal_id']}", headers=caseworker.bearer)
    assert read_back.json() == approved.json()
    listed = http.get(PROPOSALS, params={"scheme": "uk-fr-2025"}, headers=accounts[Role.INSPECTOR].bearer)
    assert [p["proposal_id"] for p in listed.json()] == [proposal["proposal_id"]]


def test_the_proposer_cannot_approve_and_nothing_changes(
    http: TestClient, services: Services, accounts: dict[Role, Account], families: dict[str, str]
) -> None:
    proposer = accounts[Role.UK_SUPERVISOR]
    proposal = propose(http, proposer).json()

    problem(approve(http, proposer, proposal["proposal_id"]), 403, "separation_of_duties")

    assert set(statuses(services, families).values()) == {AdmissionStatus.ELIGIBLE}
    after = http.get(f"{PROPOSALS}/{proposal['proposal_id']}", headers=proposer.bearer).json()
    assert (after["status"], after["approval"]) == ("proposed", None)
    refused = [e for e in audit_outcomes(services) if e[3] == "refused 403 separation_of_duties"]
    assert [(who, record_ids) for who, _, record_ids, _ in refused] == [(proposer.user_id, (proposal["proposal_id"],))]


def test_a_repeated_idempotency_key_replays_and_another_body_is_refused(
    http: TestClient, services: Services, accounts: dict[Role, Account], families: dict[str, str]
) -> None:
    caseworker, supervisor = accounts[Role.UK_CASEWORKER], accounts[Role.UK_SUPERVISOR]
    first = propose(http, caseworker, key="round-0001", places=3)
    assert propose(http, caseworker, key="round-0001", places=3).json() == first.json()
    problem(propose(http, caseworker, key="round-0001", places=4), 409, "idempotency_conflict")
    proposal_id = first.json()["proposal_id"]

    approved = approve(http, supervisor, proposal_id, key="approve-0001")
    assert approve(http, supervisor, proposal_id, key="approve-0001").json() == approved.json()

    with services.uow() as uow:
        invites = [action for action in uow.admissions.get(families["afg3"]).actions if action.kind == "invite"]
    assert len(invites) == 1


def test_stale_amended_without_reason_and_paused_approvals_are_refused(
    http: TestClient, services: Services, accounts: dict[Role, Account], families: dict[str, str], uk_fr: Scheme
) -> None:
    caseworker, supervisor = accounts[Role.UK_CASEWORKER], accounts[Role.UK_SUPERVISOR]
    proposal_id = propose(http, caseworker, places=4).json()["proposal_id"]

    unexplained = approve(http, supervisor, proposal_id, remove=[families["vnm1"]])
    assert "reason" in problem(unexplained, 422, "amendment_refused")["detail"]

    newcomer = waiting_family(services, "FAM-ERI1", ADULT, nationality="ERI")
    stale = problem(approve(http, supervisor, proposal_id), 409, "stale_proposal")
    assert newcomer in stale["detail"]

    proposal_id = propose(http, caseworker, places=4).json()["proposal_id"]
    with services.uow() as uow:  # entry clearances for the whole tolerance with no returns: admissions pause
        ledger = uow.ledgers.get(uk_fr.id)
        ledger.commit_admission(25, date(2025, 9, 1), uk_fr.parity)
        uow.ledgers.save(ledger)
        uow.commit()
    problem(approve(http, supervisor, proposal_id), 409, "ledger_limit")
    problem(propose(http, caseworker), 409, "ledger_limit")

    assert set(statuses(services, {**families, "eri1": newcomer}).values()) == {AdmissionStatus.ELIGIBLE}


def test_a_family_cannot_be_invited_by_a_case_action(
    http: TestClient, services: Services, accounts: dict[Role, Account], families: dict[str, str]
) -> None:
    supervisor = accounts[Role.UK_SUPERVISOR]
    case_id = families["afg3"]
    version = http.get(f"/api/v1/admission-cases/{case_id}", headers=supervisor.bearer).headers["ETag"]

    refused = http.post(
        f"/api/v1/admission-cases/{case_id}/actions",
        json={"action": "invite", "payload": {}},
        headers={**supervisor.bearer, "If-Match": version},
    )

    assert "parity select propose" in problem(refused, 403, "approval_required")["detail"]
    assert statuses(services, families)["afg3"] is AdmissionStatus.ELIGIBLE


def test_bad_requests_name_the_field_and_unknown_proposals_are_404(
    http: TestClient, services: Services, accounts: dict[Role, Account]
) -> None:
    caseworker = accounts[Role.UK_CASEWORKER]
    bad = problem(propose(http, caseworker, places=0, method="simplex"), 422, "invalid_request")
    assert {error["field"] for error in bad["errors"]} == {"places", "method"}
    problem(propose(http, caseworker), 422, "invalid_command")  # nobody is waiting: nothing to propose
    approver = make_account(services, Role.UK_SUPERVISOR)
    problem(approve(http, approver, "no-such-proposal"), 404, "not_found")
    problem(http.get(f"{PROPOSALS}/no-such-proposal", headers=caseworker.bearer), 404, "not_found")
