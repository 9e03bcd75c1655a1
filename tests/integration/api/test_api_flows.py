"""The API end to end on SQLite and PostgreSQL: happy paths, every kind of refusal as problem+json, idempotent
replays, optimistic versions, separation of duties, data minimisation, sessions, and the audit trail."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.api_support import PASSWORD, Account, make_account, totp_now
from tests.builders import INADMISSIBLE_CLAIM
from tests.integration.api.test_security_tokens import session_headers

from parity.accounts.roles import Role
from parity.services.audit import latest_entries, verify
from parity.services.context import Services, SettableClock

PERSON = {
    "given_names": "Yonas",
    "family_name": "Tesfay",
    "nationality": "ERI",
    "sex": "M",
    "age_status": "adult",
    "grounds": ["protection_claim"],
    "departed_from": "FR",
    "transit_evidence": "Interview: stayed in Dunkirk camp",
    "date_of_birth": "1995-03-02",
}
ARRIVAL = {
    "scheme_id": "uk-fr-2025",
    "boat_ref": "SB-2025-09-01-01",
    "arrived_at": "2025-09-01T04:00:00+00:00",
    "place": "Dover",
    "people": [PERSON],
}


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["code"]) == (status, code)
    assert body["detail"]
    return body


def arrive(http: TestClient, who: Account) -> str:
    # A boat of its own each time: a boat already recorded is refused (test_api_duplicates.py).
    boat = {**ARRIVAL, "boat_ref": f"SB-{uuid.uuid4().hex[:12]}"}
    response = http.post("/api/v1/arrivals", json=boat, headers=who.bearer)
    assert response.status_code == 201, response.text
    return str(response.json()["cases"][0]["case_id"])


def act(http: TestClient, who: Account, case_id: str, action: str, version: int, **payload: Any) -> Any:
    return http.post(
        f"/api/v1/return-cases/{case_id}/actions",
        json={"action": action, "payload": payload},
        headers={**who.bearer, "If-Match": f'"{version}"'},
    )


def requested(http: TestClient, who: Account, clock: SettableClock) -> str:
    """A return case whose readmission request has been sent (version 2)."""
    case_id = arrive(http, who)
    clock.current += timedelta(hours=1)
    assert act(http, who, case_id, "detain", 0).status_code == 200
    assert act(http, who, case_id, "send_request", 1).status_code == 200
    return case_id


def audit_outcomes(services: Services) -> list[tuple[str, str, tuple[str, ...], str]]:
    return [
        (e.event.actor_id, e.event.action, e.event.record_ids, e.event.outcome) for e in latest_entries(services, 500)
    ]


def test_record_read_and_act_with_etags_and_an_audit_entry_for_each(
    http: TestClient, services: Services, accounts: dict[Role, Account], clock: SettableClock
) -> None:
    caseworker = accounts[Role.UK_CASEWORKER]
    case_id = arrive(http, caseworker)
    read = http.get(f"/api/v1/return-cases/{case_id}", headers=caseworker.bearer)
    assert read.status_code == 200
    assert read.headers["etag"] == '"0"'
    body = read.json()
    assert (body["status"], body["person"]["identity"]["family_name"]) == ("eligible", "Tesfay")
    assert "detain" in body["allowed_actions"]
    clock.current += timedelta(hours=1)
    done = act(http, caseworker, case_id, "detain", 0)
    assert done.status_code == 200
    assert done.headers["etag"] == '"1"'
    assert (done.json()["case_id"], done.json()["status"], done.json()["version"]) == (case_id, "detained", 1)
    entries = audit_outcomes(services)
    mine = [e for e in entries if e[0] == caseworker.user_id]
    assert {"return:detain", "record_arrival"} <= {e[1] for e in mine}
    reads = [e for e in mine if e[1] == "return_case:read"]
    assert reads
    assert case_id in reads[0][2]
    assert all("Tesfay" not in str(entry) for entry in entries)  # record ids, never personal data
    assert verify(services).ok


def test_a_missing_or_stale_if_match_is_refused_audited_and_changes_nothing(
    http: TestClient, services: Services, accounts: dict[Role, Account]
) -> None:
    caseworker = accounts[Role.UK_CASEWORKER]
    case_id = arrive(http, caseworker)
    url = f"/api/v1/return-cases/{case_id}/actions"
    problem(http.post(url, json={"action": "detain"}, headers=caseworker.bearer), 428, "precondition_required")
    stale = problem(act(http, caseworker, case_id, "detain", 7), 412, "stale_version")
    assert "version 0, not 7" in stale["detail"]
    problem(act(http, caseworker, case_id, "send_request", 0), 409, "illegal_transition")
    assert http.get(f"/api/v1/return-cases/{case_id}", headers=caseworker.bearer).headers["etag"] == '"0"'
    refusals = [e for e in audit_outcomes(services) if e[3].startswith("refused")]
    assert {e[3] for e in refusals} >= {
        "refused 428 precondition_required",
        "refused 412 stale_version",
        "refused 409 illegal_transition",
    }
    assert all(case_id in e[2] for e in refusals)


def test_a_payload_naming_a_reserved_field_is_refused_and_changes_nothing(
    http: TestClient, accounts: dict[Role, Account]
) -> None:
    caseworker, supervisor = accounts[Role.UK_CASEWORKER], accounts[Role.UK_SUPERVISOR]
    case_id = arrive(http, caseworker)
    refused = problem(act(http, caseworker, case_id, "detain", 0, place={"$sealed": None}), 422, "invalid_command")
    assert "field 'place.$sealed'" in refused["detail"]
    proposal = http.post(
        f"/api/v1/return-cases/{case_id}/proposals",
        json={"action": "schedule_transfer", "payload": {"flight_ref": "RM-19", "$sealed": "k1:AAAA"}},
        headers=supervisor.bearer,
    )
    assert "field '$sealed'" in problem(proposal, 422, "invalid_command")["detail"]
    assert http.get(f"/api/v1/return-cases/{case_id}", headers=caseworker.bearer).headers["etag"] == '"0"'
    assert http.get("/api/v1/return-proposals?status=proposed", headers=caseworker.bearer).json() == []


def test_an_idempotency_key_replays_and_refuses_a_different_body(
    http: TestClient, services: Services, accounts: dict[Role, Account]
) -> None:
    caseworker = accounts[Role.UK_CASEWORKER]
    headers = {**caseworker.bearer, "Idempotency-Key": "arrival-0001"}
    first = http.post("/api/v1/arrivals", json=ARRIVAL, headers=headers)
    again = http.post("/api/v1/arrivals", json=ARRIVAL, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    listed = http.get("/api/v1/return-cases", headers=caseworker.bearer).json()
    assert len(listed["items"]) == 1
    problem(
        http.post("/api/v1/arrivals", json={**ARRIVAL, "place": "Folkestone"}, headers=headers),
        409,
        "idempotency_conflict",
    )
    assert len(http.get("/api/v1/return-cases", headers=caseworker.bearer).json()["items"]) == 1
    assert ("record_arrival", "replayed") in {(e[1], e[3]) for e in audit_outcomes(services)}


def test_lists_are_paged_and_filtered(http: TestClient, accounts: dict[Role, Account], clock: SettableClock) -> None:
    caseworker = accounts[Role.UK_CASEWORKER]
    ids = sorted(arrive(http, caseworker) for _ in range(5))
    clock.current += timedelta(hours=1)
    assert act(http, caseworker, ids[0], "detain", 0).status_code == 200
    first = http.get("/api/v1/return-cases?limit=2", headers=caseworker.bearer).json()
    second = http.get(f"/api/v1/return-cases?limit=2&after={first['next_after']}", headers=caseworker.bearer).json()
    assert [c["case_id"] for c in first["items"] + second["items"]] == ids[:4]
    detained = http.get("/api/v1/return-cases?status=detained&scheme=uk-fr-2025", headers=caseworker.bearer).json()
    assert [c["case_id"] for c in detained["items"]] == [ids[0]]
    assert detained["next_after"] is None
    problem(http.get("/api/v1/return-cases?status=flying", headers=caseworker.bearer), 422, "invalid_request")
    problem(http.get("/api/v1/return-cases?limit=0", headers=caseworker.bearer), 422, "invalid_request")


def test_wrong_forged_expired_and_revoked_credentials_get_401(
    http: TestClient, services: Services, accounts: dict[Role, Account], clock: SettableClock
) -> None:
    analyst = accounts[Role.ANALYST]
    url = "/api/v1/schemes/uk-fr-2025/ledger"
    assert http.get(url, headers=analyst.bearer).status_code == 200
    problem(http.get(url), 401, "not_authenticated")
    problem(http.get(url, headers={"Authorization": "Bearer pty_forged"}), 401, "not_authenticated")
    admin = accounts[Role.ADMINISTRATOR]
    tokens = http.get(f"/api/v1/tokens?user_id={analyst.user_id}", headers=admin.bearer).json()
    assert http.post(f"/api/v1/tokens/{tokens[0]['token_id']}/revoke", headers=admin.bearer).status_code == 200
    assert "revoked" in problem(http.get(url, headers=analyst.bearer), 401, "not_authenticated")["detail"]
    ledger_reader = accounts[Role.COMMITTEE_MEMBER]
    clock.current += timedelta(days=91)
    assert "expired" in problem(http.get(url, headers=ledger_reader.bearer), 401, "not_authenticated")["detail"]
    assert sum(e[3] == "refused 401 not_authenticated" for e in audit_outcomes(services)) == 4


def test_a_forbidden_role_gets_403_naming_the_missing_scope(http: TestClient, accounts: dict[Role, Account]) -> None:
    case_id = arrive(http, accounts[Role.UK_CASEWORKER])
    for role in (Role.ANALYST, Role.COMMITTEE_MEMBER, Role.FR_LIAISON, Role.ADMINISTRATOR):
        body = problem(http.get(f"/api/v1/return-cases/{case_id}", headers=accounts[role].bearer), 403, "forbidden")
        assert "returns:read" in body["detail"] or "personal-data:read" in body["detail"]


def test_a_token_is_narrowed_to_its_scopes(http: TestClient, services: Services, accounts: dict[Role, Account]) -> None:
    supervisor = accounts[Role.UK_SUPERVISOR]
    issued = http.post(
        "/api/v1/session/tokens",
        json={"label": "ledger only", "scopes": ["ledger:read"], "days": 1},
        headers=session_headers(http, services, supervisor),
    )
    assert issued.status_code == 201
    assert issued.json()["user_id"] == supervisor.user_id
    narrow = {"Authorization": f"Bearer {issued.json()['token']}"}
    assert http.get("/api/v1/schemes/uk-fr-2025/ledger", headers=narrow).status_code == 200
    problem(http.get("/api/v1/return-cases", headers=narrow), 403, "forbidden")
    # A token mints no token, wider or not (only a signed-in session is issued one), nor are a role's scopes passed.
    problem(
        http.post("/api/v1/session/tokens", json={"label": "wider", "scopes": ["returns:read"]}, headers=narrow),
        403,
        "forbidden",
    )
    problem(http.post("/api/v1/session/tokens", json={"label": "default"}, headers=narrow), 403, "forbidden")
    wider = problem(
        http.post(
            "/api/v1/session/tokens",
            json={"label": "wider", "scopes": ["users:admin"]},
            headers=session_headers(http, services, accounts[Role.ANALYST]),
        ),
        422,
        "invalid_command",
    )
    assert "does not hold scope(s): users:admin" in wider["detail"]


def test_nobody_issues_a_token_for_someone_else(
    http: TestClient, services: Services, accounts: dict[Role, Account]
) -> None:
    # An administrator who could mint a supervisor's token could act as the supervisor, approve a removal in their
    # name and read personal data the administrator may not (docs/api.md, least privilege).
    admin, supervisor = accounts[Role.ADMINISTRATOR], accounts[Role.UK_SUPERVISOR]
    assert http.post(
        f"/api/v1/users/{supervisor.user_id}/tokens", json={"label": "x", "days": 1}, headers=admin.bearer
    ).status_code in {404, 405}
    own = http.post(
        "/api/v1/session/tokens",
        json={"label": "admin script", "days": 1},
        headers=session_headers(http, services, admin),
    )
    assert own.status_code == 201
    assert own.json()["user_id"] == admin.user_id
    assert "personal-data:read" not in own.json()["scopes"]


def test_the_french_liaison_officer_sees_a_minimised_request_and_sends_back_only_an_answer(
    http: TestClient, services: Services, accounts: dict[Role, Account], clock: SettableClock
) -> None:
    caseworker, liaison = accounts[Role.UK_CASEWORKER], accounts[Role.FR_LIAISON]
    waiting = arrive(http, caseworker)
    case_id = requested(http, caseworker, clock)
    listed = http.get("/api/v1/readmission-requests", headers=liaison.bearer).json()
    assert [c["case_id"] for c in listed["items"]] == [case_id]
    view = http.get(f"/api/v1/readmission-requests/{case_id}", headers=liaison.bearer)
    assert view.status_code == 200
    body = view.json()
    assert body["person"]["identity"]["family_name"] == "Tesfay"
    assert not {"actions", "deadlines", "allowed_actions", "legal_events"} & set(body)
    assert body["refusal_reasons"]
    problem(http.get(f"/api/v1/readmission-requests/{waiting}", headers=liaison.bearer), 404, "not_found")
    problem(
        http.post(
            f"/api/v1/readmission-requests/{case_id}/answer",
            json={"answer": "refuse", "reason": body["refusal_reasons"][0], "notes": "personal data"},
            headers={**liaison.bearer, "If-Match": '"2"'},
        ),
        422,
        "invalid_request",
    )
    problem(
        http.post(
            f"/api/v1/return-cases/{case_id}/actions",
            json={"action": "accept"},
            headers={**liaison.bearer, "If-Match": '"2"'},
        ),
        403,
        "forbidden",
    )
    answered = http.post(
        f"/api/v1/readmission-requests/{case_id}/answer",
        json={"answer": "refuse", "reason": body["refusal_reasons"][0]},
        headers={**liaison.bearer, "If-Match": '"2"'},
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "refused"
    problem(http.get(f"/api/v1/readmission-requests/{case_id}", headers=liaison.bearer), 404, "not_found")
    reads = [e for e in audit_outcomes(services) if e[1] == "readmission_request:read"]
    assert reads
    assert reads[0][0] == liaison.user_id


@pytest.mark.parametrize(
    ("action", "payload", "way_in"),
    [
        ("accept", {}, "/readmission-requests/"),
        ("refuse", {"reason": "public_order"}, "/readmission-requests/"),
        ("extend_reply", {"reason": "checking identity"}, "/readmission-requests/"),
        (
            "decide_identity_match",
            {"flag_id": "no-such-flag", "same_person": True, "reason": "made up", "model_version": "x"},
            "/identity-flags/",
        ),
        ("screen_eligible", {}, "records an arrival"),
    ],
)
def test_a_uk_officer_cannot_take_an_action_that_someone_else_takes(
    http: TestClient,
    *,
    accounts: dict[Role, Account],
    clock: SettableClock,
    action: str,
    payload: dict[str, Any],
    way_in: str,
) -> None:
    # Only the readmitting state answers its request (treaty Art. 4, rule 6); an identity decision answers a real
    # flag, on the flag; screening is Parity's own. The case file offers none of them, and sending one changes
    # nothing.
    caseworker = accounts[Role.UK_CASEWORKER]
    case_id = requested(http, caseworker, clock)
    case = http.get(f"/api/v1/return-cases/{case_id}", headers=caseworker.bearer).json()
    assert "escalate_overdue_reply" in case["allowed_actions"]
    assert action not in case["allowed_actions"]
    refused = problem(act(http, caseworker, case_id, action, 2, **payload), 403, "taken_elsewhere")
    assert way_in in refused["detail"]
    after = http.get(f"/api/v1/return-cases/{case_id}", headers=caseworker.bearer).json()
    assert (after["status"], after["version"], after["actions"]) == ("request_sent", 2, case["actions"])


def test_whoever_proposes_a_removal_cannot_approve_it(
    http: TestClient, services: Services, accounts: dict[Role, Account], clock: SettableClock
) -> None:
    caseworker, liaison = accounts[Role.UK_CASEWORKER], accounts[Role.FR_LIAISON]
    proposer = accounts[Role.UK_SUPERVISOR]
    approver = make_account(services, Role.UK_SUPERVISOR)
    case_id = requested(http, caseworker, clock)
    inadmissible = {**INADMISSIBLE_CLAIM, "decided_on": clock.current.date().isoformat()}
    assert act(http, caseworker, case_id, "record_legal_event", 2, **inadmissible).status_code == 200
    accepted = http.post(
        f"/api/v1/readmission-requests/{case_id}/answer",
        json={"answer": "accept"},
        headers={**liaison.bearer, "If-Match": '"3"'},
    )
    assert accepted.status_code == 200
    flight = {"departs_at": (clock.current + timedelta(days=3)).isoformat(), "flight_ref": "RM-19"}
    problem(act(http, caseworker, case_id, "schedule_transfer", 4, **flight), 403, "approval_required")
    proposed = http.post(
        f"/api/v1/return-cases/{case_id}/proposals",
        json={"action": "schedule_transfer", "payload": flight},
        headers=proposer.bearer,
    )
    assert proposed.status_code == 201, proposed.text
    proposal_id = proposed.json()["proposal_id"]
    problem(
        http.post(f"/api/v1/return-proposals/{proposal_id}/approve", headers=proposer.bearer),
        403,
        "separation_of_duties",
    )
    problem(http.post(f"/api/v1/return-proposals/{proposal_id}/approve", headers=caseworker.bearer), 403, "forbidden")
    assert http.get(f"/api/v1/return-cases/{case_id}", headers=caseworker.bearer).json()["status"] == "accepted"
    approved = http.post(f"/api/v1/return-proposals/{proposal_id}/approve", headers=approver.bearer)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert approved.json()["case"]["status"] == "transfer_scheduled"
    problem(
        http.post(f"/api/v1/return-proposals/{proposal_id}/reject", headers=approver.bearer), 409, "illegal_transition"
    )
    pending = http.get("/api/v1/return-proposals?status=proposed", headers=caseworker.bearer).json()
    assert pending == []


def test_sign_in_sessions_csrf_lockout_and_sign_out(
    http: TestClient, services: Services, accounts: dict[Role, Account], clock: SettableClock
) -> None:
    supervisor = accounts[Role.UK_SUPERVISOR]
    credentials = {"username": supervisor.username, "password": PASSWORD}
    problem(http.post("/api/v1/session", json=credentials), 401, "authentication_failed")  # no second factor
    signed = http.post("/api/v1/session", json={**credentials, "totp": totp_now(services, supervisor)})
    assert signed.status_code == 201, signed.text
    cookie = signed.headers["set-cookie"].lower()
    assert all(flag in cookie for flag in ("secure", "httponly", "samesite=strict"))
    csrf = signed.json()["csrf_token"]
    assert http.get("/api/v1/session").json()["username"] == supervisor.username
    case_id = arrive(http, supervisor)
    problem(http.post("/api/v1/arrivals", json=ARRIVAL), 403, "csrf_failed")
    assert http.post("/api/v1/arrivals", json=ARRIVAL, headers={"X-CSRF-Token": csrf}).status_code == 201
    clock.current += timedelta(minutes=31)
    problem(http.get(f"/api/v1/return-cases/{case_id}"), 401, "not_authenticated")
    signed = http.post("/api/v1/session", json={**credentials, "totp": totp_now(services, supervisor)})
    assert http.delete("/api/v1/session", headers={"X-CSRF-Token": signed.json()["csrf_token"]}).status_code == 204
    problem(http.get("/api/v1/session"), 401, "not_authenticated")


def test_five_failed_sign_ins_lock_the_account(
    http: TestClient, services: Services, accounts: dict[Role, Account], clock: SettableClock
) -> None:
    analyst = accounts[Role.ANALYST]
    for _ in range(5):
        problem(
            http.post("/api/v1/session", json={"username": analyst.username, "password": "wrong password!"}),
            401,
            "authentication_failed",
        )
    locked = problem(
        http.post("/api/v1/session", json={"username": analyst.username, "password": PASSWORD}), 429, "account_locked"
    )
    assert "locked until" in locked["detail"]
    clock.current += timedelta(minutes=16)
    assert http.post("/api/v1/session", json={"username": analyst.username, "password": PASSWORD}).status_code == 201
    refusals = [e for e in audit_outcomes(services) if e[1] == "session:sign_in" and e[3].startswith("refused")]
    assert len(refusals) == 6  # five wrong passwords, then one attempt while locked
    assert not [e for e in audit_outcomes(services) if e[1] == "POST /api/v1/session"]  # each refusal once, not twice


def test_a_name_no_account_has_is_locked_alike_so_the_lockout_tells_no_one_which_names_exist(
    http: TestClient, clock: SettableClock
) -> None:
    ghost = f"ghost-{uuid.uuid4().hex[:8]}"
    answers = [
        http.post("/api/v1/session", json={"username": ghost, "password": "wrong password!"}).status_code
        for _ in range(6)
    ]
    assert answers == [401] * 5 + [429]
    locked = problem(
        http.post("/api/v1/session", json={"username": ghost, "password": "x" * 12}), 429, "account_locked"
    )
    assert "locked until" in locked["detail"]
    clock.current += timedelta(minutes=16)
    problem(http.post("/api/v1/session", json={"username": ghost, "password": "x" * 12}), 401, "authentication_failed")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "malformed_json"),
        (b'{"scheme_id": 7}', 422, "invalid_request"),
        (b"[]", 422, "invalid_request"),
    ],
)
def test_malformed_and_wrongly_typed_bodies_get_a_clear_4xx(
    http: TestClient, accounts: dict[Role, Account], body: bytes, status: int, code: str
) -> None:
    headers = {**accounts[Role.UK_CASEWORKER].bearer, "Content-Type": "application/json"}
    problem(http.post("/api/v1/arrivals", content=body, headers=headers), status, code)


def test_unknown_fields_are_named_and_oversized_bodies_refused(http: TestClient, accounts: dict[Role, Account]) -> None:
    caseworker = accounts[Role.UK_CASEWORKER]
    unknown = problem(
        http.post("/api/v1/arrivals", json={**ARRIVAL, "colour": "red"}, headers=caseworker.bearer),
        422,
        "invalid_request",
    )
    assert "colour" in unknown["detail"]
    wrong = problem(
        http.post("/api/v1/arrivals", json={**ARRIVAL, "people": [{**PERSON, "sex": "X"}]}, headers=caseworker.bearer),
        422,
        "invalid_request",
    )
    assert "people.0.sex" in wrong["detail"]
    huge = {**ARRIVAL, "place": "x" * (3 * 1024 * 1024)}
    problem(http.post("/api/v1/arrivals", json=huge, headers=caseworker.bearer), 413, "body_too_large")
    problem(http.get("/api/v1/return-cases?limit=1&limit=2", headers=caseworker.bearer), 400, "repeated_parameter")
    services = http.app.state.services  # type: ignore[attr-defined]
    early = {(e[1], e[3]) for e in audit_outcomes(services) if "before routing" in e[1]}
    assert early == {
        ("POST (before routing)", "refused 413 body_too_large"),
        ("GET (before routing)", "refused 400 repeated_parameter"),
    }


def test_the_audit_log_has_no_route_that_changes_it(app: Any) -> None:
    audit = {path: set(ops) for path, ops in app.openapi()["paths"].items() if path.startswith("/api/v1/audit")}
    assert audit
    assert all(methods == {"get"} for methods in audit.values())


@pytest.mark.parametrize(
    "path", ["/api/v1/return-proposals", "/api/v1/admission-proposals", "/api/v1/selection-proposals"]
)
def test_proposals_hold_free_text_about_people_so_reading_them_needs_personal_data_and_is_audited(
    http: TestClient, services: Services, accounts: dict[Role, Account], path: str
) -> None:
    caseworker = accounts[Role.UK_CASEWORKER]
    without = http.post(
        "/api/v1/session/tokens",
        json={"label": "reads cases, not people", "scopes": ["returns:read", "admissions:read"], "days": 1},
        headers=session_headers(http, services, caseworker),
    ).json()["token"]
    refused = problem(http.get(path, headers={"Authorization": f"Bearer {without}"}), 403, "forbidden")
    assert "personal-data:read" in refused["detail"]
    assert http.get(path, headers=caseworker.bearer).status_code == 200
    reads = [entry for entry in audit_outcomes(services) if entry[1].endswith("proposals:read")]
    assert [(who, outcome) for who, _, _, outcome in reads] == [(caseworker.user_id, "read")]
