"""The Joint Committee's weekly report (treaty Art. 17; brief §10 rule 21): one week's figures, from the record.

Returns, admissions and the balance come from the parity ledger, which the case services keep in step with the
case histories in the same transaction. Deadlines, refusals and legal blocks are read from the case histories:

- a deadline counts once, in the week it was settled: *met* in the week the awaited action happened in time,
  *missed* in the week it fell due while the case was still open and the action had not happened;
- a refusal counts in the week it was recorded, by its reason;
- a legal block counts as *new* in the week a blocking event was recorded, and as *in force* when it still stopped
  an open case's transfer on the week's last day.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from parity.domain.admissions import ADMISSION_TRANSITIONS, AdmissionCase, AdmissionStatus
from parity.domain.admissions import OPEN as OPEN_ADMISSIONS
from parity.domain.clocks import ClockRules, Deadline
from parity.domain.committee import (
    CommitteeReport,
    Correction,
    DeadlineTally,
    LegalBlockCount,
    RefusalCount,
    SignOff,
    corrections,
)
from parity.domain.decisions import CaseType
from parity.domain.errors import IllegalTransition, InvalidCommand, TooEarly
from parity.domain.ledger import week_start as ledger_week
from parity.domain.lifecycle import Action
from parity.domain.messages import Message
from parity.domain.returns import OPEN as OPEN_RETURNS
from parity.domain.returns import RETURN_TRANSITIONS, ReturnCase, ReturnStatus
from parity.scheme.model import Scheme
from parity.services.context import Services, StaleVersion, run_command
from parity.services.ports import UnitOfWork
from parity.services.reports import weekly_ledger

_FINGERPRINT = re.compile(r"[0-9a-f]{16}")  # `CommitteeReport.fingerprint`

# Cases screened out at intake never had a live deadline; reading them would only cost time.
_NEVER_IN_PROCESS = frozenset({ReturnStatus.NEW, ReturnStatus.DETECTED, ReturnStatus.INELIGIBLE})


# Return refusals are counted by their reason, one of the scheme's. An admission refusal's reason is the decision
# maker's own words (encrypted at rest, replaced under retention): the report counts them together, so it shows no
# free text and a week's figures stay the same after retention.
ADMISSION_REFUSAL = "decision_maker_reasons"


@dataclass(frozen=True)
class _Week:
    start: datetime
    end: datetime
    last_day: date

    def holds(self, instant: datetime) -> bool:
        return self.start <= instant < self.end


def committee_report(services: Services, scheme_id: str, week_start: date) -> CommitteeReport:
    """The figures of the week that starts on `week_start` (a Monday), as the record stands now."""
    if week_start.weekday() != 0:
        raise InvalidCommand(Message("a report week starts on a Monday; %(day)s is not one", day=week_start))
    scheme = services.scheme(scheme_id)
    clock = ClockRules(scheme.timezone, scheme.calendars)
    now = services.clock.now()
    first, last = report_weeks(scheme, clock.local_date(now))
    if not first <= week_start <= last:
        raise InvalidCommand(
            Message(
                "week %(week)s is outside the scheme's period: a report covers a week from %(first)s to %(last)s",
                week=week_start,
                first=first,
                last=last,
            )
        )
    last_day = week_start + timedelta(days=6)
    week = _Week(clock.end_of_day(week_start - timedelta(days=1)), clock.end_of_day(last_day), last_day)
    ledger = weekly_ledger(services, scheme_id)
    totals = ledger.week(week_start)
    with services.uow() as uow:
        returns = [
            uow.returns.get(case_id)
            for case_id in uow.returns.ids_by_status(scheme_id, frozenset(ReturnStatus) - _NEVER_IN_PROCESS)
        ]
        admissions = [
            uow.admissions.get(case_id)
            for case_id in uow.admissions.ids_by_status(scheme_id, frozenset(AdmissionStatus))
        ]
    return CommitteeReport(
        scheme_id=scheme_id,
        week_start=week_start,
        last_day=last_day,
        returned=totals.returned,
        admitted=totals.admitted,
        clearances_issued=totals.clearances_issued,
        clearances_released=totals.clearances_released,
        cumulative_returned=totals.cumulative_returned,
        cumulative_admitted=totals.cumulative_admitted,
        balance=totals.balance,
        tolerance=ledger.tolerance,
        weekly_level=ledger.weekly_level,
        deadlines=_deadline_tallies(scheme, week, now, returns, admissions),
        refusals=_refusals(week, returns, admissions),
        legal_blocks=_legal_blocks(week, returns),
    )


def report_weeks(scheme: Scheme, today: date) -> tuple[date, date]:
    """The Mondays of the first and the last week a report may cover: from the week the scheme came into force to
    the week it ends in (reports look ahead within it), or the current week if later (transfers go on after the
    last day new cases may open)."""
    last = today if scheme.in_force.end is None else max(today, scheme.in_force.end)
    return ledger_week(scheme.in_force.start), ledger_week(last)


def _deadline_tallies(
    scheme: Scheme, week: _Week, now: datetime, returns: list[ReturnCase], admissions: list[AdmissionCase]
) -> list[DeadlineTally]:
    met: Counter[tuple[CaseType, str, bool]] = Counter()
    missed: Counter[tuple[CaseType, str, bool]] = Counter()
    cases: list[tuple[CaseType, list[Action], list[Deadline]]] = [
        *((CaseType.RETURN, c.actions, c.deadlines(scheme)) for c in returns),
        *((CaseType.ADMISSION, c.actions, c.deadlines(scheme)) for c in admissions),
    ]
    for case_type, actions, deadlines in cases:
        for deadline in deadlines:
            key = (case_type, deadline.name, deadline.binding)
            done = deadline.done_at
            if done is not None and done < deadline.due_at and week.holds(done):
                met[key] += 1
            elif (
                (done is None or done >= deadline.due_at)
                and week.holds(deadline.due_at)
                and deadline.due_at <= now
                and _open_at(case_type, actions, deadline.due_at)
            ):
                missed[key] += 1
    return [
        DeadlineTally(case_type, name, binding, met[(case_type, name, binding)], missed[(case_type, name, binding)])
        for case_type, name, binding in sorted(met.keys() | missed.keys())
    ]


def _open_at(case_type: CaseType, actions: list[Action], instant: datetime) -> bool:
    before = [a for a in actions if a.at < instant]
    if case_type is CaseType.RETURN:
        return RETURN_TRANSITIONS.replay(before) in OPEN_RETURNS
    return ADMISSION_TRANSITIONS.replay(before) in OPEN_ADMISSIONS


def _refusals(week: _Week, returns: list[ReturnCase], admissions: list[AdmissionCase]) -> list[RefusalCount]:
    counts: Counter[tuple[CaseType, str]] = Counter()
    for returning in returns:
        refused = (a for a in _in_week(week, returning.actions) if a.kind == "refuse")
        counts.update((CaseType.RETURN, str(a.payload["reason"])) for a in refused)
    for admission in admissions:
        refused = (a for a in _in_week(week, admission.actions) if a.kind == "refuse")
        counts.update((CaseType.ADMISSION, ADMISSION_REFUSAL) for _ in refused)
    return [RefusalCount(case_type, reason, n) for (case_type, reason), n in sorted(counts.items())]


def _legal_blocks(week: _Week, returns: list[ReturnCase]) -> list[LegalBlockCount]:
    new: Counter[str] = Counter()
    in_force: Counter[str] = Counter()
    for case in returns:
        new.update(e.kind.value for e in case.legal_events() if e.blocks and week.holds(e.recorded_at))
        if _open_at(CaseType.RETURN, case.actions, week.end):
            in_force.update(event.kind.value for event in case.blockers(week.last_day))
    return [LegalBlockCount(kind, new[kind], in_force[kind]) for kind in sorted(new.keys() | in_force.keys())]


def _in_week(week: _Week, actions: Iterable[Action]) -> Iterable[Action]:
    return (a for a in actions if week.holds(a.at))


@dataclass(frozen=True)
class CommitteeWeek:
    """A week as the committee reads it: the figures it signed off (or, until then, as they stand now) and every
    figure that has changed since."""

    report: CommitteeReport
    sign_off: SignOff | None
    corrections: list[Correction]
    signable_from: date  # a week is signed off once it is over: from the day after its last day
    over: bool  # whether that day has come, in the scheme's zone


def committee_week(services: Services, scheme_id: str, week_start: date) -> CommitteeWeek:
    current = committee_report(services, scheme_id, week_start)
    with services.uow() as uow:
        sign_off = uow.sign_offs.get(scheme_id, week_start)
    signable_from, over = _signable(services, current)
    if sign_off is None:
        return CommitteeWeek(current, None, [], signable_from, over)
    return CommitteeWeek(sign_off.report, sign_off, corrections(sign_off.report, current), signable_from, over)


def _signable(services: Services, report: CommitteeReport) -> tuple[date, bool]:
    """The first day the report's week may be signed off, and whether it has come."""
    scheme = services.scheme(report.scheme_id)
    signable_from = report.last_day + timedelta(days=1)
    today = ClockRules(scheme.timezone, scheme.calendars).local_date(services.clock.now())
    return signable_from, today >= signable_from


def signed_weeks(services: Services, scheme_id: str) -> set[date]:
    with services.uow() as uow:
        return uow.sign_offs.signed_weeks(scheme_id)


@dataclass(frozen=True)
class SignOffWeek:
    command_id: str
    actor: str  # the signer's user id
    signer: str  # the signer's user name
    scheme_id: str
    week_start: date
    seen: str  # the fingerprint of the figures the signer read (`CommitteeReport.fingerprint`)


def sign_off_week(services: Services, command: SignOffWeek) -> Mapping[str, Any]:
    """Record the committee's agreement to a week that is over, with its figures as they stand: they are kept as
    signed, and later changes show as corrections. A week is signed off once; figures that changed since the signer
    read them are refused, so nobody signs figures unseen."""
    if not _FINGERPRINT.fullmatch(command.seen):
        raise InvalidCommand(
            Message("figures: the fingerprint of the figures read, 16 hexadecimal digits, is required")
        )
    scheme = services.scheme(command.scheme_id)
    report = committee_report(services, command.scheme_id, command.week_start)
    signable_from, over = _signable(services, report)
    if not over:
        raise TooEarly(
            Message(
                "the week starting %(week)s is not over: it can be signed off from %(day)s",
                week=report.week_start,
                day=signable_from,
            )
        )
    if report.fingerprint() != command.seen:
        raise StaleVersion(
            Message("the week's figures changed while you were reading them: read them again before signing off")
        )

    def handle(uow: UnitOfWork) -> Mapping[str, Any]:
        signed = uow.sign_offs.get(command.scheme_id, command.week_start)
        if signed is not None:
            raise IllegalTransition(
                Message(
                    "the week starting %(week)s was already signed off, at %(at)s",
                    week=signed.week_start,
                    at=signed.signed_at,
                )
            )
        now = services.clock.now()
        uow.sign_offs.add(
            SignOff(
                scheme_id=scheme.id,
                week_start=report.week_start,
                signed_at=now,
                signed_by=command.signer,
                actor=command.actor,
                scheme_version=scheme.version,
                report=report,
            )
        )
        return {
            "scheme_id": scheme.id,
            # Named as a record, so that the audit chain holds which week was signed and which figures.
            "week_id": f"{scheme.id}:{report.week_start.isoformat()}",
            "figures_id": command.seen,
            "week_start": report.week_start.isoformat(),
            "signed_at": now.isoformat(),
        }

    request = {"scheme_id": scheme.id, "week_start": command.week_start.isoformat(), "seen": command.seen}
    return run_command(services, command.command_id, "sign_off_committee_week", request, handle)
