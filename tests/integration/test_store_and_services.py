"""The services over the real store, on SQLite (WAL file) and PostgreSQL: history, replay, versions, imports."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, func, select
from tests.builders import act, arrive, ready_to_book, utc

from parity.domain.errors import DeadlinePassed, LedgerLimitReached
from parity.domain.returns import ReturnStatus
from parity.scheme import Scheme
from parity.services.arrivals_csv import ArrivalsFileRejected, parse_arrivals_csv
from parity.services.cases import CaseCommand, act_on_return_case
from parity.services.context import IdempotencyConflict, Services, SettableClock, StaleVersion
from parity.services.intake import import_arrivals
from parity.services.reports import deadline_board, weekly_ledger
from parity.store import tables


def test_migrations_match_the_tables(engine: Engine) -> None:
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), tables.metadata) == []


def test_a_case_keeps_its_history_and_every_action_its_scheme_version(
    services: Services, clock: SettableClock, uk_fr: Scheme
) -> None:
    [case_id] = arrive(services, "a1")
    for kind in ("detain", "send_request", "accept"):
        clock.current += timedelta(hours=5)
        act(services, case_id, kind)
    with services.uow() as uow:
        case = uow.returns.get(case_id)
    kinds = [a.kind for a in case.actions]
    assert kinds == ["detect", "screen_eligible", "record_legal_event", "detain", "send_request", "accept"]
    assert {(a.scheme.id, a.scheme.version) for a in case.actions} == {(uk_fr.id, uk_fr.version)}
    assert case.status is ReturnStatus.ACCEPTED
    assert case.version == 3


def test_a_repeated_command_changes_nothing_and_a_reused_id_is_refused(services: Services) -> None:
    first = arrive(services, "same")
    assert arrive(services, "same") == first
    with services.uow() as uow:
        assert uow.returns.count_by_status("uk-fr-2025") == {ReturnStatus.ELIGIBLE: 1}
    act(services, first[0], "detain", command_id="cmd-1")
    assert act(services, first[0], "detain", command_id="cmd-1")["version"] == 1
    with pytest.raises(IdempotencyConflict):
        act(services, first[0], "send_request", command_id="cmd-1")


def test_a_stale_version_is_refused(services: Services) -> None:
    [case_id] = arrive(services, "v")
    act(services, case_id, "detain")
    with pytest.raises(StaleVersion, match="version 1, not 0"):
        act_on_return_case(services, CaseCommand("late", "cw", case_id, "send_request", {}, expected_version=0))


def test_a_request_past_its_deadline_is_refused_and_nothing_is_written(
    services: Services, clock: SettableClock
) -> None:
    [case_id] = arrive(services, "late")
    act(services, case_id, "detain")
    clock.current = utc(2025, 9, 16, 0)
    with pytest.raises(DeadlinePassed):
        act(services, case_id, "send_request")
    with services.uow() as uow:
        assert uow.returns.get(case_id).status is ReturnStatus.DETAINED
    overdue = {(row.deadline, row.state.value, row.binding) for row in deadline_board(services, "uk-fr-2025")}
    assert overdue == {("request", "overdue", True), ("request_target", "overdue", False)}


CSV_HEADER = (
    "boat_ref,arrived_at,place,given_names,family_name,date_of_birth,nationality,sex,age_status,grounds,"
    "departed_from,transit_evidence"
)


def test_an_import_is_all_or_nothing_and_names_every_bad_line(
    services: Services, uk_fr: Scheme, engine: Engine
) -> None:
    bad = "\n".join(
        [
            CSV_HEADER,
            "SB-1,2025-08-30T04:10,Dover,Yonas,Tesfay,1995-02-30,ERI,M,adult,protection_claim,FR,camp",
            "SB-1,2025-08-30T04:10,Dover,Sara,Karimi,,IRN,F,grown_up,protection_claim,FR,camp",
            "SB-2,2031-01-01T00:00,Dover,Ali,Rezaei,,Iran,M,adult,protection_claim,FR,camp",
        ]
    )
    with pytest.raises(ArrivalsFileRejected) as refused:
        parse_arrivals_csv(bad, uk_fr, "cli", services.clock.now())
    found = {(p.line, p.field) for p in refused.value.problems}
    assert found == {(2, "date_of_birth"), (3, "age_status"), (4, "arrived_at"), (4, "nationality")}
    good = "\n".join(
        [
            CSV_HEADER,
            "SB-1,2025-08-30T04:10,Dover,Yonas,Tesfay,1995-02-03,ERI,M,adult,protection_claim,FR,camp",
            "SB-1,2025-08-30T04:10,Dover,Sara,Karimi,,IRN,F,adult,apprehended;sea_rescue,FR,",
        ]
    )
    parsed = parse_arrivals_csv(good, uk_fr, "cli", services.clock.now())
    result = import_arrivals(services, f"import:{parsed.file_hash}", "uk-fr-2025", parsed.arrivals)
    assert (result["people"], result["eligible"], result["ineligible"]) == (2, 1, 1)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(tables.people)).scalar() == 2


def _accepted(services: Services, count: int) -> list[str]:
    case_ids = arrive(services, "boat", count)
    for case_id in case_ids:
        ready_to_book(services, case_id)
    return case_ids


def _book(services: Services, case_id: str, departs_at: str, command_id: str | None = None) -> str:
    try:
        act(services, case_id, "schedule_transfer", command_id, flight_ref="PLF-1", departs_at=departs_at)
    except LedgerLimitReached as refused:
        return "refused" if "the weekly level is 50 (rule 23)" in str(refused) else str(refused)
    return "booked"


def test_a_return_counts_in_the_week_its_flight_left_not_the_week_it_was_recorded(
    services: Services, clock: SettableClock
) -> None:
    # Rule 23's level is met when flights are booked, for the week each departs in: the return must count there.
    sunday, monday = _accepted(services, 2)
    assert _book(services, sunday, "2025-09-07T21:30:00+00:00") == "booked"  # Sunday 7 September, 22:30 in London
    assert _book(services, monday, "2025-09-08T09:00:00+00:00") == "booked"
    clock.current = utc(2025, 9, 7, 23, 30)  # recorded at 00:30 on Monday in London
    act(services, sunday, "complete_transfer")
    clock.current = utc(2025, 9, 8, 10)
    act(services, monday, "complete_transfer")
    weeks = {week.week_start: week.returned for week in weekly_ledger(services, "uk-fr-2025").weeks}
    assert (weeks[date(2025, 9, 1)], weeks[date(2025, 9, 8)]) == (1, 1)


def test_concurrent_bookings_never_pass_the_weekly_level(services: Services, clock: SettableClock) -> None:
    case_ids = _accepted(services, 60)

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda case_id: _book(services, case_id, "2025-09-04T09:00:00+00:00"), case_ids))

    assert outcomes.count("booked") == 50
    booked = [case_id for case_id, outcome in zip(case_ids, outcomes, strict=True) if outcome == "booked"]
    waiting = [case_id for case_id, outcome in zip(case_ids, outcomes, strict=True) if outcome == "refused"]
    # Sunday 7 September is the same week; Monday 8 September starts the next.
    assert _book(services, waiting[0], "2025-09-07T09:00:00+00:00", "again-sunday") == "refused"
    act(services, booked[0], "cancel_transfer", reason="seat given up")
    assert _book(services, waiting[0], "2025-09-07T09:00:00+00:00", "again-freed") == "booked"
    assert _book(services, waiting[1], "2025-09-08T09:00:00+00:00") == "booked"
    clock.current = utc(2025, 9, 4, 9)
    for case_id in booked[1:]:
        act(services, case_id, "complete_transfer")
    report = weekly_ledger(services, "uk-fr-2025")
    assert (report.returned, report.weeks[-1].returned) == (49, 49)
