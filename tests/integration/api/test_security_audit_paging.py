"""Paging back through the audit log past the largest position it can hold is refused (422), never a 500."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.api_support import Account

from parity.accounts.roles import Role

ENTRIES = "/api/v1/audit/entries"


def test_a_position_beyond_64_bits_is_refused_as_invalid(http: TestClient, accounts: dict[Role, Account]) -> None:
    inspector = accounts[Role.INSPECTOR]
    beyond = http.get(ENTRIES, params={"before": 2**63}, headers=inspector.bearer)
    assert beyond.status_code == 422, beyond.text
    assert beyond.json()["code"] == "invalid_request"
    assert http.get(ENTRIES, params={"before": 2**63 - 1}, headers=inspector.bearer).status_code == 200
