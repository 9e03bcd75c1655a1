"""Record the lapses that are due (`parity.domain.lapses`): run by a scheduler (`parity record-lapses`, from cron or
a systemd timer, every few minutes), so that no case waits for someone to notice that its deadline has passed, and
an unused entry clearance gives its places back to the ledger when it expires, not when an officer records it.

Each lapse is its own command, in its own transaction: one case refused or changed meanwhile does not hold up the
others, and the next run tries it again. A lapse's command id names the case, the action and the deadline's due
time, so running the sweep twice records nothing twice, while a later deadline of the same kind (a reply extended,
then overdue again) is still recorded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from parity.domain.admissions import AdmissionCase, AdmissionStatus
from parity.domain.decisions import CaseType
from parity.domain.errors import DomainError
from parity.domain.lapses import LAPSES, Lapse
from parity.domain.returns import ReturnCase, ReturnStatus
from parity.services.cases import CaseCommand, act_on_admission_case, act_on_return_case
from parity.services.context import Services
from parity.services.ports import ConcurrencyConflict

SCHEME_CLOCK = "scheme-clock"  # the actor recorded on a lapse: nobody decided it, the deadline did

_ACT: dict[CaseType, Callable[[Services, CaseCommand], Mapping[str, Any]]] = {
    CaseType.RETURN: act_on_return_case,
    CaseType.ADMISSION: act_on_admission_case,
}


@dataclass
class LapseRun:
    recorded: Counter[str] = field(default_factory=Counter)  # by action
    not_recorded: list[tuple[str, str, str]] = field(default_factory=list)  # case id, action, why (next run retries)


def record_lapses(services: Services, scheme_id: str) -> LapseRun:
    """Record every lapse due now on the scheme's open cases."""
    run = LapseRun()
    for lapse, case_id, command_id in _due(services, scheme_id):
        command = CaseCommand(command_id, SCHEME_CLOCK, case_id, lapse.action)
        try:
            _ACT[lapse.case_type](services, command)
        except (DomainError, ConcurrencyConflict) as refused:
            run.not_recorded.append((case_id, lapse.action, str(refused)))
        else:
            run.recorded[lapse.action] += 1
    return run


def _due(services: Services, scheme_id: str) -> list[tuple[Lapse, str, str]]:
    scheme = services.scheme(scheme_id)
    now = services.clock.now()
    due: list[tuple[Lapse, str, str]] = []
    with services.uow() as uow:
        for lapse in LAPSES:
            cases: list[ReturnCase] | list[AdmissionCase]
            if lapse.case_type is CaseType.RETURN:
                statuses = frozenset(ReturnStatus(s) for s in lapse.statuses)
                cases = [uow.returns.get(i) for i in uow.returns.ids_by_status(scheme_id, statuses)]
            else:
                wanted = frozenset(AdmissionStatus(s) for s in lapse.statuses)
                cases = [uow.admissions.get(i) for i in uow.admissions.ids_by_status(scheme_id, wanted)]
            for case in cases:
                passed = lapse.due(case.deadlines(scheme), now)
                if passed is not None:
                    due.append((lapse, case.id, f"lapse:{case.id}:{lapse.action}:{passed.due_at.isoformat()}"))
    return due
