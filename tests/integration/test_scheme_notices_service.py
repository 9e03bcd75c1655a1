"""Rule 24 through the services and the store: notices are kept, and once in effect they stop new work."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from tests.builders import act, arrive, utc

from parity.domain.errors import InvalidCommand, SchemeClosed
from parity.domain.notices import NoticeKind
from parity.domain.people import Sex
from parity.domain.returns import ReturnStatus
from parity.services.applications import ApplicantInput, SubmitExpressionOfInterest, submit_expression_of_interest
from parity.services.context import Services, SettableClock
from parity.services.notices import GiveNotice, give_notice
from parity.store import tables


def notify(services: Services, kind: NoticeKind, by: str = "FR") -> dict[str, str]:
    return dict(give_notice(services, GiveNotice(f"notice-{kind}", "liaison", "uk-fr-2025", kind, by, "review")))


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
    with pytest.raises(SchemeClosed, match="suspended"):
        act(services, waiting[1], "send_request")
    with engine.connect() as connection:
        actions = connection.execute(
            select(func.count()).select_from(tables.return_actions).where(tables.return_actions.c.case_id == waiting[1])
        ).scalar_one()
    assert actions == 3  # detect, screen, detain: the refused request left nothing behind
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
