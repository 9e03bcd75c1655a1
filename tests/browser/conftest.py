"""Browser tests: the web app served by uvicorn on a free port, Debian's Chromium driven by Playwright, axe-core.

Chromium is the system's (`/usr/bin/chromium`, or PARITY_CHROMIUM); nothing is downloaded. Without it the tests
are skipped, except where PARITY_REQUIRE_BROWSER=1 (CI), where that fails the run. Set PARITY_SCREENSHOTS to a
folder to save a full-page screenshot of each page checked (see scripts/screenshots and tests/browser_support.py).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn
from argon2 import PasswordHasher
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from tests.api_support import PASSWORD, Account, make_account
from tests.web_seed import Seeded, seeded_services

from parity.accounts import credentials
from parity.accounts.roles import Role
from parity.api.security import SignInThrottle
from parity.config import Settings
from parity.services.context import Services, SettableClock
from parity.web import create_web_app

CHROMIUM = Path(os.environ.get("PARITY_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class LiveApp:
    url: str
    seeded: Seeded
    services: Services
    accounts: dict[Role, Account]

    def code(self, role: Role) -> str:
        """A fresh second-factor code for the account ("" for a role without one): the server's clock moves on
        30 seconds first, as a code is accepted once only (no replay) and the tests sign in again and again."""
        secret = self.accounts[role].totp_secret
        clock = self.services.clock
        assert isinstance(clock, SettableClock)
        clock.current += timedelta(seconds=30)
        return credentials.totp_code(secret, clock.current) if secret else ""


def sign_in(page: Page, live_app: LiveApp, role: Role, lang: str = "en") -> None:
    """Sign in through the page, as a person would (the field labels are the same in both languages' order)."""
    page.goto(f"{live_app.url}/sign-in?lang={lang}")
    page.locator("#username").fill(live_app.accounts[role].username)
    page.locator("#password").fill(PASSWORD)
    page.locator("#totp").fill(live_app.code(role))
    page.locator("form button").click()
    page.wait_for_load_state()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    with serve_seeded(tmp_path_factory.mktemp("browser") / "parity.db") as app:
        yield app


@contextmanager
def serve_seeded(database: Path) -> Iterator[LiveApp]:
    """The app over a fresh seeded database, one account per role, served by uvicorn on a free port."""
    services, _clock, seeded = seeded_services(f"sqlite:///{database}")
    with pytest.MonkeyPatch.context() as patch:  # cheap hashes: these tests check pages, not argon2's cost
        patch.setattr(credentials, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        accounts = {role: make_account(services, role) for role in Role}
    app = create_web_app(services, Settings(database_url="sqlite://", schemes=(), cookie_secure=False))
    app.state.sign_in_throttle = SignInThrottle(limit=10_000)  # every test signs in from 127.0.0.1
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the web app did not start")
        time.sleep(0.05)
    yield LiveApp(f"http://127.0.0.1:{port}", seeded, services, accounts)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (install Debian's chromium package)"
        if os.environ.get("PARITY_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def anonymous_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page(anonymous_page: Page, live_app: LiveApp) -> Page:
    """Signed in as a supervisor, who may read every read-only page."""
    sign_in(anonymous_page, live_app, Role.UK_SUPERVISOR)
    return anonymous_page
