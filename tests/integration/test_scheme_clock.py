"""The scheme's clock inside `parity serve`: the server records the lapses that are due when it starts and then
every interval, audited as the scheme's clock, and one scheme failing does not stop the others."""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress

import pytest
from fastapi.testclient import TestClient
from tests.web_seed import SCHEME, Seeded, seed_web_data

from parity.api.scheme_clock import keep_time
from parity.config import Settings
from parity.domain.returns import ReturnStatus
from parity.services.context import Services, SettableClock
from parity.services.lapses import SCHEME_CLOCK
from parity.web import create_web_app


@pytest.fixture
def seeded(services: Services, clock: SettableClock) -> Seeded:
    return seed_web_data(services, clock)  # 17 September 2025: one request deadline and one reply date have passed


def _status(services: Services, case_id: str) -> ReturnStatus:
    with services.uow() as uow:
        return uow.returns.get(case_id).status


def _served(services: Services, interval_seconds: int) -> TestClient:
    settings = Settings(database_url="sqlite://", schemes=(SCHEME,), lapse_interval_seconds=interval_seconds)
    return TestClient(create_web_app(services, settings))


def test_the_server_records_due_lapses_when_it_starts(services: Services, seeded: Seeded) -> None:
    with _served(services, interval_seconds=3600):
        waited = time.monotonic() + 20
        while _status(services, seeded.never_requested) is not ReturnStatus.DEADLINE_EXPIRED:
            assert time.monotonic() < waited, "the scheme's clock recorded nothing"
            time.sleep(0.05)
    assert _status(services, seeded.claimed_human_rights) is ReturnStatus.REPLY_OVERDUE
    with services.uow() as uow:
        [entry] = [e for e in uow.audit.latest(100) if seeded.never_requested in e.event.record_ids][:1]
    assert (entry.event.actor_id, entry.event.origin) == (SCHEME_CLOCK, "parity serve")


def test_with_no_interval_the_server_leaves_lapses_to_cron(services: Services, seeded: Seeded) -> None:
    with _served(services, interval_seconds=0):
        time.sleep(1)
    assert _status(services, seeded.never_requested) is ReturnStatus.DETAINED


def test_a_scheme_that_fails_does_not_stop_the_clock(
    services: Services, seeded: Seeded, caplog: pytest.LogCaptureFixture
) -> None:
    async def two_ticks() -> None:
        ticking = asyncio.create_task(keep_time(services, ("no-such-scheme", SCHEME), interval_seconds=0.05))
        await asyncio.sleep(1)
        ticking.cancel()
        with suppress(asyncio.CancelledError):
            await ticking

    # An event loop of its own, in a thread: the browser tests' session may hold one running in this thread.
    with caplog.at_level(logging.INFO, logger="parity.scheme_clock"), ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, two_ticks()).result()
    assert _status(services, seeded.never_requested) is ReturnStatus.DEADLINE_EXPIRED
    failures = [r for r in caplog.records if "sweep of no-such-scheme failed" in r.getMessage()]
    assert len(failures) >= 2  # tried again on the next tick
    assert any("2 lapse(s) recorded on uk-fr-2025" in r.getMessage() for r in caplog.records)
