"""The scheme's clock inside `parity serve`: every few minutes it records the lapses that are due on each scheme
served (`parity.services.lapses`), so that a deadline passed is recorded without anyone having to notice it and
without a separate scheduler. A deployment that runs `parity record-lapses` from cron instead sets
`PARITY_LAPSE_INTERVAL=0`.

Several server processes may each run it: a lapse's command id makes recording it twice impossible, and one
refused meanwhile is tried again on the next tick. The log says how many lapses were recorded, never whose.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from parity.services.audit import Acting, acting_as
from parity.services.context import Services
from parity.services.lapses import SCHEME_CLOCK, LapseRun, record_lapses

log = logging.getLogger("parity.scheme_clock")


def sweep(services: Services, scheme_id: str) -> LapseRun:
    """One tick on one scheme, audited as the scheme's clock acting from the server."""
    with acting_as(Acting(SCHEME_CLOCK, "system", "parity serve")):
        return record_lapses(services, scheme_id)


async def keep_time(services: Services, schemes: tuple[str, ...], interval_seconds: float) -> None:
    """Sweep every scheme now, then every `interval_seconds`, until cancelled. A failed sweep is logged and tried
    again on the next tick: the clock must not stop because one tick could not reach the database."""
    while True:
        for scheme_id in schemes:
            try:
                run = await run_in_threadpool(sweep, services, scheme_id)
            except Exception:
                log.exception("scheme clock: the sweep of %s failed; the next tick tries again", scheme_id)
                continue
            if run.recorded or run.not_recorded:
                log.info(
                    "scheme clock: %s lapse(s) recorded on %s; %s left for the next tick",
                    run.recorded.total(),
                    scheme_id,
                    len(run.not_recorded),
                )
        await asyncio.sleep(interval_seconds)


def scheme_clock(
    services: Services, schemes: tuple[str, ...], interval_seconds: int
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The app's lifespan: the clock runs while the server does (not at all with no interval or no scheme)."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if interval_seconds <= 0 or not schemes:
            yield
            return
        ticking = asyncio.create_task(keep_time(services, schemes, interval_seconds))
        try:
            yield
        finally:
            # A sweep under way finishes its transaction first: a thread is not interrupted.
            ticking.cancel()
            with suppress(asyncio.CancelledError):
                await ticking

    return lifespan
