"""The twin's operator: every action it takes is a command on the services, at the clock time the day's step sets.

Only the ledger's refusals (weekly level, parity rule, admissions paused) are part of the model and counted; any
other refusal means the twin broke a rule, and is raised.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

import numpy as np

from parity.domain.decisions import CaseType
from parity.domain.errors import LedgerLimitReached
from parity.scheme import Scheme
from parity.services.cases import (
    BulkCaseCommand,
    CaseCommand,
    act_on_admission_case,
    act_on_return_case,
    act_on_return_cases,
    sent_by_its_taker,
)
from parity.services.context import Services, SettableClock
from parity.services.selection import ApproveProposal, ProposeInvitations, approve_proposal, propose_invitations
from parity.simulate.inputs import EngineInputs
from parity.simulate.synthetic import SyntheticPeople

ACTOR = "twin"
# A selection round is proposed by one person and approved by another (separation of duties, issue 7).
PROPOSER, APPROVER = "twin-caseworker", "twin-supervisor"


class Chances:
    """The run's one stream of random draws, shared by both legs so that a seed replays the same events."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def chance(self, probability: float) -> bool:
        return bool(self.rng.random() < probability)

    def pick(self, options: tuple[str, ...] | list[str]) -> str:
        return options[int(self.rng.integers(len(options)))]


class SeededIds:
    """Ids for the records the services create, drawn from the run's seed (`Services.new_id`). Random ids would make
    a seed replay differently: a selection round ranks families of equal priority who applied on the same day by
    case id, and the order they are invited in is the order the run draws their stage-2 outcomes in."""

    def __init__(self, seed: int) -> None:
        # A stream of its own, so that the number of ids the services take never shifts the twin's other draws.
        self.random = random.Random(f"twin-ids:{seed}")  # noqa: S311 (reproducible ids, not secrets)

    def __call__(self) -> str:
        return str(uuid.UUID(int=self.random.getrandbits(128), version=4))


class Operator:
    """Carries out the twin's actions through the services, at the clock times the day's steps set."""

    def __init__(self, services: Services, clock: SettableClock, prefix: str) -> None:
        self.services = services
        self.clock = clock
        self.prefix = prefix
        self.commands = 0
        self.refused: Counter[str] = Counter()

    def at(self, day: date, hour: int, minute: int = 0) -> None:
        self.clock.current = datetime.combine(day, time(hour, minute), tzinfo=UTC)

    def command_id(self) -> str:
        self.commands += 1
        return f"{self.prefix}:{self.commands}"

    def on_return(self, case_id: str, action: str, **payload: Any) -> None:
        command = CaseCommand(self.command_id(), ACTOR, case_id, action, payload)
        act_on_return_case(self.services, sent_by_its_taker(CaseType.RETURN, command))

    def on_returns(self, case_ids: list[str], action: str, **payload: Any) -> None:
        act_on_return_cases(self.services, BulkCaseCommand(self.command_id(), ACTOR, tuple(case_ids), action, payload))

    def on_admission(self, case_id: str, action: str, **payload: Any) -> None:
        command = CaseCommand(self.command_id(), ACTOR, case_id, action, payload)
        act_on_admission_case(self.services, sent_by_its_taker(CaseType.ADMISSION, command))

    def invite_round(self, scheme_id: str) -> list[str]:
        """Invite waiting families as in operation: a caseworker proposes a selection round for the places the
        ledger releases, a supervisor approves it. The case ids invited; none if the ledger refused the round."""
        try:
            proposal = propose_invitations(self.services, ProposeInvitations(self.command_id(), scheme_id, PROPOSER))
            approval = ApproveProposal(self.command_id(), proposal["proposal_id"], APPROVER)
            approved = approve_proposal(self.services, approval)
        except LedgerLimitReached:
            self.refused["invite"] += 1
            return []
        return list(approved["approval"]["invited"])

    def try_return(self, case_id: str, action: str, **payload: Any) -> bool:
        """An action the ledger may refuse (the weekly level); False if it did."""
        return self._ledger_allows(action, lambda: self.on_return(case_id, action, **payload))

    def try_admission(self, case_id: str, action: str) -> bool:
        """An action the ledger may refuse (weekly level, parity rule, admissions paused); False if it did."""
        return self._ledger_allows(action, lambda: self.on_admission(case_id, action))

    def _ledger_allows(self, action: str, act: Callable[[], None]) -> bool:
        try:
            act()
        except LedgerLimitReached:
            self.refused[action] += 1
            return False
        return True

    def legal_event(self, case_id: str, kind: str, state: str, day: date, evidence: str) -> None:
        self.on_return(
            case_id, "record_legal_event", kind=kind, state=state, decided_on=day.isoformat(), evidence=evidence
        )


class Leg:
    """What each leg of the twin works with: the scenario's inputs, the scheme, the shared draws, the synthetic
    people and the operator."""

    def __init__(
        self, inputs: EngineInputs, scheme: Scheme, chances: Chances, people: SyntheticPeople, op: Operator
    ) -> None:
        self.services = op.services
        self.inputs = inputs
        self.scheme = scheme
        self.chances = chances
        self.people = people
        self.op = op
