"""What an anonymous caller types into an address is not copied into the append-only audit log, and no record id
the log holds is longer than its columns; the hash chain still verifies."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.api_support import Account

from parity.accounts.roles import Role
from parity.services.audit import FIELD_LIMIT, latest_entries, record_access, verify
from parity.services.context import Services

TYPED = "Amanuel Kidane born 2011-04-23 passport ER1234567"


def test_a_refused_address_holding_a_name_is_audited_without_it(
    http: TestClient, services: Services, accounts: dict[Role, Account]
) -> None:
    assert http.get(f"/api/v1/return-cases/{TYPED}").status_code == 401
    assert http.get("/api/v1/return-cases/" + "A" * 60_000).status_code == 401
    analyst = accounts[Role.ANALYST]
    real = "3f2c6a1e-6b1d-4e43-9a57-0c1a4e3b9d20"
    assert http.get(f"/api/v1/return-cases/{real}", headers=analyst.bearer).status_code == 403

    refused = [e.event for e in latest_entries(services, 3)]

    assert [(e.action, e.record_ids, e.outcome) for e in refused] == [
        ("GET /return-cases/{case_id}", (real,), "refused 403 forbidden"),
        ("GET /return-cases/{case_id}", ("(not an id)",), "refused 401 not_authenticated"),
        ("GET /return-cases/{case_id}", ("(not an id)",), "refused 401 not_authenticated"),
    ]
    assert verify(services).ok


def test_a_record_id_longer_than_the_logs_columns_is_cut_and_the_chain_still_verifies(
    app: FastAPI,  # gives the services an audit signing key
    services: Services,
) -> None:
    record_access(services, "test:read", ["B" * 60_000, "short"])

    [entry] = latest_entries(services, 1)

    assert entry.event.record_ids == ("B" * FIELD_LIMIT, "short")
    assert verify(services).ok
