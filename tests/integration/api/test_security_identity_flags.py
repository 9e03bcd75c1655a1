"""A flag decision's reason is free text an officer typed about a person: the flag list, which needs no
personal-data scope and whose read is not audited, leaves it out, in the answer and in the OpenAPI schema."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from tests.api_support import Account
from tests.web_seed import seed_identity_flags

from parity.accounts.roles import Role
from parity.services.accounts import issue_token
from parity.services.audit import latest_entries
from parity.services.context import Services, SettableClock

FLAGS = "/api/v1/identity-flags"
REASON = "Hossein Rezaei, passport P-77, born 17/03/1994: the same man"


def test_a_case_flag_list_gives_no_decision_reason_to_a_token_without_personal_data_read(
    http: TestClient, services: Services, clock: SettableClock, accounts: dict[Role, Account]
) -> None:
    seed_identity_flags(services, clock)
    caseworker = accounts[Role.UK_CASEWORKER]
    flag = http.get(FLAGS, headers=caseworker.bearer).json()[0]
    decided = http.post(
        f"{FLAGS}/{flag['flag_id']}/decision", json={"same_person": True, "reason": REASON}, headers=caseworker.bearer
    )
    assert decided.status_code == 200, decided.text
    token = issue_token(
        services, str(uuid.uuid4()), caseworker.user_id, "no-pd", scopes=["returns:read", "admissions:read"]
    )
    before = latest_entries(services, 1)[0].seq

    listed = http.get(
        FLAGS, params={"case_id": flag["record"]["case_id"]}, headers={"Authorization": f"Bearer {token.token}"}
    )

    assert listed.status_code == 200, listed.text
    [decision] = [f["decision"] for f in listed.json() if f["decision"]]
    assert decision == {"same_person": True, "actor": caseworker.user_id, "decided_at": decision["decided_at"]}
    assert "Rezaei" not in listed.text
    assert "P-77" not in listed.text
    assert [e for e in latest_entries(services, 5) if e.seq > before] == []  # nothing personal was read


def test_the_flag_list_schema_has_no_decision_reason(http: TestClient) -> None:
    schema = http.get("/openapi.json").json()
    listed = schema["paths"][FLAGS]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    item = schema["components"]["schemas"][listed["items"]["$ref"].rsplit("/", 1)[1]]
    decision_ref = next(s["$ref"] for s in item["properties"]["decision"]["anyOf"] if "$ref" in s)
    decision = schema["components"]["schemas"][decision_ref.rsplit("/", 1)[1]]
    assert set(decision["properties"]) == {"same_person", "actor", "decided_at"}
    one = schema["paths"][FLAGS + "/{flag_id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    evidence = schema["components"]["schemas"][one["$ref"].rsplit("/", 1)[1]]
    evidence_ref = next(s["$ref"] for s in evidence["properties"]["decision"]["anyOf"] if "$ref" in s)
    assert "reason" in schema["components"]["schemas"][evidence_ref.rsplit("/", 1)[1]]["properties"]
