"""The ledger's admission limit under concurrent writers, on SQLite (WAL) and PostgreSQL (issue 2, rules 21-23).

With no returns yet, the balance allows admissions only up to the scheme's tolerance (25 places for uk-fr-2025).
Many workers deciding families at once must never commit more places than that.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import Engine
from tests.builders import invite_outside_a_round, utc

from parity.domain.decisions import CaseType
from parity.domain.errors import LedgerLimitReached
from parity.domain.ledger import Ledger
from parity.domain.people import Sex
from parity.scheme import Scheme
from parity.services.applications import ApplicantInput, SubmitExpressionOfInterest, submit_expression_of_interest
from parity.services.cases import CaseCommand, act_on_admission_case, sent_by_its_taker
from parity.services.context import Services, SettableClock
from parity.services.reports import weekly_ledger

STEPS_TO_DECISION = ("enrol_biometrics", "clear_security")


def security_cleared_family(services: Services, number: int) -> str:
    """A one-adult family taken through the real services to the point of decision."""
    submitted = submit_expression_of_interest(
        services,
        SubmitExpressionOfInterest(
            f"eoi-{number}",
            "applicant-portal",
            "uk-fr-2025",
            f"FAM-{number:03d}",
            (
                ApplicantInput(
                    "Senait", "Tekle", date(1994, 4, 4), "ERI", Sex.FEMALE, True, "passport", f"ER{number:06d}"
                ),
            ),
        ),
    )
    case_id = str(submitted["case_id"])
    member_id = submitted["member_ids"][0]
    payloads = {
        "enrol_biometrics": {"documents_presented": [{"member_id": member_id, "document_number": f"ER{number:06d}"}]}
    }
    act_on_admission_case(
        services,
        CaseCommand(
            f"{case_id}:loc",
            "fr-portal",
            case_id,
            "confirm_location",
            {"country": "FR", "confirmed_member_ids": [member_id]},
        ),
    )
    act_on_admission_case(services, CaseCommand(f"{case_id}:eligible", "caseworker", case_id, "find_eligible", {}))
    # More families reach the decision here than one selection round's places would invite.
    invite_outside_a_round(services, case_id)
    for step in STEPS_TO_DECISION:
        act_on_admission_case(
            services, CaseCommand(f"{case_id}:{step}", "caseworker", case_id, step, payloads.get(step, {}))
        )
    return case_id


def test_concurrent_decisions_never_commit_more_places_than_the_balance_allows(
    services: Services, clock: SettableClock, uk_fr: Scheme
) -> None:
    clock.current = utc(2025, 9, 1, 10)
    families = [security_cleared_family(services, number) for number in range(40)]
    tolerance = uk_fr.parity.tolerance

    def decide(case_id: str) -> str:
        try:
            command = CaseCommand(f"{case_id}:decide", "supervisor", case_id, "issue_entry_clearance", {})
            act_on_admission_case(services, sent_by_its_taker(CaseType.ADMISSION, command))
        except LedgerLimitReached:
            return "refused"
        return "issued"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(decide, families))

    report = weekly_ledger(services, "uk-fr-2025")
    assert outcomes.count("issued") == tolerance == 25
    assert report.committed == tolerance
    assert sum(week.clearances_issued for week in report.weeks) == tolerance


def test_a_clearance_given_back_moves_the_weekly_balance_with_the_ledgers(
    services: Services, clock: SettableClock
) -> None:
    # The committee's weekly figures (services/committee.py) read these weeks: they must end where the running
    # totals are, in the week a withdrawn or expired clearance gives its places back (rule 21).
    clock.current = utc(2025, 9, 1, 10)
    withdrawn, expired, kept = (security_cleared_family(services, number) for number in range(3))
    for case_id in (withdrawn, expired, kept):
        command = CaseCommand(f"{case_id}:decide", "supervisor", case_id, "issue_entry_clearance", {})
        act_on_admission_case(services, sent_by_its_taker(CaseType.ADMISSION, command))
    clock.current = utc(2025, 9, 10, 10)  # the next week
    act_on_admission_case(services, CaseCommand("w", "caseworker", withdrawn, "withdraw", {"reason": "moved on"}))
    clock.current = utc(2025, 12, 2, 10)  # valid for 3 months (rule 19)
    act_on_admission_case(services, CaseCommand("x", "caseworker", expired, "expire_entry_clearance", {}))

    report = weekly_ledger(services, "uk-fr-2025")
    assert (report.committed, report.balance) == (1, -1.0)
    issued, withdrawal, expiry = report.weeks
    assert (issued.clearances_issued, issued.clearances_released, issued.balance) == (3, 0, -3.0)
    assert (withdrawal.week_start, withdrawal.clearances_released, withdrawal.balance) == (date(2025, 9, 8), 1, -2.0)
    assert (expiry.week_start, expiry.clearances_released, expiry.balance) == (date(2025, 12, 1), 1, -1.0)


def test_a_report_reads_the_ledger_while_a_command_holds_it(services: Services, engine: Engine) -> None:
    """Before, reports read the ledger FOR UPDATE like the commands that change it: every dashboard view queued behind
    a return or an admission being recorded, and held the next one up."""
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks: PostgreSQL (SQLite has one writer at a time)")
    case_id = security_cleared_family(services, 1)
    decision = CaseCommand("decide", "supervisor", case_id, "issue_entry_clearance", {})
    act_on_admission_case(services, sent_by_its_taker(CaseType.ADMISSION, decision))  # the ledger's row now exists
    reports: list[int] = []
    reader = threading.Thread(target=lambda: reports.append(weekly_ledger(services, "uk-fr-2025").committed))
    with services.uow() as holder:
        holder.ledgers.get("uk-fr-2025")  # a command's lock, held until this block ends
        reader.start()
        reader.join(timeout=30)
        finished_while_held = not reader.is_alive()
    reader.join()
    assert finished_while_held
    assert reports == [1]


def test_a_report_reads_the_same_ledger_a_command_would(services: Services, clock: SettableClock) -> None:
    """`read` takes the row and its weeks in one statement (one snapshot), `get` in two under the row's lock."""
    with services.uow() as uow:
        assert uow.ledgers.read("uk-fr-2025") == uow.ledgers.get("uk-fr-2025") == Ledger("uk-fr-2025")
    for number, day in ((1, 1), (2, 9)):  # clearances issued in two weeks
        clock.current = utc(2025, 9, day, 10)
        decision = CaseCommand(
            f"d{number}", "supervisor", security_cleared_family(services, number), "issue_entry_clearance", {}
        )
        act_on_admission_case(services, sent_by_its_taker(CaseType.ADMISSION, decision))
    with services.uow() as uow:
        read, got = uow.ledgers.read("uk-fr-2025"), uow.ledgers.get("uk-fr-2025")
    assert read == got
    assert len(read.weeks) == 2
