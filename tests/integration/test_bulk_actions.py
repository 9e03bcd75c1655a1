"""One action on many return cases: all of them in one transaction, or none when any is refused."""

from __future__ import annotations

import pytest
from tests.builders import act, arrive

from parity.domain.errors import IllegalTransition
from parity.services.cases import BulkCaseCommand, act_on_return_cases
from parity.services.context import Services


def statuses(services: Services, case_ids: list[str]) -> list[str]:
    with services.uow() as uow:
        return [uow.returns.get(case_id).status.value for case_id in case_ids]


def test_everyone_not_selected_is_released_in_one_step(services: Services) -> None:
    case_ids = arrive(services, "boat", 5)
    reason = {"reason": "not selected for return under the scheme"}
    result = act_on_return_cases(
        services, BulkCaseCommand("release-day-1", "caseworker", case_ids, "release_to_asylum_route", reason)
    )
    assert [case["status"] for case in result["cases"]] == ["released_to_asylum_route"] * 5
    assert statuses(services, case_ids) == ["released_to_asylum_route"] * 5


def test_one_refusal_leaves_every_case_as_it_was(services: Services) -> None:
    case_ids = arrive(services, "boat", 3)
    act(services, case_ids[1], "release_to_asylum_route", reason="claim accepted for the asylum route")
    with pytest.raises(IllegalTransition):
        act_on_return_cases(services, BulkCaseCommand("detain-all", "caseworker", case_ids, "detain", {}))
    assert statuses(services, case_ids) == ["eligible", "released_to_asylum_route", "eligible"]
