"""The weeks the dashboard and the committee pages list (and whose downloads they serve): the pilot's weeks, and
after its last day as many more as carry a return or an admission (rule 24: transfers go on after the last day new
cases may open)."""

from __future__ import annotations

from datetime import date

from tests.builders import utc

from parity.services.context import Services, SettableClock
from parity.services.reports import scheme_weeks


def test_after_the_pilot_the_weeks_run_to_its_last_or_to_the_last_that_moved_the_balance(
    services: Services, clock: SettableClock
) -> None:
    clock.current = utc(2026, 11, 24, 10)  # long after the pilot's last day, 11 June 2026
    weeks = scheme_weeks(services, "uk-fr-2025")
    assert (weeks[0], weeks[-1]) == (date(2025, 8, 4), date(2026, 6, 8))

    with services.uow() as uow:
        ledger = uow.ledgers.get("uk-fr-2025")
        ledger.record_return(1, date(2026, 11, 24), services.scheme("uk-fr-2025").parity)
        uow.ledgers.save(ledger)
        uow.commit()
    assert scheme_weeks(services, "uk-fr-2025")[-1] == date(2026, 11, 23)


def test_while_the_pilot_runs_the_weeks_run_to_the_current_one(services: Services, clock: SettableClock) -> None:
    clock.current = utc(2025, 9, 17, 10)
    assert scheme_weeks(services, "uk-fr-2025")[-1] == date(2025, 9, 15)
