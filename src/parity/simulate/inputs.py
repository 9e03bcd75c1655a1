"""A scenario resolved into day-by-day inputs: what every engine (the fast one, the SimPy baseline, the twin run
through the service layer) consumes, so that they all run exactly the same model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from parity.scheme import Duration, DurationUnit
from parity.simulate.arrivals import IntArray, fit_arrival_model, home_office_daily
from parity.simulate.scenario import Behaviour, Costs, Period, Scenario, scheme_of

ArrivalSampler = Callable[[int, np.random.Generator], IntArray]
WEEKLY_LEVEL = "weekly level"
FLIGHT_SEATS = "flight seats"


@dataclass(frozen=True)
class EngineInputs:
    scenario_id: str
    scheme_id: str
    scheme_version: str
    start: date
    days: int
    replayed_arrivals: IntArray | None  # shape (days,); None when arrivals are drawn from the model
    sample_arrivals: ArrivalSampler | None  # (replications, rng) -> (replications, days)
    # Day masks, shape (days,)
    selection_open: NDArray[np.bool_]  # the scheme is in force: new cases may open
    flight_day: NDArray[np.bool_]
    window_open: NDArray[np.bool_]  # an admissions window is open: expressions of interest and stage 2 run
    admissions_open: NDArray[np.bool_]  # ...and admitted people may travel
    # Returns leg
    selection_probability: float  # eligible share x selection share
    eligible_share: float  # of arrivals, the share in scope; the twin needs it apart to have screening find them
    detention_places: int
    referrals_per_day: int
    request_deadline_days: int
    reply_deadline_days: int
    france_refusal_rate: float
    reply_days: int
    reply_extended_share: float
    reply_extended_days: int
    legal_challenge_rate: float
    legal_challenge_days: int
    legal_success_rate: float
    nrm_rate: float
    nrm_days: int
    nrm_positive_rate: float
    abscond_rate: float
    flight_seats: int
    flight_cancellation_rate: float
    recross_rate: float
    recross_days: int
    # Parity rule
    weekly_level: int
    tolerance: int
    admissions_per_return: float
    # Admissions leg
    applicant_pool: int
    new_applicants_per_day: float
    verifications_per_day: float
    verification_days: int
    verification_refusal_rate: float
    family_sizes: tuple[float, ...]
    costs: Costs
    behaviour: Behaviour

    @property
    def weeks(self) -> int:
        return -(-self.days // 7)

    def week_starts(self) -> list[date]:
        return [self.start + timedelta(days=7 * week) for week in range(self.weeks)]

    def arrivals(self, replications: int, rng: np.random.Generator) -> IntArray:
        """Daily arrivals before any behavioural response, shape (replications, days)."""
        if self.replayed_arrivals is not None:
            return np.broadcast_to(self.replayed_arrivals, (replications, self.days))
        assert self.sample_arrivals is not None  # noqa: S101 (one of the two is always set by resolve())
        return self.sample_arrivals(replications, rng)


@dataclass(frozen=True)
class ReturnCapacity:
    """The most people the engine returns in one week once flights run: each flight takes up to its seats and up to
    what is left of the weekly level (`_Engine.fly`), so a week returns at most the lower of the level and the seats
    of its flights. Weeks before the first flight, a short last week and cancelled flights have fewer seats."""

    weekly_level: int
    flights_per_week: int
    flight_seats: int
    flight_cancellation_rate: float

    @property
    def seats_per_week(self) -> int:
        return self.flights_per_week * self.flight_seats

    @property
    def per_week(self) -> int:
        return min(self.weekly_level, self.seats_per_week)

    @property
    def binding(self) -> str:
        """The limit that sets `per_week`; where both are equal, the weekly level, the scheme's own rule."""
        return FLIGHT_SEATS if self.seats_per_week < self.weekly_level else WEEKLY_LEVEL


def return_capacity(inputs: EngineInputs) -> ReturnCapacity:
    """The weekly return capacity the engine applies, from the same inputs it runs on."""
    # The engine's weeks are 7 days from the period start, so a full week from the first flight on has every
    # flight weekday once; the most flight days in any of its weeks is what the weekly cap uses at its highest.
    flights_per_week = max(int(inputs.flight_day[start : start + 7].sum()) for start in range(0, inputs.days, 7))
    return ReturnCapacity(
        weekly_level=inputs.weekly_level,
        flights_per_week=flights_per_week,
        flight_seats=inputs.flight_seats,
        flight_cancellation_rate=inputs.flight_cancellation_rate,
    )


def resolve(scenario: Scenario, period: Period | None = None) -> EngineInputs:
    """Turn a validated scenario into engine inputs; `period` overrides the scenario's (e.g. for a benchmark)."""
    scheme = scheme_of(scenario)
    period = period or scenario.period
    days = [period.start + timedelta(days=offset) for offset in range(period.days)]
    operations, admissions = scenario.operations, scenario.admissions
    flight_weekdays = {weekday.number for weekday in operations.flight_weekdays}
    deadlines = scheme.returns.deadlines
    window_open = np.array([scheme.window_on(day) is not None for day in days])
    return EngineInputs(
        scenario_id=scenario.id,
        scheme_id=scheme.id,
        scheme_version=scheme.version,
        start=period.start,
        days=period.days,
        replayed_arrivals=_replayed(scenario, period),
        sample_arrivals=_sampler(scenario, period),
        selection_open=np.array([scheme.is_open_on(day) for day in days]),
        flight_day=np.array([day >= operations.first_flight and day.weekday() in flight_weekdays for day in days]),
        window_open=window_open,
        admissions_open=window_open & np.array([day >= admissions.first_admission for day in days]),
        selection_probability=operations.eligible_share * operations.selection_share,
        eligible_share=operations.eligible_share,
        detention_places=operations.detention_places,
        referrals_per_day=operations.referrals_per_day,
        request_deadline_days=_calendar_days(deadlines.request, default=10_000, field="request"),
        reply_deadline_days=_calendar_days(deadlines.reply, default=10_000, field="reply"),
        france_refusal_rate=operations.france_refusal_rate,
        reply_days=operations.reply_days,
        reply_extended_share=operations.reply_extended_share,
        reply_extended_days=operations.reply_extended_days,
        legal_challenge_rate=operations.legal_challenge_rate,
        legal_challenge_days=operations.legal_challenge_days,
        legal_success_rate=operations.legal_success_rate,
        nrm_rate=operations.nrm_rate,
        nrm_days=operations.nrm_days,
        nrm_positive_rate=operations.nrm_positive_rate,
        abscond_rate=operations.abscond_rate,
        flight_seats=operations.flight_seats,
        flight_cancellation_rate=operations.flight_cancellation_rate,
        recross_rate=operations.recross_rate,
        recross_days=operations.recross_days,
        weekly_level=operations.weekly_level or scheme.parity.weekly_level,
        tolerance=scheme.parity.tolerance,
        admissions_per_return=scheme.parity.admissions_per_return,
        applicant_pool=admissions.applicant_pool,
        new_applicants_per_day=admissions.new_applicants_per_week / 7,
        verifications_per_day=admissions.verifications_per_week / 7,
        verification_days=admissions.verification_days,
        verification_refusal_rate=admissions.verification_refusal_rate,
        family_sizes=admissions.family_sizes,
        costs=scenario.costs,
        behaviour=scenario.behaviour,
    )


def _replayed(scenario: Scenario, period: Period) -> IntArray | None:
    if scenario.arrivals.mode != "replay":
        return None
    return home_office_daily().window(period.start, period.end).people


def _sampler(scenario: Scenario, period: Period) -> ArrivalSampler | None:
    config = scenario.arrivals
    if config.mode != "model":
        return None
    if config.fit_start is None or config.fit_end is None:
        raise ValueError("model arrivals need fit_start and fit_end (the scenario schema requires them)")
    model = fit_arrival_model(home_office_daily().window(config.fit_start, config.fit_end))

    def sample(replications: int, rng: np.random.Generator) -> IntArray:
        return model.sample(period.start, period.days, replications, rng, config.level)

    return sample


def _calendar_days(duration: Duration | None, default: int, field: str) -> int:
    """A scheme deadline in calendar days; the engine counts whole days, so other units are refused."""
    if duration is None:
        return default
    if duration.unit is not DurationUnit.CALENDAR_DAYS:
        raise ValueError(f"the simulator needs the {field} deadline in calendar days, not {duration.unit}")
    return duration.amount
