"""The intake form in real Chromium, in both languages: a boat with one wrong field is refused with the error next
to the field and what was typed kept; axe finds no serious or critical problem on the form or the refusal."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from tests.browser_support import screenshot, serious_accessibility_violations

from parity.accounts.roles import Role

from .conftest import LiveApp, sign_in

pytestmark = pytest.mark.browser
SCHEME = "uk-fr-2025"
WORDS = {
    "en": {"problem": "There is a problem", "nationality": "Enter the nationality of person 1 as 3 letters"},
    "fr": {"problem": "Il y a un problème", "nationality": "Saisissez la nationalité de la personne 1 en 3 lettres"},
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_wrong_field_on_the_intake_form_is_named_next_to_it(
    anonymous_page: Page, live_app: LiveApp, lang: str
) -> None:
    page = anonymous_page
    sign_in(page, live_app, Role.UK_CASEWORKER, lang)
    page.goto(f"{live_app.url}/schemes/{SCHEME}/arrivals/new?lang={lang}")
    assert serious_accessibility_violations(page) == []
    page.locator("#boat_ref").fill("SB-BROWSER-1")
    page.locator("#arrived_on-day").fill("16")
    page.locator("#arrived_on-month").fill("9")
    page.locator("#arrived_on-year").fill("2025")
    page.locator("#arrived_time").fill("04:10")
    page.locator("#place").fill("Dover")
    page.locator("#people-1-given_names").fill("Yonas")
    page.locator("#people-1-family_name").fill("Tesfay")
    page.locator("#people-1-nationality").fill("Eritrea")
    page.locator("#people-1-sex").select_option("M")
    page.locator("#people-1-age_status").select_option("adult")
    page.locator("#people-1-grounds").check()
    page.locator("form button.govuk-button:not(.govuk-button--secondary)").last.click()
    page.wait_for_load_state()

    expect(page.locator(".govuk-error-summary")).to_contain_text(WORDS[lang]["problem"])
    expect(page.locator("#people-1-nationality-error")).to_contain_text(WORDS[lang]["nationality"])
    expect(page.locator("#people-1-nationality")).to_have_value("Eritrea")
    expect(page.locator("#boat_ref")).to_have_value("SB-BROWSER-1")
    expect(page.locator("#people-1-grounds")).to_be_checked()
    assert serious_accessibility_violations(page) == []
    screenshot(page, f"intake-error-{lang}")
