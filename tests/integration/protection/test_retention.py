"""The retention period: only closed cases past it have their people anonymised; cases, history and the ledger stay."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import Engine, select
from tests.builders import act, ready_to_book, utc
from tests.personal_data_support import UNACCOMPANIED_MINOR, YONAS, apply_as_family, arrive_people

from parity.domain.admissions import AdmissionStatus
from parity.domain.decisions import CaseType
from parity.domain.returns import ReturnStatus
from parity.services.cases import CaseCommand, act_on_admission_case, sent_by_its_taker
from parity.services.committee import ADMISSION_REFUSAL, committee_report
from parity.services.context import Services, SettableClock
from parity.services.reports import weekly_ledger
from parity.services.retention import apply_retention
from parity.store import tables
from parity.store.protected import REMOVED


def _history(services: Services, return_ids: list[str], admission_ids: list[str]) -> list[object]:
    with services.uow() as uow:
        returns = [(c.status, c.version, c.actions) for c in map(uow.returns.get, return_ids)]
        admissions = [(c.status, c.version, c.actions, c.submitted_at) for c in map(uow.admissions.get, admission_ids)]
    return [*returns, *admissions]


def _erase_withdrawal_reason(history: list[Any]) -> None:
    actions = history[3][2]
    [withdrawal] = [a for a in actions if a.kind == "withdraw"]
    assert withdrawal.payload == {"reason": "moved away"}
    actions[actions.index(withdrawal)] = replace(withdrawal, payload={"reason": REMOVED})


def _ledger(services: Services) -> tuple[object, ...]:
    report = weekly_ledger(services, "uk-fr-2025")
    return report.weeks, report.returned, report.admitted, report.committed


def test_only_closed_cases_past_the_period_are_anonymised_and_the_ledger_adds_up_the_same(
    services: Services, clock: SettableClock, engine: Engine
) -> None:
    # 1 Sep 2025: a boat with an unaccompanied minor (ineligible: closed at once) and two adults; two families apply.
    (minor, minor_person), (returnee, returnee_person), (waiting, waiting_person) = arrive_people(
        services, "b1", {**UNACCOMPANIED_MINOR, "family_name": "Haile"}, YONAS, {"family_name": "Kidane"}
    )
    withdrawn, withdrawn_members = apply_as_family(services, "FAM-W", document_number="AF1")
    applying, applying_members = apply_as_family(services, "FAM-A", document_number="AF2")
    act_on_admission_case(services, CaseCommand("w", "cw", withdrawn, "withdraw", {"reason": "moved away"}))
    ready_to_book(services, returnee)
    act(services, returnee, "schedule_transfer", flight_ref="PLF-1", departs_at="2025-09-04T09:00:00+00:00")
    clock.current = utc(2025, 9, 4, 9)
    act(services, returnee, "complete_transfer")  # returned 4 Sep 2025: closed three days after the others
    all_returns, all_admissions = [minor, returnee, waiting], [withdrawn, applying]
    history, ledger = _history(services, all_returns, all_admissions), _ledger(services)
    _erase_withdrawal_reason(history)  # free text: retention replaces it, and nothing else in any history

    # 18 months (uk-fr-2025 [data] retention) after 1 Sep 2025 is 1 Mar 2027; after 4 Sep 2025, 4 Mar 2027.
    clock.current = utc(2027, 3, 1, 12)
    [not_yet] = apply_retention(services, ["uk-fr-2025"], dry_run=True)
    clock.current = utc(2027, 3, 3, 12)
    [dry] = apply_retention(services, ["uk-fr-2025"], dry_run=True)
    [applied] = apply_retention(services, ["uk-fr-2025"], batch=1)
    [again] = apply_retention(services, ["uk-fr-2025"])

    assert (not_yet.return_cases, not_yet.admission_cases) == (0, 0)
    assert (dry.return_cases, dry.admission_cases, dry.people) == (1, 1, 0)
    assert (applied.return_cases, applied.admission_cases) == (1, 1)
    # 1 person, 2 members, 3 index entries; 1 payload: the withdrawal's reason
    assert (applied.people, applied.admission_members, applied.identity_records, applied.action_payloads) == (
        1,
        2,
        3,
        1,
    )
    assert applied.retention == "18 months"
    assert (again.return_cases, again.admission_cases, again.people) == (0, 0, 0)
    with services.uow() as uow:
        people = {p.id: p for p in uow.arrivals.get(uow.returns.get(minor).arrival_id).people}
        gone = uow.admissions.get(withdrawn)
        kept = uow.admissions.get(applying)
        indexed = {p.record.record_id for p in uow.identity.all_people()}
        assert uow.returns.get(minor).status is ReturnStatus.INELIGIBLE
        assert uow.admissions.get(withdrawn).status is AdmissionStatus.WITHDRAWN
    anonymised = people[minor_person].identity
    assert (anonymised.given_names, anonymised.family_name, anonymised.date_of_birth, anonymised.documents) == (
        "",
        "",
        None,
        (),
    )
    assert people[minor_person].transit_evidence is None
    assert people[minor_person].identity.nationality == "ERI"  # kept for statistics
    assert people[returnee_person].identity.family_name == "Tesfamariam"  # closed, but not yet past the period
    assert people[waiting_person].identity.family_name == "Kidane"  # open
    assert {m.identity.family_name for m in gone.members} == {""}
    assert {m.identity.family_name for m in kept.members} == {"Rahimi"}
    assert indexed == {returnee_person, waiting_person, *applying_members}
    assert not indexed & {minor_person, *withdrawn_members}
    assert _history(services, all_returns, all_admissions) == history  # statuses, versions, actions, dates
    assert _ledger(services) == ledger
    people_table = tables.people
    with engine.connect() as connection:
        row = connection.execute(select(people_table).where(people_table.c.id == minor_person)).mappings().one()
    assert {
        name: row[name] for name in ("given_names", "date_of_birth", "name_index", "document_index")
    } == dict.fromkeys(("given_names", "date_of_birth", "name_index", "document_index"))
    assert row["anonymised_at"] == utc(2027, 3, 3, 12)
    with services.uow() as uow:
        audited = [e.event for e in uow.audit.latest(5) if e.event.action == "apply_retention"]
    assert sorted(id_ for event in audited for id_ in event.record_ids) == sorted([minor, withdrawn])


def test_a_past_weeks_committee_report_is_the_same_after_retention(services: Services, clock: SettableClock) -> None:
    refused, members = apply_as_family(services, "FAM-R", document_number="AF3")
    reason = "Amina Rahimi's sponsor withdrew his support"
    act_on_admission_case(
        services,
        sent_by_its_taker(
            CaseType.ADMISSION, CaseCommand("r", "cw", refused, "refuse", {"member_id": members[0], "reason": reason})
        ),
    )
    clock.current = utc(2027, 3, 3, 12)  # 18 months after: due for anonymisation
    before = committee_report(services, "uk-fr-2025", date(2025, 9, 1))  # seen on the same day: deadlines depend on it

    [applied] = apply_retention(services, ["uk-fr-2025"])

    assert applied.admission_cases == 1
    assert committee_report(services, "uk-fr-2025", date(2025, 9, 1)) == before
    assert [(r.reason, r.cases) for r in before.refusals] == [(ADMISSION_REFUSAL, 1)]  # counted, never quoted


def test_every_scheme_in_force_is_covered_unless_one_is_named(services: Services) -> None:
    outcomes = apply_retention(services, dry_run=True)

    assert [(o.scheme_id, o.retention) for o in outcomes] == [("eu-tr-2016", "10 years"), ("uk-fr-2025", "18 months")]
