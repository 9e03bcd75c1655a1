"""One replication of a scenario, replayed day by day through the services: the returns leg and the admissions leg
(`returns.py`, `admissions.py`) in the engine's order, and the results read back from the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import numpy as np

from parity.domain.admissions import AdmissionStatus
from parity.domain.ledger import week_start
from parity.scheme import Scheme
from parity.services.context import Services, SettableClock
from parity.services.reports import weekly_ledger
from parity.simulate.engine import ProgressCallback, Trajectories
from parity.simulate.errors import TwinError
from parity.simulate.inputs import EngineInputs, resolve
from parity.simulate.scenario import Period, Scenario, scheme_of
from parity.simulate.synthetic import SyntheticPeople
from parity.simulate.twin.admissions import AdmissionsLeg
from parity.simulate.twin.operator import Chances, Operator, SeededIds
from parity.simulate.twin.returns import ReturnsLeg

TWIN_SERIES = ("arrivals", "returns", "admissions")


@dataclass(frozen=True)
class TwinResult:
    """One replication from the store: weekly `TWIN_SERIES` by ledger week (Monday to Sunday), and what happened."""

    trajectories: Trajectories
    scheme_id: str
    scheme_version: str
    refused: dict[str, int]  # action -> times the ledger refused it (weekly level, parity, admissions paused)
    return_cases: dict[str, int]  # status -> cases
    admission_cases: dict[str, int]  # status -> family applications


def run_twin(
    services: Services,
    scenario: Scenario,
    seed: int,
    period: Period | None = None,
    progress: ProgressCallback | None = None,
) -> TwinResult:
    """Replay one replication of `scenario` (over `period`, by default its own) into the services' empty store."""
    inputs = resolve(scenario, period)
    return run_twin_on_inputs(services, inputs, scheme_in_force(scenario, inputs), seed, progress)


def run_twin_on_inputs(
    services: Services, inputs: EngineInputs, scheme: Scheme, seed: int, progress: ProgressCallback | None = None
) -> TwinResult:
    """Replay one replication of resolved inputs, as the engines take them, under `scheme` (`scheme_in_force`).

    The services' clock must be a `SettableClock`: the twin moves it day by day from the inputs' start. The records
    it creates take their ids from `seed` too, so the same seed gives the same run, record ids included.
    """
    clock = services.clock
    if not isinstance(clock, SettableClock):
        raise TwinError("the twin moves the clock: build the services with a SettableClock")
    rule = scheme.parity
    if (scheme.id, rule.weekly_level, rule.tolerance) != (inputs.scheme_id, inputs.weekly_level, inputs.tolerance):
        raise TwinError(f"scheme {scheme.id} does not have the inputs' parity rule: use scheme_in_force()")
    clock.current = datetime.combine(inputs.start, time(), tzinfo=UTC)
    _check_empty(services, scheme.id)
    services.register(scheme)
    run = _TwinRun(services, clock, inputs, scheme, seed)
    own_ids = services.new_id
    services.new_id = SeededIds(seed)
    try:
        run.run(progress)
    finally:
        services.new_id = own_ids  # what the caller does next with these services takes its ids as before
    return run.result()


def scheme_in_force(scenario: Scenario, inputs: EngineInputs) -> Scheme:
    """The scenario's scheme, with the scenario's weekly level where it overrides the scheme's.

    The variant is a scheme version of its own, stored with its full text like any other, so every decision the
    twin records names the rules it ran under.
    """
    scheme = scheme_of(scenario)
    if inputs.weekly_level == scheme.parity.weekly_level:
        return scheme
    content = scheme.model_dump(mode="json")
    content["parity"]["weekly_level"] = inputs.weekly_level
    return Scheme.model_validate(content)


def _check_empty(services: Services, scheme_id: str) -> None:
    with services.uow() as uow:
        ledger = uow.ledgers.get(scheme_id)
        has_cases = bool(uow.returns.count_by_status(scheme_id)) or ledger.returned + ledger.admitted > 0
    if has_cases:
        raise TwinError(f"the database already holds {scheme_id} cases: the twin needs a new database")


class _TwinRun:
    def __init__(self, services: Services, clock: SettableClock, inputs: EngineInputs, scheme: Scheme, seed: int):
        self.services = services
        self.inputs = inputs
        self.scheme = scheme
        self.chances = Chances(seed)
        self.op = Operator(services, clock, f"twin:{inputs.scenario_id}:{seed}")
        people = SyntheticPeople(seed)
        self.returns = ReturnsLeg(inputs, scheme, self.chances, people, self.op)
        self.admissions = AdmissionsLeg(inputs, scheme, self.chances, people, self.op)

    def run(self, progress: ProgressCallback | None) -> None:
        base_arrivals = self.inputs.arrivals(1, self.chances.rng)[0]
        for index in range(self.inputs.days):
            day = self.inputs.start + timedelta(days=index)
            self.returns.come_out_of_waiting(index, day)
            self.returns.fly(index, day)
            self.admissions.admit(index, day)
            self.returns.refer(index, day)
            self.returns.arrive(index, day, int(base_arrivals[index]))
            self.admissions.new_expressions_of_interest(index, day)
            if progress is not None:
                progress(index + 1, self.inputs.days)

    def result(self) -> TwinResult:
        inputs = self.inputs
        days = [inputs.start + timedelta(days=offset) for offset in range(inputs.days)]
        weeks = sorted({week_start(day) for day in days})
        position = {start: w for w, start in enumerate(weeks)}
        weekly = {name: np.zeros((1, len(weeks))) for name in TWIN_SERIES}
        days_in_week = np.zeros(len(weeks), dtype=np.int64)
        for day, arrivals in zip(days, self.returns.arrivals, strict=True):
            weekly["arrivals"][0, position[week_start(day)]] += arrivals
            days_in_week[position[week_start(day)]] += 1
        for week in weekly_ledger(self.services, self.scheme.id).weeks:
            if week.week_start in position:
                weekly["returns"][0, position[week.week_start]] = week.returned
                weekly["admissions"][0, position[week.week_start]] = week.clearances_issued
        with self.services.uow() as uow:
            returns = uow.returns.count_by_status(self.scheme.id)
            admissions = {s: len(uow.admissions.ids_by_status(self.scheme.id, frozenset({s}))) for s in AdmissionStatus}
        return TwinResult(
            trajectories=Trajectories(
                scenario_id=inputs.scenario_id,
                scheme_version=self.scheme.version,
                week_starts=weeks,
                days_in_week=days_in_week,
                weekly=weekly,
                assumptions=(inputs.behaviour.assumptions(),) if inputs.behaviour.enabled else (),
            ),
            scheme_id=self.scheme.id,
            scheme_version=self.scheme.version,
            refused=dict(self.op.refused),
            return_cases={status.value: count for status, count in returns.items()},
            admission_cases={status.value: count for status, count in admissions.items() if count},
        )
