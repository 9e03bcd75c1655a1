"""Rule 24 through the services and the store: notices are kept, and once in effect they stop new work."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from tests.builders import act, arrive, record_boat, utc

from parity.domain.errors import InvalidCommand, SchemeClosed
from parity.domain.notices import NoticeKind
from parity.domain.people import Sex
from parity.domain.returns import ReturnStatus
from parity.scheme.model import ReturnGround
from parity.services.applications import ApplicantInput, SubmitExpressionOfInterest, submit_expression_of_interest
from parity.services.context import Services, SettableClock
from parity.services.notices import GiveNotice, give_notice
from parity.services.reports import weekly_ledger
from parity.store import tables


def notify(services: Services, kind: NoticeKind, by: str = "FR") -> dict[str, str]:
    return dict(give_notice(services, GiveNotice(f"notice-{kind}", "liaison", "uk-fr-2025", kind, by, "review")))


def _actions_on(engine: Engine, case_id: str) -> int:
    with engine.connect() as connection:
        return connection.execute(
            select(func.count()).select_from(tables.return_actions).where(tables.return_actions.c.case_id == case_id)
        ).scalar_one()


def test_a_suspension_stops_new_requests_and_cases_once_in_effect_and_a_resumption_restarts_them(
    services: Services, clock: SettableClock, engine: Engine
) -> None:
    clock.current = utc(2025, 9, 1, 8)
    waiting = arrive(services, "boat-1", 2)
    act(services, waiting[0], "detain")
    act(services, waiting[1], "detain")
    given = notify(services, NoticeKind.SUSPENSION)
    assert given["effective_at"] == "2025-09-08T23:00:00+00:00"  # end of 8 Sep in London (BST)

    clock.current = utc(2025, 9, 3, 9)  # in the notice period: work goes on
    act(services, waiting[0], "send_request")

    clock.current = utc(2025, 9, 9, 9)  # suspended
    recorded = _actions_on(engine, waiting[1])
    with pytest.raises(SchemeClosed, match="suspended"):
        act(services, waiting[1], "send_request")
    assert _actions_on(engine, waiting[1]) == recorded  # the refused request left nothing behind
    late = arrive(services, "boat-2", 1, at=utc(2025, 9, 9, 4))
    with services.uow() as uow:
        screened = uow.returns.get(late[0])
    assert screened.status is ReturnStatus.INELIGIBLE
    assert "rule 24" in screened.actions[-1].payload["reasons"][0]

    notify(services, NoticeKind.RESUMPTION, by="GB")
    assert act(services, waiting[1], "send_request")["status"] == "request_sent"


def test_notices_name_a_party_and_a_reason(services: Services) -> None:
    with pytest.raises(InvalidCommand, match="given_by"):
        give_notice(services, GiveNotice("n1", "official", "uk-fr-2025", NoticeKind.SUSPENSION, "DE", "review"))
    with pytest.raises(InvalidCommand, match="reason"):
        give_notice(services, GiveNotice("n2", "official", "uk-fr-2025", NoticeKind.SUSPENSION, "GB", " "))


def test_no_expression_of_interest_once_the_scheme_is_terminated(services: Services, clock: SettableClock) -> None:
    clock.current = utc(2025, 9, 1, 8)
    notify(services, NoticeKind.TERMINATION, by="GB")
    clock.current = utc(2025, 10, 2, 9)
    applicant = ApplicantInput("Helen", "Haile", date(1990, 2, 2), "ERI", Sex.FEMALE, True, "passport", "ER1")
    with pytest.raises(SchemeClosed, match="terminated"):
        submit_expression_of_interest(
            services, SubmitExpressionOfInterest("eoi-1", "portal", "uk-fr-2025", "FAM-1", (applicant,))
        )


def test_a_transfer_booked_before_a_suspension_is_recorded_after_it_but_none_can_be_booked_while_suspended(
    services: Services, clock: SettableClock, engine: Engine
) -> None:
    clock.current = utc(2025, 9, 1, 8)
    apprehended = {"grounds": frozenset({ReturnGround.APPREHENDED})}  # no protection claim holds the transfers back
    result = record_boat(services, "boat-1", apprehended, apprehended)
    flown, waiting = (case["case_id"] for case in result["cases"])
    for case_id in (flown, waiting):
        for kind in ("detain", "send_request", "accept"):
            act(services, case_id, kind)
    act(services, flown, "schedule_transfer", flight_ref="PLF-1", departs_at="2025-09-05T09:00:00+00:00")
    given = notify(services, NoticeKind.SUSPENSION)
    assert given["effective_at"] == "2025-09-08T23:00:00+00:00"  # the flight leaves within the week's notice

    clock.current = utc(2025, 9, 9, 9)  # suspended: the person flown on the 5th is still recorded as returned
    assert act(services, flown, "complete_transfer")["status"] == ReturnStatus.RETURNED.value
    assert weekly_ledger(services, "uk-fr-2025").returned == 1

    recorded = _actions_on(engine, waiting)
    with pytest.raises(SchemeClosed, match="suspended"):
        act(services, waiting, "schedule_transfer", flight_ref="PLF-2", departs_at="2025-09-12T09:00:00+00:00")
    assert _actions_on(engine, waiting) == recorded  # the refused booking left nothing behind
    with services.uow() as uow:
        assert uow.returns.get(waiting).status is ReturnStatus.ACCEPTED

    notify(services, NoticeKind.RESUMPTION, by="GB")
    booked = act(services, waiting, "schedule_transfer", flight_ref="PLF-2", departs_at="2025-09-12T09:00:00+00:00")
    assert booked["status"] == ReturnStatus.TRANSFER_SCHEDULED.value


def test_under_notice_a_request_is_flagged_as_soon_as_returns_lead_at_all(
    services: Services, clock: SettableClock
) -> None:
    # Returns lead admissions by 10: within the tolerance of 25, so no flag; under notice the imbalance must be
    # resolved (treaty Art. 22(2)), so the tolerance in force is 0 and the same lead is flagged (rules 21, 24).
    clock.current = utc(2025, 9, 1, 8)
    with services.uow() as uow:
        ledger = uow.ledgers.get("uk-fr-2025")
        ledger.record_return(10, date(2025, 8, 25), services.scheme("uk-fr-2025").parity)
        uow.ledgers.save(ledger)
        uow.commit()
    before, under_notice = arrive(services, "boat-1", 2)
    for case_id in (before, under_notice):
        act(services, case_id, "detain")
    act(services, before, "send_request")
    notify(services, NoticeKind.TERMINATION)
    act(services, under_notice, "send_request")
    with services.uow() as uow:
        flags = [uow.returns.get(c).last("send_request").payload for c in (before, under_notice)]  # type: ignore[union-attr]
    assert flags == [{}, {"returns_ahead_of_admissions_by": 10}]
