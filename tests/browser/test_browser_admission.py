"""One family taken from its expression of interest to "entry clearance issued" in real Chromium, in each language:
a caseworker confirms the location and eligibility and proposes the selection round, a supervisor approves it (and
so invites the family), the caseworker records biometrics and security checks and proposes entry clearance, and the
supervisor approves it. axe checks every page on the way."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from tests.browser_support import screenshot, serious_accessibility_violations
from tests.web_seed import return_second_boat, submit_family

from parity.accounts.roles import Role
from parity.services.context import SettableClock

from .conftest import LiveApp, serve_seeded, sign_in

pytestmark = pytest.mark.browser
SCHEME = "uk-fr-2025"
STATUS = {
    "en": {
        "eligible": "Eligible",
        "invited": "Invited",
        "cleared": "Security cleared",
        "issued": "Entry clearance issued",
    },
    "fr": {
        "eligible": "Éligible",
        "invited": "Invité",
        "cleared": "Contrôles de sécurité validés",
        "issued": "Autorisation d\u2019entrée délivrée",
    },
}


@pytest.fixture(scope="module")
def admission_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    """A server of its own, with places released by three more returns: admissions may not run ahead of returns
    beyond the scheme's tolerance (rule 21)."""
    with serve_seeded(tmp_path_factory.mktemp("browser-admission") / "parity.db") as app:
        clock = app.services.clock
        assert isinstance(clock, SettableClock)
        return_second_boat(app.services, clock, app.seeded)
        yield app


def assert_accessible(page: Page) -> None:
    assert serious_accessibility_violations(page) == []


def take(page: Page, action: str) -> None:
    """Submit the case page's form for `action` (the button's words depend on the language)."""
    page.locator(f'form:has(input[name="action"][value="{action}"]) button').click()
    page.wait_for_load_state()


def expect_status(page: Page, text: str) -> None:
    expect(page.locator("h1 + p .govuk-tag")).to_have_text(text)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_family_is_taken_to_entry_clearance_issued_by_two_officers(
    browser: Browser, admission_app: LiveApp, lang: str
) -> None:
    family_ref = f"FAM-BROWSER-{lang.upper()}"
    case_id, members = submit_family(admission_app.services, family_ref, adults=2)
    case_url = f"{admission_app.url}/admission-cases/{case_id}?lang={lang}"
    selection_url = f"{admission_app.url}/schemes/{SCHEME}/selection?lang={lang}"
    contexts = {
        role: browser.new_context(viewport={"width": 1280, "height": 900})
        for role in (Role.UK_CASEWORKER, Role.UK_SUPERVISOR)
    }
    caseworker, supervisor = (contexts[role].new_page() for role in (Role.UK_CASEWORKER, Role.UK_SUPERVISOR))
    sign_in(caseworker, admission_app, Role.UK_CASEWORKER, lang)
    sign_in(supervisor, admission_app, Role.UK_SUPERVISOR, lang)
    words = STATUS[lang]

    caseworker.goto(case_url)
    assert_accessible(caseworker)
    caseworker.locator('[id="confirm_location.country"]').fill("FR")
    for box in caseworker.locator('input[name="confirm_location.confirmed_member_ids"]').all():
        box.check()
    take(caseworker, "confirm_location")
    take(caseworker, "find_eligible")
    expect_status(caseworker, words["eligible"])
    expect(caseworker.locator('input[name="action"][value="invite"]')).to_have_count(0)  # only a selection invites

    caseworker.goto(selection_url)
    caseworker.locator("#propose button").click()
    caseworker.wait_for_load_state()
    expect(caseworker.locator("#approve")).to_have_count(0)  # the proposer may not approve
    assert_accessible(caseworker)

    supervisor.goto(selection_url)
    expect(supervisor.locator("#approve")).to_contain_text(family_ref)
    assert_accessible(supervisor)
    screenshot(supervisor, f"selection-{lang}")
    supervisor.locator("#approve button").click()
    supervisor.wait_for_load_state()
    expect(supervisor.locator("#approve")).to_have_count(0)

    caseworker.goto(case_url)
    expect_status(caseworker, words["invited"])
    for index, member_id in enumerate(members):  # each shows the passport given at stage 1 (rule 18)
        caseworker.locator(f'[id="enrol_biometrics.documents_presented.{member_id}"]').fill(f"P{family_ref}{index}")
    take(caseworker, "enrol_biometrics")
    take(caseworker, "clear_security")
    take(caseworker, "issue_entry_clearance")
    expect(caseworker.locator("#proposals")).to_be_visible()  # proposed for a second officer, not yet issued
    expect_status(caseworker, words["cleared"])
    assert_accessible(caseworker)

    supervisor.goto(case_url)
    supervisor.locator('form[action^="/admission-proposals/"][action$="/approve"] button').click()
    supervisor.wait_for_load_state()
    expect_status(supervisor, words["issued"])
    assert_accessible(supervisor)
    screenshot(supervisor, f"admission-case-{lang}")
    for context in contexts.values():
        context.close()
