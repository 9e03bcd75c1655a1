"""Rule 4 at the moment of transfer: accompanied children move with their family unit, in one step or not at all."""

from __future__ import annotations

from datetime import date

import pytest
from tests.builders import act, person_input, ready_to_book, utc

from parity.domain.errors import TransferBlocked
from parity.domain.people import AgeStatus
from parity.services.context import Services, SettableClock
from parity.services.intake import RecordArrival, record_arrival
from parity.services.reports import weekly_ledger

SCHEDULE = {"flight_ref": "PLF-9", "departs_at": "2025-09-04T09:00:00+00:00"}


def family_on_one_boat(services: Services) -> tuple[str, str]:
    result = record_arrival(
        services,
        RecordArrival(
            "boat-family",
            "officer",
            "uk-fr-2025",
            "SB-F",
            utc(2025, 9, 1, 4),
            "Dover",
            (
                person_input(family_group="FAM-A"),
                person_input(
                    given_names="Selam",
                    age_status=AgeStatus.ACCOMPANIED_MINOR,
                    date_of_birth=date(2015, 6, 1),
                    family_group="FAM-A",
                ),
            ),
        ),
    )
    parent, child = (case["case_id"] for case in result["cases"])
    for case_id in (parent, child):
        ready_to_book(services, case_id)
    return parent, child


def test_a_parent_is_not_returned_without_the_child_and_both_move_together(
    services: Services, clock: SettableClock
) -> None:
    parent, child = family_on_one_boat(services)
    act(services, parent, "schedule_transfer", **SCHEDULE)
    clock.current = utc(2025, 9, 4, 9)
    with pytest.raises(TransferBlocked, match=rf"FAM-A moves together \(rule 4\).*{child} \(accepted\)"):
        act(services, parent, "complete_transfer")
    assert weekly_ledger(services, "uk-fr-2025").returned == 0

    act(services, child, "schedule_transfer", flight_ref="PLF-9", departs_at="2025-09-04T12:00:00+00:00")
    clock.current = utc(2025, 9, 4, 12)
    moved = act(services, parent, "complete_transfer", command_id="transfer-family")
    assert moved["status"] == "returned"
    assert moved["family_moved_with"] == [child]
    with services.uow() as uow:
        assert uow.returns.get(child).status.value == "returned"
    assert weekly_ledger(services, "uk-fr-2025").returned == 2
