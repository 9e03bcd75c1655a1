"""Rule 12: the UK bears transport costs; they are reported per flight and per person from what was recorded."""

from __future__ import annotations

from decimal import Decimal

from tests.builders import act, arrive, ready_to_book, utc

from parity.services.context import Services, SettableClock
from parity.services.reports import FlightCost, transfer_costs


def test_costs_are_summed_per_flight_and_averaged_over_the_people_costed(
    services: Services, clock: SettableClock
) -> None:
    case_ids = arrive(services, "boat", 3)
    flights = [("PLF-1", "980.00"), ("PLF-1", "1020.00"), ("PLF-2", None)]
    for case_id, (flight, cost) in zip(case_ids, flights, strict=True):
        ready_to_book(services, case_id)
        schedule = {"flight_ref": flight, "departs_at": "2025-09-04T09:00:00+00:00"}
        act(services, case_id, "schedule_transfer", **schedule, **({"transport_cost_gbp": cost} if cost else {}))
    clock.current = utc(2025, 9, 4, 9)
    for case_id in case_ids:
        act(services, case_id, "complete_transfer")

    costs = transfer_costs(services, "uk-fr-2025")
    assert costs == [FlightCost("PLF-1", 2, 2, Decimal("2000.00")), FlightCost("PLF-2", 1, 0, Decimal(0))]
    assert costs[0].per_person == Decimal("1000.00")
    assert costs[1].per_person is None
