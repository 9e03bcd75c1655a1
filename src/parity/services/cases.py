"""Advancing return and admission cases: one action at a time, checked by the domain, with the ledger kept in step."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from parity.domain.admissions import AdmissionCase, AdmissionStatus
from parity.domain.clocks import ClockRules
from parity.domain.decisions import TRANSITIONS, CaseType, check_taken_as
from parity.domain.errors import InvalidCommand, LedgerLimitReached, TransferBlocked
from parity.domain.ledger import week_start
from parity.domain.lifecycle import Action, Taker
from parity.domain.messages import Message
from parity.domain.payloads import required_datetime
from parity.domain.returns import ReturnCase, ReturnStatus
from parity.scheme.model import ParityRule, Scheme
from parity.services.context import Services, StaleVersion, run_command, scheme_ref
from parity.services.notices import scheme_timeline
from parity.services.ports import NotFound, UnitOfWork


@dataclass(frozen=True)
class CaseCommand:
    command_id: str
    actor: str
    case_id: str
    action: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    expected_version: int | None = None  # the version the client last saw (HTTP If-Match); None: do not check
    # Who sends it (domain/lifecycle.Taker): a UK officer unless a way in for another taker says so, e.g. the
    # readmitting state's answers. An action another takes is refused (domain/decisions.check_taken_as).
    taken_as: Taker = Taker.OFFICER


@dataclass(frozen=True)
class BulkCaseCommand:
    """One action on many cases at once, e.g. releasing into the asylum route everyone not selected today."""

    command_id: str
    actor: str
    case_ids: Sequence[str]
    action: str
    payload: Mapping[str, Any] = field(default_factory=dict)


def sent_by_its_taker(case_type: CaseType, command: CaseCommand) -> CaseCommand:
    """`command` sent as whoever takes its action: for the digital twin and tests, which play every part (the
    readmitting state, the approving officer) to move cases along."""
    return replace(command, taken_as=TRANSITIONS[case_type].taker(command.action))


def act_on_return_case(services: Services, command: CaseCommand) -> Mapping[str, Any]:
    def handle(uow: UnitOfWork) -> Mapping[str, Any]:
        # Inside the command, so that a repeat of a command recorded before this rule still replays.
        check_taken_as(CaseType.RETURN, command.case_id, command.action, command.taken_as)
        return apply_return_action(services, uow, command)

    return run_command(services, command.command_id, f"return:{command.action}", _fingerprint(command), handle)


def act_on_return_cases(services: Services, command: BulkCaseCommand) -> Mapping[str, Any]:
    """The same action on every case listed, in one transaction: all of them or, if any is refused, none."""
    if not command.case_ids:
        raise InvalidCommand(Message("case_ids: name at least one case"))

    def handle(uow: UnitOfWork) -> Mapping[str, Any]:
        check_taken_as(CaseType.RETURN, command.case_ids[0], command.action, Taker.OFFICER)
        results = [
            apply_return_action(
                services,
                uow,
                CaseCommand(f"{command.command_id}:{index}", command.actor, case_id, command.action, command.payload),
            )
            for index, case_id in enumerate(command.case_ids)
        ]
        return {"action": command.action, "cases": results}

    request = {"case_ids": list(command.case_ids), "action": command.action, "payload": dict(command.payload)}
    return run_command(services, command.command_id, f"return-bulk:{command.action}", request, handle)


def apply_return_action(services: Services, uow: UnitOfWork, command: CaseCommand) -> dict[str, Any]:
    """One action on a return case inside the caller's transaction (the family moving with it, rule 4)."""
    scheme = services.scheme(uow.returns.scheme_of(command.case_id))
    case = uow.returns.get(command.case_id)
    _check_version(case.version, command)
    timeline = scheme_timeline(uow, scheme)
    timeline.check_new_work(command.action, services.clock.now())
    if command.action == "flag_recrossing":
        _check_previous_return(uow, case, command.payload.get("previous_case_id"))
    rule_in_force = timeline.parity_rule(services.clock.now())
    action = _action(services, scheme, command, _parity_flag(uow, scheme.id, rule_in_force, command))
    moving = [case, *_family_moving_with(uow, case)] if action.kind == "complete_transfer" else [case]
    for member in moving:
        member_action = action if member is case else replace(action, command_id=f"{action.command_id}:{member.id}")
        member.record(member_action, scheme)
    if action.kind == "schedule_transfer":
        _check_weekly_level(uow, scheme, case, action)
    if action.kind == "complete_transfer":
        _record_return(uow, scheme, case, counted(scheme, [member.nationality for member in moving]))
    for member in moving:
        uow.returns.save(member)
    result: dict[str, Any] = {"case_id": case.id, "status": case.status.value, "version": case.version}
    if len(moving) > 1:
        result["family_moved_with"] = [member.id for member in moving[1:]]
    return result


def _record_return(uow: UnitOfWork, scheme: Scheme, case: ReturnCase, people: int) -> None:
    """Count the people returned in the week their transfer departed, the week whose level its booking was checked
    against (rule 23): a flight late on Sunday recorded on Monday morning belongs to the week it left in."""
    departed = case.scheduled_departure
    assert departed is not None  # noqa: S101 (a transfer completes only once scheduled: the transition table's rule)
    ledger = uow.ledgers.get(scheme.id)
    ledger.record_return(people, ClockRules(scheme.timezone, scheme.calendars).local_date(departed), scheme.parity)
    uow.ledgers.save(ledger)


def _check_weekly_level(uow: UnitOfWork, scheme: Scheme, case: ReturnCase, action: Action) -> None:
    """Book a transfer only within the weekly level of its departure's week (rule 23), counting that week's returns
    and the people already booked to depart in it, as the ledger counts them."""
    # Bookings queue on the ledger's row lock, taken before the bookings are counted; a scheme with no ledger row
    # yet gets one, so that two first bookings race on inserting it and one retries.
    ledger = uow.ledgers.get(scheme.id)
    if ledger.version == 0:
        uow.ledgers.save(ledger)
    clock = ClockRules(scheme.timezone, scheme.calendars)
    departs_on = clock.local_date(required_datetime(action.payload, "departs_at"))
    week = week_start(departs_on)
    booked = [
        n for n, departs in uow.returns.booked_transfers(scheme.id) if week_start(clock.local_date(departs)) == week
    ]
    ledger.check_transfer_booking(
        counted(scheme, [case.nationality]), counted(scheme, booked), departs_on, scheme.parity
    )


def _check_previous_return(uow: UnitOfWork, case: ReturnCase, previous_id: Any) -> None:
    """A re-crossing follows a return (rule 11): the case it names must be another case, one that ended in a
    return; it marks this case for expedited return, so a mistyped id must not pass. (A missing id is the domain's
    to refuse; a confirmed identity match names the returnee's case itself.)"""
    if not isinstance(previous_id, str) or not previous_id.strip():
        return
    try:
        previous = uow.returns.get(previous_id) if previous_id != case.id else None
    except NotFound:
        previous = None
    if previous is None:
        raise InvalidCommand(Message("field 'previous_case_id': %(case)s is not another return case", case=previous_id))
    if previous.status is not ReturnStatus.RETURNED:
        raise InvalidCommand(
            Message(
                "field 'previous_case_id': case %(case)s has not ended in a return (status %(status)s); "
                "a re-crossing follows a return (rule 11)",
                case=previous_id,
                status=previous.status.value,
            )
        )


def _family_moving_with(uow: UnitOfWork, case: ReturnCase) -> list[ReturnCase]:
    """Accompanied children move with their family unit (rule 4): the family, as grouped at intake, is transferred
    together in one step, or not at all. Every member must be on the same scheduled transfer; members already
    returned are left as they are."""
    if case.family_group is None:
        return []
    family = [
        uow.returns.get(member_id)
        for member_id in uow.returns.family_case_ids(case.arrival_id, case.family_group)
        if member_id != case.id
    ]
    staying = [m for m in family if m.status not in {ReturnStatus.TRANSFER_SCHEDULED, ReturnStatus.RETURNED}]
    if staying:
        listed = ", ".join(f"{m.id} ({m.status.value})" for m in staying)
        raise TransferBlocked(
            Message(
                "family %(family)s moves together (rule 4): not every member is scheduled for transfer: %(members)s",
                family=str(case.family_group),
                members=listed,
            )
        )
    return [m for m in family if m.status is ReturnStatus.TRANSFER_SCHEDULED]


def act_on_admission_case(services: Services, command: CaseCommand) -> Mapping[str, Any]:
    """One action on an admission case; never `invite`, which only approving a selection proposal does (issue 7)."""

    def handle(uow: UnitOfWork) -> Mapping[str, Any]:
        # Inside the command, so that a repeat of an invitation recorded before this rule still replays.
        check_taken_as(CaseType.ADMISSION, command.case_id, command.action, command.taken_as)
        return apply_admission_action(services, uow, command)

    return run_command(services, command.command_id, f"admission:{command.action}", _fingerprint(command), handle)


def apply_admission_action(services: Services, uow: UnitOfWork, command: CaseCommand) -> dict[str, Any]:
    """One action on an admission case inside the caller's transaction (approving a decision carries it out so)."""
    scheme = services.scheme(uow.admissions.scheme_of(command.case_id))
    case = uow.admissions.get(command.case_id)
    _check_version(case.version, command)
    record_admission_action(uow, scheme, case, _action(services, scheme, command, _grant_conditions(scheme, command)))
    return {"case_id": case.id, "status": case.status.value, "version": case.version}


def _grant_conditions(scheme: Scheme, command: CaseCommand) -> dict[str, Any]:
    """An entry clearance is recorded with the conditions the scheme grants it on (rule 19), whatever was sent."""
    if command.action != "issue_entry_clearance":
        return {}
    return {"conditions": [condition.value for condition in scheme.admissions.grant_conditions]}


def record_admission_action(uow: UnitOfWork, scheme: Scheme, case: AdmissionCase, action: Action) -> None:
    """Record one action on an admission case, checked by the domain, with the ledger kept in step; the caller
    commits. Approving a selection proposal invites its families through here too, all in one transaction."""
    before = case.status
    timeline = scheme_timeline(uow, scheme)
    timeline.check_new_work(action.kind, action.at)
    case.record(action, scheme)
    _update_ledger_for_admission(uow, scheme, case, before, action, rule=timeline.parity_rule(action.at))
    uow.admissions.save(case)


def _fingerprint(command: CaseCommand) -> dict[str, Any]:
    return {"case_id": command.case_id, "action": command.action, "payload": dict(command.payload)}


def _check_version(current: int, command: CaseCommand) -> None:
    if command.expected_version is not None and command.expected_version != current:
        raise StaleVersion(
            f"case {command.case_id} is at version {current}, not {command.expected_version}: "
            "someone changed it since you loaded it; reload and try again"
        )


def _action(
    services: Services, scheme: Scheme, command: CaseCommand, annotations: Mapping[str, Any] | None = None
) -> Action:
    payload = {**command.payload, **(annotations or {})}
    return Action(command.action, services.clock.now(), command.actor, command.command_id, scheme_ref(scheme), payload)


def _local_day(scheme: Scheme, action: Action) -> date:
    return ClockRules(scheme.timezone, scheme.calendars).local_date(action.at)


def _parity_flag(uow: UnitOfWork, scheme_id: str, rule: ParityRule, command: CaseCommand) -> dict[str, Any]:
    """A readmission request sent while returns lead admissions beyond the tolerance in force carries a flag (rule
    21; no tolerance under notice, rule 24): the readmitting state may refuse it, so the request is not blocked."""
    if command.action != "send_request":
        return {}
    ledger = uow.ledgers.get(scheme_id)
    if not ledger.returns_ahead(rule):
        return {}
    return {"returns_ahead_of_admissions_by": ledger.balance(rule)}


def counted(scheme: Scheme, nationalities: list[str]) -> int:
    """How many of these people count towards the balance (some schemes pair one nationality only)."""
    wanted = scheme.parity.counted_nationalities
    return sum(1 for n in nationalities if not wanted or n in wanted)


def _update_ledger_for_admission(
    uow: UnitOfWork, scheme: Scheme, case: AdmissionCase, before: AdmissionStatus, action: Action, *, rule: ParityRule
) -> None:
    """`rule` is the parity rule in force now: during a notice period it allows no tolerance (rule 24)."""
    people = counted(scheme, [m.identity.nationality for m in case.members])
    day = _local_day(scheme, action)
    ledger = uow.ledgers.get(scheme.id)
    if action.kind == "invite":
        if ledger.admissions_paused(rule):
            raise LedgerLimitReached(
                Message(
                    "admissions are paused: they lead returns beyond the tolerance of %(tolerance)s (rules 21, 24)",
                    tolerance=rule.tolerance,
                )
            )
        return
    if action.kind == "issue_entry_clearance":
        ledger.commit_admission(people, day, rule)
    elif action.kind == "record_arrival":
        ledger.record_admission(people, day)
    elif before is AdmissionStatus.CLEARANCE_ISSUED and action.kind in {"expire_entry_clearance", "withdraw", "refuse"}:
        ledger.release_commitment(people, day)
    else:
        return
    uow.ledgers.save(ledger)
