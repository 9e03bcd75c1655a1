"""The fast engine: many replications of the scheme at once, one NumPy array per state, one step per day.

Each person's fate is a chain of independent chances (selected, referred in time, accepted by France,
challenged, referred to the NRM, absconds, re-crosses), so the number of people taking each branch on a day is
a binomial draw on the number reaching it; fixed durations are ring buffers indexed by the day people come out.
There is a Python loop over days, never over people or replications.

Within a day the steps always run in this order (the SimPy baseline runs the same order):
1. people come out of waiting: France's replies, legal challenges, NRM decisions, stage-2 checks;
2. removal flights take people who are ready, up to the seats and the weekly level;
3. admissions: new expressions of interest, stage 2, then whole families travel up to the weekly level and the
   parity rule (admissions never exceed returns x admissions_per_return + tolerance);
4. caseworkers send readmission requests, oldest case first; a case not sent by day `request_deadline` is lost;
5. arrivals: re-crossers are detected and selected first, others selected by chance, all if detention has room;
6. the day's detention occupancy is recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from parity.simulate.arrivals import FloatArray, IntArray
from parity.simulate.inputs import EngineInputs

# Weekly counts, shape (replications, weeks), summed over the week's days.
COUNTED = (
    "arrivals",
    "selected",
    "detained",
    "turned_away",
    "referrals",
    "request_deadline_misses",
    "late_replies",
    "refused_by_france",
    "legal_blocked",
    "nrm_blocked",
    "absconded",
    "returns",
    "flights",
    "verified_families",
    "admissions",
    "detention_nights",
    "caseworker_hours",
    "cost",
)
# Weekly levels: mean and peak detention occupancy over the week's days.
LEVELS = ("detention_occupancy", "detention_peak")

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class Trajectories:
    """Weekly results of one or many replications; a twin run through the services gives the same shape."""

    scenario_id: str
    scheme_version: str
    week_starts: list[date]
    days_in_week: IntArray  # 7, except perhaps the last week
    weekly: dict[str, FloatArray]  # name -> (replications, weeks)
    assumptions: tuple[str, ...]  # printed on every output that uses them

    @property
    def replications(self) -> int:
        return int(next(iter(self.weekly.values())).shape[0])

    def cumulative(self, name: str) -> FloatArray:
        return np.cumsum(self.weekly[name], axis=1)


class _DelayLine:
    """People waiting a fixed number of days, by the day they come out (a ring buffer over days)."""

    def __init__(self, replications: int, longest_delay: int, groups: int = 1) -> None:
        self._slots = np.zeros((longest_delay + 1, replications, groups), dtype=np.int64)

    def add(self, today: int, delay: int, people: IntArray) -> None:
        self._slots[(today + delay) % len(self._slots)] += people.reshape(len(people), -1)

    def take(self, today: int) -> IntArray:
        slot = self._slots[today % len(self._slots)]
        out: IntArray = slot.copy()
        slot[:] = 0
        return out


class _Engine:
    def __init__(self, inputs: EngineInputs, replications: int, rng: np.random.Generator) -> None:
        self.inputs = inputs
        self.rng = rng
        self.replications = replications
        # Stored week-major so that adding one day's counts touches contiguous memory.
        self.by_week = {name: np.zeros((inputs.weeks, replications)) for name in COUNTED + LEVELS}
        zeros = np.zeros(replications, dtype=np.int64)
        # Returns leg
        self.referral_queue = np.zeros((replications, inputs.request_deadline_days + 1), dtype=np.int64)  # by age
        self.replies = _DelayLine(replications, inputs.reply_days)
        self.extended_replies = _DelayLine(replications, inputs.reply_extended_days)
        self.challenges = _DelayLine(replications, inputs.legal_challenge_days)
        self.nrm_referrals = _DelayLine(replications, inputs.nrm_days)
        self.recrossings = _DelayLine(replications, inputs.recross_days)
        self.waiting_recrossers = zeros.copy()
        self.ready = zeros.copy()
        self.in_detention = zeros.copy()
        self.returned_this_week = zeros.copy()
        self.total_returned = zeros.copy()
        # Admissions leg
        sizes = len(inputs.family_sizes)
        self.pool = np.full(replications, inputs.applicant_pool, dtype=np.int64)
        self.in_verification = _DelayLine(replications, inputs.verification_days, groups=sizes)
        self.ready_families = np.zeros((replications, sizes), dtype=np.int64)  # by family size
        self.admitted_this_week = zeros.copy()
        self.total_admitted = zeros.copy()
        # Behavioural response: trailing daily arrivals and returns
        window = inputs.behaviour.window_days
        self.recent_arrivals = np.zeros((window, replications), dtype=np.int64)
        self.recent_returns = np.zeros((window, replications), dtype=np.int64)

    def binomial(self, people: IntArray, probability: float) -> IntArray:
        if probability <= 0 or not people.any():
            return np.zeros_like(people)
        if probability >= 1:
            return people.copy()
        return self.rng.binomial(people, probability)

    def count(self, name: str, day: int, amounts: NDArray[np.number[Any]]) -> None:
        self.by_week[name][day // 7] += amounts

    def run(self, arrivals: IntArray, progress: ProgressCallback | None) -> None:
        for day in range(self.inputs.days):
            if day % 7 == 0:
                self.returned_this_week[:] = 0
                self.admitted_this_week[:] = 0
            self.come_out_of_waiting(day)
            if self.inputs.flight_day[day]:
                self.fly(day)
            self.admit(day)
            self.refer(day)
            self.arrive(day, arrivals[:, day])
            self.record(day)
            if progress is not None:
                progress(day + 1, self.inputs.days)

    def release(self, name: str, day: int, people: IntArray) -> None:
        self.in_detention -= people
        self.count(name, day, people)

    def come_out_of_waiting(self, day: int) -> None:
        inputs = self.inputs
        usual, extended = self.replies.take(day)[:, 0], self.extended_replies.take(day)[:, 0]
        late = (usual if inputs.reply_days > inputs.reply_deadline_days else 0) + (
            extended if inputs.reply_extended_days > inputs.reply_deadline_days else 0
        )
        self.count("late_replies", day, np.asarray(late))
        replied = usual + extended
        refused = self.binomial(replied, inputs.france_refusal_rate)
        self.release("refused_by_france", day, refused)
        accepted = replied - refused
        challenged = self.binomial(accepted, inputs.legal_challenge_rate)
        self.challenges.add(day, inputs.legal_challenge_days, challenged)

        challenges_decided = self.challenges.take(day)[:, 0]
        blocked = self.binomial(challenges_decided, inputs.legal_success_rate)
        self.release("legal_blocked", day, blocked)
        past_challenges = accepted - challenged + challenges_decided - blocked
        referred_to_nrm = self.binomial(past_challenges, inputs.nrm_rate)
        self.nrm_referrals.add(day, inputs.nrm_days, referred_to_nrm)

        nrm_decided = self.nrm_referrals.take(day)[:, 0]
        barred = self.binomial(nrm_decided, inputs.nrm_positive_rate)
        self.release("nrm_blocked", day, barred)
        cleared = past_challenges - referred_to_nrm + nrm_decided - barred
        absconded = self.binomial(cleared, inputs.abscond_rate)
        self.release("absconded", day, absconded)
        self.ready += cleared - absconded

    def fly(self, day: int) -> None:
        inputs = self.inputs
        operated = self.rng.random(self.replications) >= inputs.flight_cancellation_rate
        room = np.maximum(inputs.weekly_level - self.returned_this_week, 0)
        carried = np.where(operated, np.minimum(np.minimum(self.ready, inputs.flight_seats), room), 0)
        self.ready -= carried
        self.in_detention -= carried
        self.returned_this_week += carried
        self.total_returned += carried
        self.recent_returns[day % len(self.recent_returns)] += carried
        self.count("returns", day, carried)
        flew = (carried > 0).astype(np.int64)
        self.count("flights", day, flew)
        self.count("cost", day, flew * inputs.costs.flight)
        self.recrossings.add(day, inputs.recross_days, self.binomial(carried, inputs.recross_rate))

    def admit(self, day: int) -> None:
        inputs = self.inputs
        if inputs.window_open[day]:
            self.pool += self.rng.poisson(inputs.new_applicants_per_day, self.replications)
            checked = np.minimum(self.pool, self.rng.poisson(inputs.verifications_per_day, self.replications))
            self.pool -= checked
            self.count("verified_families", day, checked)
            hours = checked * inputs.costs.caseworker_hours_per_verification
            self.count("caseworker_hours", day, hours)
            self.count("cost", day, hours * inputs.costs.caseworker_hour)
            passed = checked - self.binomial(checked, inputs.verification_refusal_rate)
            self.in_verification.add(day, inputs.verification_days, self.split_by_family_size(passed))
        self.ready_families += self.in_verification.take(day)
        if not inputs.admissions_open[day]:
            return
        parity_room = (
            np.floor(self.total_returned * inputs.admissions_per_return).astype(np.int64)
            + inputs.tolerance
            - self.total_admitted
        )
        room = np.maximum(np.minimum(inputs.weekly_level - self.admitted_this_week, parity_room), 0)
        admitted = np.zeros(self.replications, dtype=np.int64)
        # Whole families only, largest first, so that capacity is filled without splitting a family.
        for size in range(len(inputs.family_sizes), 0, -1):
            families = np.minimum(self.ready_families[:, size - 1], room // size)
            self.ready_families[:, size - 1] -= families
            room -= families * size
            admitted += families * size
        self.admitted_this_week += admitted
        self.total_admitted += admitted
        self.count("admissions", day, admitted)

    def split_by_family_size(self, families: IntArray) -> IntArray:
        split = np.zeros((self.replications, len(self.inputs.family_sizes)), dtype=np.int64)
        remaining, share_left = families.copy(), 1.0
        for index, share in enumerate(self.inputs.family_sizes):
            split[:, index] = self.binomial(remaining, share / share_left) if share_left > 0 else 0
            remaining -= split[:, index]
            share_left -= share
        return split

    def refer(self, day: int) -> None:
        inputs = self.inputs
        waiting = self.referral_queue[:, :0:-1]  # ages deadline..1, oldest first; age 0 arrived today
        ahead = np.cumsum(waiting, axis=1) - waiting
        sent = np.minimum(np.maximum(inputs.referrals_per_day - ahead, 0), waiting)
        waiting -= sent
        referred = sent.sum(axis=1)
        self.count("referrals", day, referred)
        hours = referred * inputs.costs.caseworker_hours_per_referral
        self.count("caseworker_hours", day, hours)
        self.count("cost", day, hours * inputs.costs.caseworker_hour)
        extended = self.binomial(referred, inputs.reply_extended_share)
        self.extended_replies.add(day, inputs.reply_extended_days, extended)
        self.replies.add(day, inputs.reply_days, referred - extended)
        self.release("request_deadline_misses", day, self.referral_queue[:, -1].copy())
        self.referral_queue[:, -1] = 0

    def arrive(self, day: int, base_arrivals: IntArray) -> None:
        inputs = self.inputs
        arrivals = base_arrivals
        if inputs.behaviour.enabled:
            share_returned = self.recent_returns.sum(axis=0) / np.maximum(self.recent_arrivals.sum(axis=0), 1)
            arrivals = self.rng.binomial(base_arrivals, np.exp(-inputs.behaviour.elasticity * share_returned))
            slot = (day + 1) % len(self.recent_arrivals)  # the slot that leaves the window tomorrow
            self.recent_arrivals[day % len(self.recent_arrivals)] = arrivals
            self.recent_returns[slot] = 0
        self.count("arrivals", day, arrivals)
        self.waiting_recrossers += self.recrossings.take(day)[:, 0]
        recrossers = np.minimum(self.waiting_recrossers, arrivals)
        self.waiting_recrossers -= recrossers
        if inputs.selection_open[day]:
            selected = recrossers + self.binomial(arrivals - recrossers, inputs.selection_probability)
        else:
            selected = np.zeros(self.replications, dtype=np.int64)
        detained = np.minimum(selected, np.maximum(inputs.detention_places - self.in_detention, 0))
        self.in_detention += detained
        self.referral_queue[:, 0] += detained
        self.count("selected", day, selected)
        self.count("detained", day, detained)
        self.count("turned_away", day, selected - detained)

    def record(self, day: int) -> None:
        week = day // 7
        self.by_week["detention_occupancy"][week] += self.in_detention / self.days_in_week[week]
        np.maximum(self.by_week["detention_peak"][week], self.in_detention, out=self.by_week["detention_peak"][week])
        self.count("detention_nights", day, self.in_detention)
        self.count("cost", day, self.in_detention * self.inputs.costs.detention_night)
        # Everyone still waiting for a request is a day older tomorrow.
        self.referral_queue[:, 1:] = self.referral_queue[:, :-1]
        self.referral_queue[:, 0] = 0

    @property
    def days_in_week(self) -> IntArray:
        return days_in_weeks(self.inputs.days)


def days_in_weeks(days: int) -> IntArray:
    counts = np.full(-(-days // 7), 7, dtype=np.int64)
    counts[-1] = days - 7 * (len(counts) - 1)
    return counts


def simulate(
    inputs: EngineInputs, replications: int, seed: int, progress: ProgressCallback | None = None
) -> Trajectories:
    """Run `replications` independent replications; the same inputs and seed always give the same result."""
    if replications < 1:
        raise ValueError("replications must be at least 1")
    rng = np.random.default_rng(seed)
    arrivals = inputs.arrivals(replications, rng)
    engine = _Engine(inputs, replications, rng)
    engine.run(arrivals, progress)
    assumptions = (inputs.behaviour.assumptions(),) if inputs.behaviour.enabled else ()
    return Trajectories(
        scenario_id=inputs.scenario_id,
        scheme_version=inputs.scheme_version,
        week_starts=inputs.week_starts(),
        days_in_week=days_in_weeks(inputs.days),
        weekly={name: np.ascontiguousarray(values.T) for name, values in engine.by_week.items()},
        assumptions=assumptions,
    )
