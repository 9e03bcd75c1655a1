"""Identity flags in real Chromium: a caseworker opens the oldest flag, compares the two records, is told to answer
and give a reason, then decides; axe finds no serious or critical problem on any of these pages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from tests.browser_support import screenshot, serious_accessibility_violations
from tests.web_seed import seed_identity_flags

from parity.accounts.roles import Role
from parity.services.context import SettableClock

from .conftest import LiveApp, serve_seeded, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def identity_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    """A server of its own, with the matcher on and three identity flags."""
    with serve_seeded(tmp_path_factory.mktemp("browser-identity") / "parity.db") as app:
        clock = app.services.clock
        assert isinstance(clock, SettableClock)
        seed_identity_flags(app.services, clock)
        yield app


def test_a_flag_is_compared_and_decided_with_a_reason(anonymous_page: Page, identity_app: LiveApp) -> None:
    page = anonymous_page
    sign_in(page, identity_app, Role.UK_CASEWORKER)
    page.goto(f"{identity_app.url}/schemes/uk-fr-2025/dashboard?lang=en")
    page.get_by_role("link", name="Identity flags").click()
    expect(page.locator("h1")).to_have_text("Identity flags awaiting a decision")
    expect(page.locator("tbody tr")).to_have_count(3)
    assert serious_accessibility_violations(page) == []
    screenshot(page, "identity-flags-en")

    page.locator("tbody tr").first.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text("Are these the same person?")
    expect(page.locator("main")).to_contain_text("Transliteration variant")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "identity-flag-en")

    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    expect(page.locator("#decision-error")).to_contain_text("Choose whether the two records are the same person")
    expect(page.locator("#reason-error")).to_contain_text("Enter why you decided this")
    assert serious_accessibility_violations(page) == []

    page.get_by_label("Same person", exact=True).check()
    page.get_by_label("Why", exact=True).fill("Photographs and passport compared")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your decision has been recorded on the case.")
    expect(page.locator("tbody tr")).to_have_count(2)
    assert serious_accessibility_violations(page) == []
