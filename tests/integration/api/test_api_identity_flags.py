"""Identity flags over the API, on SQLite and PostgreSQL: the list carries no names; one flag's evidence is an
audited read of personal data; a person decides once, and the decision is recorded on the case with the model
version (rules 11 and 16)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.api_support import Account
from tests.integration.api.test_api_flows import audit_outcomes, problem
from tests.web_seed import seed_identity_flags

from parity.accounts.roles import Role
from parity.services.context import Services, SettableClock

FLAGS = "/api/v1/identity-flags"


@pytest.fixture
def flagged(services: Services, clock: SettableClock) -> Services:
    """An arrival, an applicant who may be the same man (one flag), then a second arrival (two flags)."""
    seed_identity_flags(services, clock)
    return services


def test_pending_flags_come_oldest_first_without_names(
    http: TestClient, flagged: Services, accounts: dict[Role, Account]
) -> None:
    listed = http.get(FLAGS, headers=accounts[Role.INSPECTOR].bearer)

    assert listed.status_code == 200, listed.text
    flags = listed.json()
    assert len(flags) == 3
    assert [f["raised_at"] for f in flags] == sorted(f["raised_at"] for f in flags)
    assert {f["status"] for f in flags} == {"pending"}
    assert {f["model_version"] for f in flags} == {flagged.identity.model_version}
    first = flags[0]
    assert (first["record"]["source"], first["candidate"]["source"]) == ("admission", "arrival")
    assert sum(first["contributions"].values()) == pytest.approx(first["match_weight"], abs=0.01)
    assert "Hossein" not in listed.text
    assert "Rezaei" not in listed.text


def test_one_flag_shows_both_records_and_the_read_is_audited(
    http: TestClient, flagged: Services, accounts: dict[Role, Account]
) -> None:
    flag_id = http.get(FLAGS, headers=accounts[Role.INSPECTOR].bearer).json()[0]["flag_id"]

    shown = http.get(f"{FLAGS}/{flag_id}", headers=accounts[Role.INSPECTOR].bearer)

    assert shown.status_code == 200, shown.text
    evidence = shown.json()
    assert evidence["record_person"]["family_name"] == "Rezaee"
    assert evidence["candidate_person"]["family_name"] == "Rezaei"
    assert evidence["candidate_person"]["date_of_birth"] == "1994-03-17"
    read = [o for o in audit_outcomes(flagged) if o[1] == "identity_flag:read"]
    assert [(actor, ids[0], outcome) for actor, _, ids, outcome in read] == [
        (accounts[Role.INSPECTOR].user_id, flag_id, "read")
    ]
    assert http.get(f"{FLAGS}/no-such-flag", headers=accounts[Role.INSPECTOR].bearer).status_code == 404


def test_same_person_excludes_the_applicant_once_and_records_the_model_version(
    http: TestClient, flagged: Services, accounts: dict[Role, Account]
) -> None:
    caseworker = accounts[Role.UK_CASEWORKER]
    flag = http.get(FLAGS, headers=caseworker.bearer).json()[0]
    admission_case = flag["record"]["case_id"]
    body = {"same_person": True, "reason": "Same passport number P-77; photographs compared"}
    headers = {**caseworker.bearer, "Idempotency-Key": "decide-flag-0001"}

    decided = http.post(f"{FLAGS}/{flag['flag_id']}/decision", json=body, headers=headers)
    replayed = http.post(f"{FLAGS}/{flag['flag_id']}/decision", json=body, headers=headers)
    again = http.post(f"{FLAGS}/{flag['flag_id']}/decision", json=body, headers=accounts[Role.UK_SUPERVISOR].bearer)

    assert decided.status_code == 200, decided.text
    result = decided.json()
    assert result["status"] == "same_person"
    assert result["model_version"] == flagged.identity.model_version
    assert [(c["case_id"], c["action"], c["recorded"]) for c in result["cases"]] == [
        (admission_case, "decide_identity_match", True),
        (admission_case, "record_exclusion", True),
    ]
    assert replayed.json() == result  # the same key replays, and decides nothing twice
    problem(again, 422, "invalid_command")  # someone decided it first
    with flagged.uow() as uow:
        actions = uow.admissions.get(admission_case).actions
    assert [a.kind for a in actions[-2:]] == ["decide_identity_match", "record_exclusion"]
    assert actions[-2].payload["model_version"] == flagged.identity.model_version
    assert actions[-2].actor == caseworker.user_id
    assert http.get(FLAGS, headers=caseworker.bearer).json()[0]["flag_id"] != flag["flag_id"]
    of_case = http.get(FLAGS, params={"case_id": admission_case}, headers=caseworker.bearer).json()
    assert [(f["flag_id"], f["status"], f["decision"]["actor"]) for f in of_case] == [
        (flag["flag_id"], "same_person", caseworker.user_id)
    ]
    one = http.get(f"{FLAGS}/{flag['flag_id']}", headers=caseworker.bearer).json()
    assert one["decision"]["reason"] == body["reason"]  # the reason only with the flag itself (an audited read)


def test_a_decision_needs_a_reason_and_the_liaison_officer_has_no_access(
    http: TestClient, flagged: Services, accounts: dict[Role, Account]
) -> None:
    caseworker, liaison = accounts[Role.UK_CASEWORKER], accounts[Role.FR_LIAISON]
    flag_id = http.get(FLAGS, headers=caseworker.bearer).json()[0]["flag_id"]

    no_reason = http.post(f"{FLAGS}/{flag_id}/decision", json={"same_person": False}, headers=caseworker.bearer)
    blank = http.post(
        f"{FLAGS}/{flag_id}/decision", json={"same_person": False, "reason": "  "}, headers=caseworker.bearer
    )

    assert "reason" in problem(no_reason, 422, "invalid_request")["detail"]
    problem(blank, 422, "invalid_command")
    assert http.get(FLAGS, headers=liaison.bearer).status_code == 403
    assert http.get(f"{FLAGS}/{flag_id}", headers=liaison.bearer).status_code == 403
    decided = http.post(
        f"{FLAGS}/{flag_id}/decision", json={"same_person": True, "reason": "x"}, headers=liaison.bearer
    )
    assert decided.status_code == 403
    with flagged.uow() as uow:
        assert uow.identity.flag(flag_id).decision is None
