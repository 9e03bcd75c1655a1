"""The read-only pages in real Chromium, in English and French: words, number formats, accessibility, print."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from tests.browser_support import screenshot, serious_accessibility_violations

from parity.accounts.roles import Role

from .conftest import LiveApp, sign_in

pytestmark = pytest.mark.browser
SCHEME = "uk-fr-2025"

WORDS = {
    "en": {
        "dashboard": "Parity dashboard",
        "returned": "People returned",
        "committee": "Joint Committee report: week starting 8 September 2025",
        "queue": "Deadlines work queue",
        "overdue": "Overdue by 12 days",
        "target": "Readmission request (target)",
    },
    "fr": {
        "dashboard": "Tableau de bord de la parité",
        "returned": "Personnes renvoyées",
        "committee": "Rapport au comité mixte : semaine du 8 septembre 2025",
        "queue": "File de travail des délais",
        "overdue": "En retard de 12\u00a0jours",
        "target": "Demande de réadmission (objectif)",
    },
}
# A figure above 999 in the 1-in-N table, as each locale writes it: "1,119" / "1 119" (narrow no-break space).
THOUSANDS = {"en": re.compile(r"^\d{1,3}(,\d{3})+$"), "fr": re.compile(r"^\d{1,3}(\u202f\d{3})+$")}


def open_page(page: Page, live_app: LiveApp, path: str, lang: str) -> None:
    response = page.goto(f"{live_app.url}{path}?lang={lang}")
    assert response is not None
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", lang)


def assert_accessible(page: Page) -> None:
    assert serious_accessibility_violations(page) == []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_dashboard(page: Page, live_app: LiveApp, lang: str) -> None:
    open_page(page, live_app, f"/schemes/{SCHEME}/dashboard", lang)
    words = WORDS[lang]
    expect(page.locator("h1")).to_have_text(words["dashboard"])
    expect(page.locator("svg.parity-chart")).to_have_count(4)
    expect(page.locator(".parity-figure table")).to_have_count(4)
    arrivals = page.locator("section.parity-figure").nth(3).locator("tbody tr td:nth-child(2)")
    assert any(THOUSANDS[lang].match(cell) for cell in arrivals.all_inner_texts())
    summary = page.locator(".govuk-summary-list__row", has_text=words["returned"])
    expect(summary.locator(".govuk-summary-list__value")).to_have_text("2")
    assert_accessible(page)
    screenshot(page, f"dashboard-{lang}")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_committee_report(page: Page, live_app: LiveApp, lang: str) -> None:
    open_page(page, live_app, f"/schemes/{SCHEME}/committee/2025-09-08", lang)
    expect(page.locator("h1")).to_have_text(WORDS[lang]["committee"])
    returned = page.locator(".govuk-summary-list__row", has_text=WORDS[lang]["returned"]).first
    expect(returned.locator(".govuk-summary-list__value")).to_have_text("2")
    for extension in ("csv", "ods"):
        link = page.locator(f"a[href*='.{extension}']")
        download = page.request.get(f"{live_app.url}{link.get_attribute('href')}")
        assert download.status == 200
    assert_accessible(page)
    screenshot(page, f"committee-report-{lang}")
    page.emulate_media(media="print")
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(page.locator(".parity-language-switch")).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_work_queue(page: Page, live_app: LiveApp, lang: str) -> None:
    open_page(page, live_app, f"/schemes/{SCHEME}/deadlines", lang)
    expect(page.locator("h1")).to_have_text(WORDS[lang]["queue"])
    first_row = page.locator("tbody tr").first
    expect(first_row.locator("th")).to_have_text(live_app.seeded.never_requested)
    expect(first_row).to_contain_text(WORDS[lang]["target"])
    expect(first_row.locator(".govuk-tag--red")).to_have_text(WORDS[lang]["overdue"])
    assert_accessible(page)
    screenshot(page, f"work-queue-{lang}")


def test_language_switch_keeps_the_page(page: Page, live_app: LiveApp) -> None:
    open_page(page, live_app, f"/schemes/{SCHEME}/committee/2025-09-08", "en")
    page.get_by_role("link", name="Français").click()
    expect(page.locator("h1")).to_have_text(WORDS["fr"]["committee"])
    assert page.url.startswith(f"{live_app.url}/schemes/{SCHEME}/committee/2025-09-08")
    page.get_by_role("link", name=WORDS["fr"]["queue"].split()[0]).count()  # navigation is in French too
    expect(page.get_by_role("link", name="Délais")).to_be_visible()


def test_pages_work_without_javascript(browser: object, live_app: LiveApp) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    sign_in(page, live_app, Role.UK_SUPERVISOR)
    open_page(page, live_app, f"/schemes/{SCHEME}/committee", "en")
    page.get_by_label("Week starting").select_option("2025-09-01")
    page.get_by_role("button", name="Show this week").click()
    expect(page.locator("h1")).to_have_text("Joint Committee report: week starting 1 September 2025")
    page.goto(f"{live_app.url}/schemes/{SCHEME}/dashboard")
    expect(page.locator("svg.parity-chart")).to_have_count(4)
    context.close()


def test_a_committee_member_signs_off_a_week(anonymous_page: Page, live_app: LiveApp) -> None:
    # The week of 1 September: the other tests read the week of the 8th, which stays unsigned for them.
    sign_in(anonymous_page, live_app, Role.COMMITTEE_MEMBER)
    open_page(anonymous_page, live_app, f"/schemes/{SCHEME}/committee/2025-09-01", "en")
    anonymous_page.locator("#sign-off button").click()
    anonymous_page.wait_for_load_state()
    expect(anonymous_page.locator(".govuk-inset-text")).to_contain_text("Signed off on")
    expect(anonymous_page.locator("#sign-off")).to_have_count(0)
    expect(anonymous_page.locator("body")).to_contain_text("No figure has changed since the week was signed off.")
    assert_accessible(anonymous_page)
    open_page(anonymous_page, live_app, f"/schemes/{SCHEME}/committee/2025-09-01", "fr")
    expect(anonymous_page.locator(".govuk-inset-text")).to_contain_text("Validée le")
    expect(anonymous_page.locator("#week")).to_contain_text("1 septembre 2025 (validée)")
