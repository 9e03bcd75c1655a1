"""The baseline: the simulator's model written the plain way, one SimPy process per person.

It reads the same `EngineInputs` as the fast engine (`parity.simulate.engine`) and must agree with it within Monte
Carlo error; it exists to check the fast engine and to measure how much faster it is. Each day's steps run at
fixed offsets inside the day so that they happen in the engine's order:
  +0.1 people come out of waiting, +0.2 flights, +0.3 admissions, +0.4 referrals, +0.5 arrivals, +0.9 record.
Replayed arrivals only (the benchmark and the tests use the pilot scenario), and no behavioural response.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy

from parity.simulate.engine import COUNTED, LEVELS, Trajectories, days_in_weeks
from parity.simulate.inputs import EngineInputs

LANDING, FLIGHTS, ADMISSIONS, REFERRALS, ARRIVALS, RECORD = 0.1, 0.2, 0.3, 0.4, 0.5, 0.9

Process = Generator[simpy.Event, Any, None]


@dataclass
class Replication:
    inputs: EngineInputs
    rng: random.Random
    counts_rng: np.random.Generator
    env: simpy.Environment = field(default_factory=simpy.Environment)
    weekly: dict[str, list[float]] = field(default_factory=dict)
    awaiting_request: deque[int] = field(default_factory=deque)  # arrival day of each detained person, oldest first
    ready: int = 0
    in_detention: int = 0
    waiting_recrossers: int = 0
    total_returned: int = 0
    total_admitted: int = 0
    pool: int = 0
    ready_families: list[int] = field(default_factory=list)  # sizes

    def __post_init__(self) -> None:
        self.weekly = {name: [0.0] * self.inputs.weeks for name in COUNTED + LEVELS}
        self.pool = self.inputs.applicant_pool

    def count(self, name: str, amount: float = 1) -> None:
        self.weekly[name][int(self.env.now) // 7] += amount

    def this_week(self, name: str) -> float:
        return self.weekly[name][int(self.env.now) // 7]

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def release(self, reason: str) -> None:
        self.in_detention -= 1
        self.count(reason)

    def daily(self, offset: float, step: Any) -> Process:
        yield self.env.timeout(offset)
        for day in range(self.inputs.days):
            step(day)
            yield self.env.timeout(1)

    def run(self) -> None:
        for offset, step in (
            (FLIGHTS, self.fly),
            (ADMISSIONS, self.admit),
            (REFERRALS, self.refer),
            (ARRIVALS, self.arrive),
            (RECORD, self.record),
        ):
            self.env.process(self.daily(offset, step))
        self.env.run(until=self.inputs.days)

    # One process per readmission request, from the request to the flight queue or release.
    def case(self) -> Process:
        inputs = self.inputs
        extended = self.chance(inputs.reply_extended_share)
        wait = inputs.reply_extended_days if extended else inputs.reply_days
        yield self.env.timeout(wait + LANDING - REFERRALS)
        if wait > inputs.reply_deadline_days:
            self.count("late_replies")
        if self.chance(inputs.france_refusal_rate):
            self.release("refused_by_france")
            return
        if self.chance(inputs.legal_challenge_rate):
            yield self.env.timeout(inputs.legal_challenge_days)
            if self.chance(inputs.legal_success_rate):
                self.release("legal_blocked")
                return
        if self.chance(inputs.nrm_rate):
            yield self.env.timeout(inputs.nrm_days)
            if self.chance(inputs.nrm_positive_rate):
                self.release("nrm_blocked")
                return
        if self.chance(inputs.abscond_rate):
            self.release("absconded")
            return
        self.ready += 1

    def recross(self) -> Process:
        yield self.env.timeout(self.inputs.recross_days)
        self.waiting_recrossers += 1

    def family_checked(self, size: int) -> Process:
        yield self.env.timeout(self.inputs.verification_days + LANDING - ADMISSIONS)
        self.ready_families.append(size)

    def fly(self, day: int) -> None:
        inputs = self.inputs
        if not inputs.flight_day[day] or self.chance(inputs.flight_cancellation_rate):
            return
        room = max(inputs.weekly_level - int(self.this_week("returns")), 0)
        carried = min(self.ready, inputs.flight_seats, room)
        for _ in range(carried):
            self.ready -= 1
            self.in_detention -= 1
            self.total_returned += 1
            self.count("returns")
            if self.chance(inputs.recross_rate):
                self.env.process(self.recross())
        if carried:
            self.count("flights")
            self.count("cost", inputs.costs.flight)

    def admit(self, day: int) -> None:
        inputs = self.inputs
        if inputs.window_open[day]:
            self.pool += int(self.counts_rng.poisson(inputs.new_applicants_per_day))
            checked = min(self.pool, int(self.counts_rng.poisson(inputs.verifications_per_day)))
            self.pool -= checked
            self.count("verified_families", checked)
            hours = checked * inputs.costs.caseworker_hours_per_verification
            self.count("caseworker_hours", hours)
            self.count("cost", hours * inputs.costs.caseworker_hour)
            for _ in range(checked):
                if not self.chance(inputs.verification_refusal_rate):
                    size = self.rng.choices(range(1, len(inputs.family_sizes) + 1), inputs.family_sizes)[0]
                    self.env.process(self.family_checked(size))
        if not inputs.admissions_open[day]:
            return
        parity_room = int(self.total_returned * inputs.admissions_per_return) + inputs.tolerance - self.total_admitted
        room = max(min(inputs.weekly_level - int(self.this_week("admissions")), parity_room), 0)
        waiting = []
        for size in sorted(self.ready_families, reverse=True):
            if size <= room:
                room -= size
                self.total_admitted += size
                self.count("admissions", size)
            else:
                waiting.append(size)
        self.ready_families = waiting

    def refer(self, day: int) -> None:
        inputs = self.inputs
        sent = 0
        while self.awaiting_request and sent < inputs.referrals_per_day and self.awaiting_request[0] < day:
            self.awaiting_request.popleft()
            sent += 1
            self.count("referrals")
            self.count("caseworker_hours", inputs.costs.caseworker_hours_per_referral)
            self.count("cost", inputs.costs.caseworker_hours_per_referral * inputs.costs.caseworker_hour)
            self.env.process(self.case())
        while self.awaiting_request and day - self.awaiting_request[0] >= inputs.request_deadline_days:
            self.awaiting_request.popleft()
            self.release("request_deadline_misses")

    def arrive(self, day: int) -> None:
        inputs = self.inputs
        assert inputs.replayed_arrivals is not None
        arrivals = int(inputs.replayed_arrivals[day])
        self.count("arrivals", arrivals)
        recrossers = min(self.waiting_recrossers, arrivals)
        self.waiting_recrossers -= recrossers
        if not inputs.selection_open[day]:
            return
        for person in range(arrivals):
            if person < recrossers or self.chance(inputs.selection_probability):
                self.count("selected")
                if self.in_detention < inputs.detention_places:
                    self.in_detention += 1
                    self.awaiting_request.append(day)
                    self.count("detained")
                else:
                    self.count("turned_away")

    def record(self, day: int) -> None:
        inputs = self.inputs
        week = day // 7
        self.weekly["detention_occupancy"][week] += self.in_detention / days_in_weeks(inputs.days)[week]
        self.weekly["detention_peak"][week] = max(self.weekly["detention_peak"][week], self.in_detention)
        self.count("detention_nights", self.in_detention)
        self.count("cost", self.in_detention * inputs.costs.detention_night)


def run_baseline(inputs: EngineInputs, replications: int, seed: int) -> Trajectories:
    """The same model as `parity.simulate.engine.simulate`, one replication and one person at a time."""
    if inputs.replayed_arrivals is None or inputs.behaviour.enabled:
        raise ValueError("the SimPy baseline runs replayed arrivals without a behavioural response only")
    runs = []
    for replication in range(replications):
        state = Replication(
            inputs, random.Random(seed * 1_000_003 + replication), np.random.default_rng([seed, replication])
        )
        state.run()
        runs.append(state.weekly)
    weekly = {name: np.array([run[name] for run in runs]) for name in COUNTED + LEVELS}
    return Trajectories(
        scenario_id=inputs.scenario_id,
        scheme_version=inputs.scheme_version,
        week_starts=inputs.week_starts(),
        days_in_week=days_in_weeks(inputs.days),
        weekly=weekly,
        assumptions=(),
    )
