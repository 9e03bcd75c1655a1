"""Advancing return and admission cases: one action at a time, checked by the domain, with the ledger kept in step."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from parity.domain.admissions import AdmissionCase, AdmissionStatus
from parity.domain.clocks import ClockRules
from parity.domain.errors import LedgerLimitReached
from parity.domain.lifecycle import Action
from parity.scheme.model import Scheme
from parity.services.context import Services, StaleVersion, run_command, scheme_ref
from parity.services.ports import UnitOfWork


@dataclass(frozen=True)
class CaseCommand:
    command_id: str
    actor: str
    case_id: str
    action: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    expected_version: int | None = None  # the version the client last saw (HTTP If-Match); None: do not check


def act_on_return_case(services: Services, command: CaseCommand) -> Mapping[str, Any]:
    def handle(uow: UnitOfWork) -> Mapping[str, Any]:
        scheme = services.scheme(uow.returns.scheme_of(command.case_id))
        case = uow.returns.get(command.case_id)
        _check_version(case.version, command)
        action = _action(services, scheme, command, _parity_flag(uow, scheme, command))
        case.record(action, scheme)
        if action.kind == "complete_transfer":
            ledger = uow.ledgers.get(scheme.id)
            ledger.record_return(counted(scheme, [case.nationality]), _local_day(scheme, action), scheme.parity)
            uow.ledgers.save(ledger)
        uow.returns.save(case)
        return {"case_id": case.id, "status": case.status.value, "version": case.version}

    return run_command(services, command.command_id, f"return:{command.action}", _fingerprint(command), handle)


def act_on_admission_case(services: Services, command: CaseCommand) -> Mapping[str, Any]:
    def handle(uow: UnitOfWork) -> Mapping[str, Any]:
        scheme = services.scheme(uow.admissions.scheme_of(command.case_id))
        case = uow.admissions.get(command.case_id)
        _check_version(case.version, command)
        before = case.status
        action = _action(services, scheme, command)
        case.record(action, scheme)
        _update_ledger_for_admission(uow, scheme, case, before, action)
        uow.admissions.save(case)
        return {"case_id": case.id, "status": case.status.value, "version": case.version}

    return run_command(services, command.command_id, f"admission:{command.action}", _fingerprint(command), handle)


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


def _parity_flag(uow: UnitOfWork, scheme: Scheme, command: CaseCommand) -> dict[str, Any]:
    """A readmission request sent while returns lead admissions beyond the tolerance carries a flag (rule 21):
    the readmitting state may refuse it, so the request is not blocked here."""
    if command.action != "send_request":
        return {}
    ledger = uow.ledgers.get(scheme.id)
    if not ledger.returns_ahead(scheme.parity):
        return {}
    return {"returns_ahead_of_admissions_by": ledger.balance(scheme.parity)}


def counted(scheme: Scheme, nationalities: list[str]) -> int:
    """How many of these people count towards the balance (some schemes pair one nationality only)."""
    wanted = scheme.parity.counted_nationalities
    return sum(1 for n in nationalities if not wanted or n in wanted)


def _update_ledger_for_admission(
    uow: UnitOfWork, scheme: Scheme, case: AdmissionCase, before: AdmissionStatus, action: Action
) -> None:
    people = counted(scheme, [m.identity.nationality for m in case.members])
    day = _local_day(scheme, action)
    ledger = uow.ledgers.get(scheme.id)
    if action.kind == "invite":
        if ledger.admissions_paused(scheme.parity):
            raise LedgerLimitReached("admissions are paused: they lead returns beyond the scheme's tolerance (rule 21)")
        return
    if action.kind == "issue_entry_clearance":
        ledger.commit_admission(people, day, scheme.parity)
    elif action.kind == "record_arrival":
        ledger.record_admission(people, day)
    elif before is AdmissionStatus.CLEARANCE_ISSUED and action.kind in {"expire_entry_clearance", "withdraw"}:
        ledger.release_commitment(people)
    else:
        return
    uow.ledgers.save(ledger)
