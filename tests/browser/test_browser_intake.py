"""The intake form in real Chromium, in both languages: a boat with one wrong field is refused with the error next
to the field and what was typed kept; corrected, it is recorded and each person's screening result shown; axe finds
no serious or critical problem on the form, the refusal or the result."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from tests.browser_support import screenshot, serious_accessibility_violations

from parity.accounts.roles import Role

from .conftest import LiveApp, serve_seeded, sign_in

pytestmark = pytest.mark.browser
SCHEME = "uk-fr-2025"
WORDS = {
    "en": {
        "problem": "There is a problem",
        "nationality": "Enter the nationality of person 1 as 3 letters",
        "recorded": "Arrival recorded",
        "results": "Screening results",
    },
    "fr": {
        "problem": "Il y a un problème",
        "nationality": "Saisissez la nationalité de la personne 1 en 3 lettres",
        "recorded": "Arrivée enregistrée",
        "results": "Résultats de l\u2019examen",
    },
}


@pytest.fixture(scope="module")
def intake_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    """A server of its own: recording boats changes the figures that the read-only pages' tests check."""
    with serve_seeded(tmp_path_factory.mktemp("browser-intake") / "parity.db") as app:
        yield app


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_wrong_field_is_named_next_to_it_and_the_corrected_boat_is_recorded(
    anonymous_page: Page, intake_app: LiveApp, lang: str
) -> None:
    page = anonymous_page
    sign_in(page, intake_app, Role.UK_CASEWORKER, lang)
    page.goto(f"{intake_app.url}/schemes/{SCHEME}/arrivals/new?lang={lang}")
    assert serious_accessibility_violations(page) == []
    page.locator("#boat_ref").fill(f"SB-BROWSER-{lang}")
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
    expect(page.locator("#boat_ref")).to_have_value(f"SB-BROWSER-{lang}")
    expect(page.locator("#people-1-grounds")).to_be_checked()
    assert serious_accessibility_violations(page) == []
    screenshot(page, f"intake-error-{lang}")

    page.locator("#people-1-nationality").fill("ERI")
    page.locator("form button.govuk-button:not(.govuk-button--secondary)").last.click()
    page.wait_for_load_state()

    expect(page.locator(".govuk-panel__title")).to_have_text(WORDS[lang]["recorded"])
    expect(page.locator("h2")).to_contain_text(WORDS[lang]["results"])
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody tr").first).to_contain_text("Yonas Tesfay")
    assert serious_accessibility_violations(page) == []
