"""A re-crossing flag marks a case for expedited return (rule 11), so the earlier case it names must exist and
must have ended in a return: on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from tests.builders import act, arrive, claim_declared_inadmissible

from parity.domain.errors import InvalidCommand
from parity.services.context import Services, SettableClock


def returned_case(services: Services, clock: SettableClock) -> str:
    [case_id] = arrive(services, "first-crossing")
    for kind in ("detain", "send_request", "accept"):
        clock.current += timedelta(hours=5)
        act(services, case_id, kind)
    claim_declared_inadmissible(services, case_id)
    clock.current += timedelta(hours=5)
    departs = (clock.current + timedelta(days=1)).isoformat()
    act(services, case_id, "schedule_transfer", flight_ref="PLF-1", departs_at=departs)
    clock.current += timedelta(days=2)
    act(services, case_id, "complete_transfer")
    return case_id


def test_a_recrossing_names_an_earlier_case_that_ended_in_a_return(services: Services, clock: SettableClock) -> None:
    previous = returned_case(services, clock)
    [open_case] = arrive(services, "other-crossing", at=clock.current - timedelta(hours=1))
    [again] = arrive(services, "second-crossing", at=clock.current - timedelta(hours=1))

    refusals = {
        "nonexistent-case": "is not another return case",
        again: "is not another return case",
        open_case: "has not ended in a return (status eligible)",
    }
    for named, reason in refusals.items():
        with pytest.raises(InvalidCommand, match=re.escape(reason)) as refused:
            act(services, again, "flag_recrossing", f"flag-{named}", previous_case_id=named, evidence="fingerprints")
        assert "previous_case_id" in str(refused.value)
    with services.uow() as uow:
        assert not uow.returns.get(again).expedited_return  # nothing recorded by the refusals

    act(services, again, "flag_recrossing", previous_case_id=previous, evidence="fingerprint match")

    with services.uow() as uow:
        assert uow.returns.get(again).expedited_return
