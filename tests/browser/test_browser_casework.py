"""Signing in and casework in real Chromium: the sign-in page in both languages, clear pages for a refusal and an
ended session, and one return case taken to "returned" by three people, with axe checking every page on the way."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from tests.browser_support import screenshot, serious_accessibility_violations

from parity.accounts.roles import Role
from parity.services.context import SettableClock

from .conftest import LiveApp, serve_seeded, sign_in

pytestmark = pytest.mark.browser
SCHEME = "uk-fr-2025"
WORDS = {
    "en": {"title": "Sign in to Parity", "problem": "There is a problem", "wrong": "The username, password or code"},
    "fr": {"title": "Se connecter à Parity", "problem": "Il y a un problème", "wrong": "Le nom d\u2019utilisateur"},
}


@pytest.fixture(scope="module")
def casework_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    """A server of its own: these tests change cases that the read-only pages' tests count."""
    with serve_seeded(tmp_path_factory.mktemp("browser-casework") / "parity.db") as app:
        yield app


def assert_accessible(page: Page) -> None:
    assert serious_accessibility_violations(page) == []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_sign_in_with_a_wrong_code_then_the_right_one(anonymous_page: Page, casework_app: LiveApp, lang: str) -> None:
    page = anonymous_page
    page.goto(f"{casework_app.url}/?lang={lang}")
    expect(page.locator("h1")).to_have_text(WORDS[lang]["title"])
    assert_accessible(page)
    screenshot(page, f"sign-in-{lang}")
    account = casework_app.accounts[Role.UK_CASEWORKER]
    page.locator("#username").fill(account.username)
    page.locator("#password").fill("correct horse battery staple")
    page.locator("#totp").fill("000000")
    page.locator("form button").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(WORDS[lang]["problem"])
    expect(page.locator("#username-error")).to_contain_text(WORDS[lang]["wrong"])
    expect(page.locator("#username")).to_have_value(account.username)
    assert_accessible(page)
    sign_in(page, casework_app, Role.UK_CASEWORKER, lang)
    expect(page.locator(".parity-sign-out")).to_contain_text(account.username)


def test_a_forbidden_page_and_an_ended_session_are_explained(anonymous_page: Page, casework_app: LiveApp) -> None:
    page = anonymous_page
    sign_in(page, casework_app, Role.COMMITTEE_MEMBER)
    response = page.goto(f"{casework_app.url}/schemes/{SCHEME}/deadlines?lang=en")
    assert response is not None
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("You cannot see this page")
    assert_accessible(page)
    clock = casework_app.services.clock
    assert isinstance(clock, SettableClock)
    before = clock.current
    clock.current = before + timedelta(minutes=31)
    try:
        response = page.goto(f"{casework_app.url}/schemes/{SCHEME}/dashboard?lang=fr")
    finally:
        clock.current = before
    assert response is not None
    assert response.status == 401
    expect(page.locator("h1")).to_have_text("Vous devez vous connecter")
    page.get_by_role("link", name="Se connecter").click()
    expect(page.locator("h1")).to_have_text(WORDS["fr"]["title"])


def act(page: Page, button: str) -> None:
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()


INADMISSIBLE = {
    "kind": "protection_claim",
    "state": "declared_inadmissible",
    "decided_on": "2025-09-17",
    "evidence": "Inadmissibility notice",
}
CASEWORK = {
    "en": {
        "detain": "Detain",
        "send": "Send the readmission request",
        "sent": "Request sent",
        "flight": "Flight reference",
        "departure": "Departure",
        "legal_event": "Record a legal event",
        "propose": "Propose the transfer",
        "approve": "Approve",
        "scheduled": "Transfer scheduled",
        "record": "Record the return",
        "returned": "Returned",
    },
    "fr": {
        "detain": "Placer en rétention",
        "send": "Envoyer la demande de réadmission",
        "sent": "Demande envoyée",
        "flight": "Référence du vol",
        "departure": "Départ",
        "legal_event": "Enregistrer un événement juridique",
        "propose": "Proposer le transfert",
        "approve": "Approuver",
        "scheduled": "Transfert programmé",
        "record": "Enregistrer le renvoi",
        "returned": "Renvoyé",
    },
}


@pytest.mark.parametrize(("lang", "person"), [("en", 0), ("fr", 1)])
def test_a_return_case_is_taken_to_returned_through_the_pages(
    browser: object, casework_app: LiveApp, lang: str, person: int
) -> None:
    words = CASEWORK[lang]
    case_id = casework_app.seeded.second_boat[person]
    case_url = f"{casework_app.url}/return-cases/{case_id}?lang={lang}"
    people = {}
    for role in (Role.UK_CASEWORKER, Role.FR_LIAISON, Role.UK_SUPERVISOR):
        context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
        people[role] = context.new_page()
        sign_in(people[role], casework_app, role, lang)
    caseworker, liaison, supervisor = people[Role.UK_CASEWORKER], people[Role.FR_LIAISON], people[Role.UK_SUPERVISOR]

    caseworker.goto(case_url)
    assert_accessible(caseworker)
    act(caseworker, words["detain"])
    act(caseworker, words["send"])
    expect(caseworker.locator("h1 + p .govuk-tag")).to_have_text(words["sent"])

    # The French liaison officer answers in French whatever the UK side's language.
    liaison.goto(f"{casework_app.url}/readmission-requests?lang=fr")
    liaison.get_by_role("link", name=case_id).click()
    assert_accessible(liaison)
    screenshot(liaison, "readmission-request-fr")
    liaison.get_by_label("Accepter la demande").check()
    act(liaison, "Envoyer la réponse")
    expect(liaison.locator(".govuk-notification-banner")).to_contain_text("Votre réponse a été enregistrée.")

    caseworker.goto(case_url)
    # Rule 8: the protection claim made on arrival must be declared inadmissible before a transfer can be approved.
    for field, value in INADMISSIBLE.items():
        caseworker.locator(f'[name="record_legal_event.{field}"]').fill(value)
    act(caseworker, words["legal_event"])
    caseworker.get_by_label(words["flight"]).fill("PLF-0917")
    caseworker.get_by_label(words["departure"]).fill("2025-09-17 11:20")  # London time: 10:20 UTC
    act(caseworker, words["propose"])
    expect(caseworker.locator("#proposals")).to_be_visible()

    supervisor.goto(case_url)
    act(supervisor, words["approve"])
    expect(supervisor.locator("h1 + p .govuk-tag")).to_have_text(words["scheduled"])

    # The return is recorded once the flight has left: 25 minutes on, within the sign-ins' idle time.
    clock = casework_app.services.clock
    assert isinstance(clock, SettableClock)
    stopped = clock.current
    clock.current = stopped + timedelta(minutes=25)
    try:
        caseworker.goto(case_url)
        act(caseworker, words["record"])
    finally:
        clock.current = stopped
    expect(caseworker.locator("h1 + p .govuk-tag")).to_have_text(words["returned"])
    assert_accessible(caseworker)
    screenshot(caseworker, f"return-case-{lang}")
    for page in people.values():
        page.context.close()
