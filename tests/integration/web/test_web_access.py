"""Signing in and out through the pages, what each role sees, and clear pages for refusals and ended sessions."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.api_support import PASSWORD, Account, make_account, totp_now
from tests.web_seed import SCHEME, Seeded

from parity.accounts.roles import Role
from parity.services.audit import latest_entries
from parity.services.context import Services, SettableClock

from .conftest import https_client, post_sign_in

SignIn = Callable[[Role], TestClient]


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


def test_someone_not_signed_in_is_sent_to_sign_in_or_told_to(app: FastAPI) -> None:
    anonymous = https_client(app)
    home = anonymous.get("/", follow_redirects=False)
    assert (home.status_code, home.headers["location"]) == (303, "/sign-in")
    page = anonymous.get(f"/schemes/{SCHEME}/deadlines?lang=fr")
    assert page.status_code == 401
    assert "Vous devez vous connecter" in page.text
    assert f"/sign-in?next=/schemes/{SCHEME}/deadlines" in page.text.replace("%2F", "/")


def test_sign_in_refused_shows_the_error_summary_and_keeps_the_username(app: FastAPI, accounts: dict) -> None:
    account: Account = accounts[Role.UK_CASEWORKER]
    response = post_sign_in(https_client(app), {"username": account.username, "password": PASSWORD, "totp": "000000"})
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "The username, password or code is not right" in response.text
    assert f'value="{account.username}"' in response.text
    assert "parity_session" not in response.headers.get("set-cookie", "")


def test_an_empty_field_is_named_next_to_it(app: FastAPI) -> None:
    response = post_sign_in(https_client(app), {"username": "x", "password": "", "totp": ""}, "/sign-in?lang=fr")
    assert response.status_code == 400
    assert 'href="#password"' in response.text
    assert "Saisissez votre mot de passe" in response.text


def test_five_failures_lock_the_account_and_say_until_when(app: FastAPI, seeded: tuple[Services, Seeded]) -> None:
    account = make_account(seeded[0], Role.ANALYST)
    client = https_client(app)
    for _ in range(5):
        post_sign_in(client, {"username": account.username, "password": "wrong password!", "totp": "1"})
    response = post_sign_in(client, {"username": account.username, "password": PASSWORD, "totp": "1"})
    assert "this account is locked until" in response.text


def test_after_sign_in_the_page_asked_for_opens(app: FastAPI, seeded: tuple[Services, Seeded]) -> None:
    account = make_account(seeded[0], Role.UK_CASEWORKER)
    form = {
        "username": account.username,
        "password": PASSWORD,
        "totp": totp_now(seeded[0], account),
        "next": f"/schemes/{SCHEME}/deadlines",
    }
    response = post_sign_in(https_client(app), form)
    assert (response.status_code, response.headers["location"]) == (303, f"/schemes/{SCHEME}/deadlines")
    cookie = response.headers["set-cookie"]
    for attribute in ("HttpOnly", "Secure", "SameSite=strict"):
        assert attribute in cookie


def test_a_sign_in_posted_without_the_form_token_or_from_another_site_is_refused(
    app: FastAPI, seeded: tuple[Services, Seeded]
) -> None:
    account = make_account(seeded[0], Role.UK_CASEWORKER)
    form = {"username": account.username, "password": PASSWORD, "totp": totp_now(seeded[0], account)}
    forged = https_client(app).post("/sign-in", data=form, follow_redirects=False)
    assert forged.status_code == 400
    assert "This sign-in form has expired or was sent from another site" in forged.text
    assert "parity_session" not in forged.headers.get("set-cookie", "")
    client = https_client(app)
    token = re.search(r'name="sign_in_token" value="([^"]+)"', client.get("/sign-in").text)
    assert token is not None
    signed_form = {**form, "sign_in_token": token.group(1)}

    def post_from(origin: str) -> httpx.Response:
        return client.post("/sign-in", data=signed_form, headers={"Origin": origin}, follow_redirects=False)

    elsewhere = post_from("https://evil.example")
    assert elsewhere.status_code == 400
    assert "parity_session" not in elsewhere.headers.get("set-cookie", "")
    other_token = {**form, "sign_in_token": "not-the-token-that-was-set"}
    assert client.post("/sign-in", data=other_token, follow_redirects=False).status_code == 400
    # The same form, from this site with its own token, signs in (and so the refusals above were not a lockout).
    same_site = post_from("https://testserver")
    assert same_site.status_code == 303
    assert "parity_session" in same_site.headers["set-cookie"]


def test_only_paths_of_this_site_are_followed_after_sign_in(app: FastAPI) -> None:
    for target in ("//evil.example/", "https://evil.example/"):
        page = https_client(app).get(f"/sign-in?next={target}")
        assert 'name="next" value="/"' in page.text


def test_each_role_sees_only_the_pages_it_may_use(signed_in: SignIn) -> None:
    navigation = {
        Role.UK_CASEWORKER: {"Deadlines", "Record an arrival", "Return cases", "Admission cases", "Selection"},
        Role.INSPECTOR: {"Deadlines", "Return cases", "Admission cases", "Selection", "Joint Committee report"},
        Role.FR_LIAISON: {"Readmission requests"},
        Role.COMMITTEE_MEMBER: {"Joint Committee report"},
    }
    every = {
        "Deadlines",
        "Record an arrival",
        "Return cases",
        "Admission cases",
        "Selection",
        "Readmission requests",
        "Joint Committee report",
    }
    for role, shown in navigation.items():
        html = signed_in(role).get(f"/schemes/{SCHEME}/dashboard?lang=en").text
        links = set(re.findall(r'class="govuk-service-navigation__link"[^>]*>\s*([^<]+?)\s*<', html))
        assert links & every == shown, role
        targets = re.findall(r'class="govuk-service-navigation__link" href="([^"]+)"', html)
        assert targets
        assert [t for t in targets if t.startswith("/api/")] == []  # pages, never the API's JSON


def test_a_page_beyond_the_role_gives_a_clear_forbidden_page(signed_in: SignIn) -> None:
    response = signed_in(Role.COMMITTEE_MEMBER).get(f"/schemes/{SCHEME}/deadlines?lang=en")
    assert response.status_code == 403
    assert "You cannot see this page" in response.text
    liaison = signed_in(Role.FR_LIAISON)
    assert liaison.get("/return-cases").status_code == 403


def test_an_expired_session_gives_the_sign_in_page_not_an_error(
    signed_in: SignIn, seeded: tuple[Services, Seeded]
) -> None:
    client = signed_in(Role.UK_SUPERVISOR)
    clock = seeded[0].clock
    assert isinstance(clock, SettableClock)
    before = clock.current
    clock.current = before + timedelta(minutes=31)
    try:
        response = client.get(f"/schemes/{SCHEME}/dashboard?lang=en")
    finally:
        clock.current = before
    assert response.status_code == 401
    assert "You need to sign in" in response.text


def test_sign_out_needs_the_forms_csrf_token_and_ends_the_session(signed_in: SignIn) -> None:
    client = signed_in(Role.UK_SUPERVISOR)
    page = client.get(f"/schemes/{SCHEME}/dashboard")
    assert client.post("/sign-out", data={}, follow_redirects=False).status_code == 403
    out = client.post("/sign-out", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert out.status_code == 303
    client.cookies.clear()
    assert client.get(f"/schemes/{SCHEME}/dashboard").status_code == 401


def test_the_api_still_answers_problem_json_for_unknown_addresses(app: FastAPI) -> None:
    response = https_client(app).get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_pages_and_api_answers_are_never_stored_nor_framed_and_static_assets_may_be_cached(
    signed_in: SignIn, seeded: tuple[Services, Seeded]
) -> None:
    # A case page holds personal data: no browser or proxy may keep a copy (OWASP ASVS V8.2.1), no other site may
    # frame it, and no content type is guessed.
    supervisor = signed_in(Role.UK_SUPERVISOR)
    case_page = supervisor.get(f"/return-cases/{seeded[1].refused}")
    api_answer = supervisor.get(f"/api/v1/return-cases/{seeded[1].refused}")
    refused = supervisor.get("/api/v1/audit/entries")
    for response in (case_page, api_answer, refused):
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert (case_page.status_code, api_answer.status_code, refused.status_code) == (200, 200, 403)
    stylesheet = supervisor.get("/static/parity.css")
    assert stylesheet.status_code == 200
    assert "no-store" not in stylesheet.headers.get("cache-control", "")
    assert stylesheet.headers["x-content-type-options"] == "nosniff"


def test_a_page_refused_is_audited_and_web_reads_are_told_from_api_ones(
    signed_in: SignIn, seeded: tuple[Services, Seeded]
) -> None:
    # An inspector must see who was turned away, and from which way in.
    services, ids = seeded
    liaison = signed_in(Role.FR_LIAISON)
    assert liaison.get(f"/return-cases/{ids.refused}").status_code == 403
    assert liaison.get(f"/readmission-requests/{ids.returned[0]}").status_code == 404
    supervisor = signed_in(Role.UK_SUPERVISOR)
    assert supervisor.get(f"/return-cases/{ids.refused}").status_code == 200

    entries = [e.event for e in latest_entries(services, 30)]
    refusals = {(e.action, e.record_ids, e.outcome) for e in entries if e.outcome.startswith("refused")}
    assert ("GET /return-cases/{case_id}", (ids.refused,), "refused 403 forbidden") in refusals
    assert ("GET /readmission-requests/{case_id}", (ids.returned[0],), "refused 404 not_found") in refusals
    read = next(e for e in entries if e.action == "return_case:read")
    assert read.origin.startswith("web ")
    assert read.origin.endswith("(session)")
