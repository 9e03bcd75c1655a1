"""Every route by every role: allowed or refused (403), from one explicit table. A route without an entry fails."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.api_support import Account

from parity.accounts.roles import Role

R = Role
ALL = frozenset(Role)
PUBLIC: frozenset[Role] = frozenset()  # no authentication at all
# Every role, but from a signed-in session only: a token is refused (403), so these tests, which call with each
# role's token, see 403 for every role (tests/integration/api/test_security_tokens.py signs in).
SESSION_ONLY = frozenset(Role)
UK_CASEWORK = frozenset({R.UK_CASEWORKER, R.UK_SUPERVISOR})
UK_READERS = UK_CASEWORK | {R.INSPECTOR}
SUPERVISOR = frozenset({R.UK_SUPERVISOR})
LIAISON = frozenset({R.FR_LIAISON})
AGGREGATES = frozenset({R.UK_SUPERVISOR, R.COMMITTEE_MEMBER, R.INSPECTOR, R.ANALYST, R.ADMINISTRATOR})
AUDITORS = frozenset({R.INSPECTOR, R.ADMINISTRATOR})
ADMIN = frozenset({R.ADMINISTRATOR})

# (method, path) -> the roles allowed. Written out, not derived from ROLE_SCOPES, so a change of either shows here.
TABLE: dict[tuple[str, str], frozenset[Role]] = {
    ("POST", "/api/v1/session"): PUBLIC,
    ("GET", "/api/v1/session"): ALL,
    ("DELETE", "/api/v1/session"): ALL,
    ("GET", "/api/v1/schemes"): ALL,
    ("GET", "/api/v1/schemes/{scheme_id}"): ALL,
    ("GET", "/api/v1/schemes/{scheme_id}/ledger"): ALL,
    ("GET", "/api/v1/schemes/{scheme_id}/case-counts"): AGGREGATES,
    ("GET", "/api/v1/schemes/{scheme_id}/deadlines"): UK_READERS,
    ("POST", "/api/v1/arrivals"): UK_CASEWORK,
    ("POST", "/api/v1/arrivals/imports"): UK_CASEWORK,
    ("GET", "/api/v1/return-cases"): UK_READERS,
    ("GET", "/api/v1/return-cases/{case_id}"): UK_READERS,
    ("POST", "/api/v1/return-cases/{case_id}/actions"): UK_CASEWORK,
    ("POST", "/api/v1/return-cases/{case_id}/proposals"): UK_CASEWORK,
    ("GET", "/api/v1/return-proposals"): UK_READERS,
    ("POST", "/api/v1/return-proposals/{proposal_id}/approve"): SUPERVISOR,
    ("POST", "/api/v1/return-proposals/{proposal_id}/reject"): SUPERVISOR,
    ("GET", "/api/v1/readmission-requests"): LIAISON,
    ("GET", "/api/v1/readmission-requests/{case_id}"): LIAISON,
    ("POST", "/api/v1/readmission-requests/{case_id}/answer"): LIAISON,
    ("POST", "/api/v1/admission-cases"): UK_CASEWORK,
    ("GET", "/api/v1/admission-cases"): UK_READERS,
    ("GET", "/api/v1/admission-cases/{case_id}"): UK_READERS,
    ("POST", "/api/v1/admission-cases/{case_id}/actions"): UK_CASEWORK,
    ("POST", "/api/v1/admission-cases/{case_id}/proposals"): UK_CASEWORK,
    ("GET", "/api/v1/admission-proposals"): UK_READERS,
    ("POST", "/api/v1/admission-proposals/{proposal_id}/approve"): SUPERVISOR,
    ("POST", "/api/v1/admission-proposals/{proposal_id}/reject"): SUPERVISOR,
    ("POST", "/api/v1/selection-proposals"): UK_CASEWORK,
    ("GET", "/api/v1/selection-proposals"): UK_READERS,
    ("GET", "/api/v1/selection-proposals/{proposal_id}"): UK_READERS,
    ("POST", "/api/v1/selection-proposals/{proposal_id}/approve"): SUPERVISOR,
    ("GET", "/api/v1/identity-flags"): UK_READERS,
    ("GET", "/api/v1/identity-flags/{flag_id}"): UK_READERS,
    ("POST", "/api/v1/identity-flags/{flag_id}/decision"): UK_CASEWORK,
    ("GET", "/api/v1/users"): ADMIN,
    ("POST", "/api/v1/users"): ADMIN,
    ("POST", "/api/v1/users/{user_id}/disable"): ADMIN,
    ("GET", "/api/v1/tokens"): ADMIN,
    ("POST", "/api/v1/session/tokens"): SESSION_ONLY,
    ("POST", "/api/v1/tokens/{token_id}/revoke"): ADMIN,
    ("GET", "/api/v1/audit/entries"): AUDITORS,
    ("GET", "/api/v1/audit/verification"): AUDITORS,
}


def api_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every operation the app serves under /api/. Read from its OpenAPI document: this FastAPI includes routers
    lazily, so `app.routes` holds one entry per included router rather than each route."""
    return {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        if path.startswith("/api/")
        for method in operations
    }


def test_every_route_has_an_entry_and_every_entry_a_route(app: FastAPI) -> None:
    routes = api_routes(app)
    assert routes - TABLE.keys() == set(), "add these routes to TABLE, with the roles allowed"
    assert TABLE.keys() - routes == set(), "these entries name no route"


def test_every_route_admits_exactly_its_roles(http: TestClient, accounts: dict[Role, Account], app: FastAPI) -> None:
    seen: dict[tuple[str, str, Role], int] = {}
    for method, path in sorted(api_routes(app)):
        url = path.replace("{scheme_id}", "uk-fr-2025").replace("{", "").replace("}", "")
        for role, account in accounts.items():
            body = {} if method == "POST" else None
            response = http.request(method, url, json=body, headers=account.bearer)
            seen[method, path, role] = response.status_code
    wrong = []
    for (method, path, role), status in seen.items():
        allowed = (role in TABLE[method, path] or TABLE[method, path] is PUBLIC) and TABLE[
            method, path
        ] is not SESSION_ONLY
        if allowed and status in {401, 403}:
            wrong.append(f"{role.value} refused ({status}) on {method} {path}")
        if not allowed and status != 403:
            wrong.append(f"{role.value} not refused ({status}) on {method} {path}")
    assert wrong == []


def test_every_protected_route_refuses_the_anonymous(http: TestClient) -> None:
    for (method, path), roles in sorted(TABLE.items()):
        if roles is PUBLIC:
            continue
        response = http.request(method, path.replace("{", "").replace("}", ""), json={} if method == "POST" else None)
        assert (method, path, response.status_code) == (method, path, 401)
        assert response.headers["content-type"] == "application/problem+json"
