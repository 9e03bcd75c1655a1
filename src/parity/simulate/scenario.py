"""The schema of a scenario file: which scheme to run, on which arrivals, with which operations and costs.

A scenario is data (TOML files under ``bundled/``), validated before anything runs: unknown fields, negative
rates, probabilities above 1, periods outside the arrivals data and unknown schemes are all rejected with the
field and the reason, like scheme files are.
"""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import Field, ValidationError, field_validator, model_validator

from parity.scheme import Scheme, SchemeError, load_scheme
from parity.scheme.model import Strict
from parity.simulate.arrivals import data_range
from parity.simulate.errors import ScenarioError

BUNDLED_PACKAGE = "parity.simulate.bundled"

Probability = Annotated[float, Field(ge=0, le=1)]
# Bounds far beyond any scheme (41,472 small-boat arrivals in 2025) that keep the engine's arithmetic finite.
NonNegative = Annotated[float, Field(ge=0, le=1e9, allow_inf_nan=False)]
Count = Annotated[int, Field(ge=0, le=10_000_000)]
Days = Annotated[int, Field(ge=1, le=365, description="A duration in whole calendar days.")]


class Weekday(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @property
    def number(self) -> int:
        """Monday is 0, as in `date.weekday()`."""
        return list(Weekday).index(self)


class Period(Strict):
    start: date
    end: date

    @model_validator(mode="after")
    def _end_after_start(self) -> Self:
        if self.end < self.start:
            raise ValueError("end must not be before start")
        return self

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def with_weeks(self, weeks: int) -> Period:
        return Period(start=self.start, end=self.start + timedelta(days=7 * weeks - 1))

    @property
    def weeks(self) -> int:
        """Weeks begun in the period (the last may be short)."""
        return -(-self.days // 7)

    def first_weeks(self, weeks: int) -> Period:
        """The first `weeks` weeks of this period, which must have that many."""
        if not 1 <= weeks <= self.weeks:
            raise ValueError(f"weeks must be from 1 to {self.weeks} ({self.start} to {self.end}), not {weeks}")
        return Period(start=self.start, end=min(self.end, self.start + timedelta(days=7 * weeks - 1)))


class Arrivals(Strict):
    mode: Literal["replay", "model"] = Field(
        description="replay: the Home Office daily series over the period; model: draws from a model fitted to it."
    )
    fit_start: date | None = Field(default=None, description="First day of data the model is fitted on.")
    fit_end: date | None = Field(default=None, description="Last day of data the model is fitted on.")
    level: float = Field(
        default=1.0,
        gt=0,
        le=1000,
        allow_inf_nan=False,
        description="Multiplies the fitted crossing level (model mode only).",
    )

    @model_validator(mode="after")
    def _fit_period_for_model(self) -> Self:
        if self.mode == "model":
            if self.fit_start is None or self.fit_end is None:
                raise ValueError("model mode needs fit_start and fit_end")
            if (self.fit_end - self.fit_start).days < 364:
                raise ValueError("the fit period must cover at least a year (seasonality is fitted by month)")
        elif self.fit_start is not None or self.fit_end is not None or self.level != 1.0:
            raise ValueError("fit_start, fit_end and level apply to model mode only")
        return self


class Operations(Strict):
    """The returns leg, UK side and French side."""

    eligible_share: Probability = Field(description="Share of arrivals in scope (adults and accompanied minors).")
    selection_share: Probability = Field(description="Share of eligible arrivals selected for return.")
    detention_places: Count = Field(description="Places held for the scheme; selected people beyond it go free.")
    referrals_per_day: Count = Field(description="Readmission requests caseworkers can prepare per day.")
    weekly_level: int | None = Field(
        default=None,
        gt=0,
        le=10_000_000,
        description="Most returns (and admissions) per week; absent: the scheme's weekly_level.",
    )
    france_refusal_rate: Probability
    reply_days: Days = Field(description="Usual days from request to France's reply.")
    reply_extended_share: Probability = Field(description="Share of replies that take the extended time.")
    reply_extended_days: Days
    legal_challenge_rate: Probability = Field(description="Share of accepted people who bring a legal challenge.")
    legal_challenge_days: Days
    legal_success_rate: Probability = Field(description="Share of challenges that stop the removal.")
    nrm_rate: Probability = Field(description="Share of accepted people referred to the National Referral Mechanism.")
    nrm_days: Days
    nrm_positive_rate: Probability = Field(description="Share of NRM referrals whose positive decision bars removal.")
    abscond_rate: Probability = Field(description="Share of cleared people lost before their flight.")
    first_flight: date = Field(description="No removal flight before this day.")
    flight_weekdays: tuple[Weekday, ...] = Field(min_length=1)
    flight_seats: Count = Field(description="Returnees per flight.")
    flight_cancellation_rate: Probability
    recross_rate: Probability = Field(description="Share of returned people who cross again.")
    recross_days: Days = Field(description="Days from return to the next crossing.")

    @model_validator(mode="after")
    def _extended_reply_is_longer(self) -> Self:
        if self.reply_extended_days < self.reply_days:
            raise ValueError("reply_extended_days must not be shorter than reply_days")
        if len(set(self.flight_weekdays)) != len(self.flight_weekdays):
            raise ValueError("flight_weekdays must not repeat a day")
        return self


class Admissions(Strict):
    """The admissions leg: expressions of interest, stage-2 verification, travel."""

    first_admission: date = Field(description="No admission before this day.")
    applicant_pool: Count = Field(description="Families with a valid expression of interest at the start.")
    new_applicants_per_week: NonNegative = Field(description="Families added to the pool each week.")
    verifications_per_week: NonNegative = Field(description="Families taken through stage 2 each week.")
    verification_days: Days = Field(description="Days from stage 2 to being ready to travel.")
    verification_refusal_rate: Probability = Field(description="Share of families refused (one refusal voids all).")
    family_sizes: tuple[Probability, ...] = Field(
        min_length=1, max_length=10, description="Probability of a family of 1, 2, 3, … people."
    )

    @field_validator("family_sizes")
    @classmethod
    def _family_sizes_sum_to_one(cls, shares: tuple[float, ...]) -> tuple[float, ...]:
        if abs(sum(shares) - 1.0) > 1e-6:
            raise ValueError(f"family_sizes must sum to 1 (they sum to {sum(shares):.6g})")
        return shares

    @property
    def mean_family_size(self) -> float:
        return sum((size + 1) * share for size, share in enumerate(self.family_sizes))


class Costs(Strict):
    flight: NonNegative = Field(description="Pounds per flight that carries anyone.")
    detention_night: NonNegative = Field(description="Pounds per person-night held.")
    caseworker_hour: NonNegative
    caseworker_hours_per_referral: NonNegative
    caseworker_hours_per_verification: NonNegative = Field(description="Hours per family taken through stage 2.")


class Behaviour(Strict):
    """How crossings react to the perceived chance of return; off unless enabled."""

    enabled: bool = False
    elasticity: NonNegative = Field(
        default=0.0, description="Crossings are multiplied by exp(-elasticity x share of arrivals returned)."
    )
    window_days: Days = Field(default=28, description="The share returned is measured over this trailing window.")

    def assumptions(self) -> str:
        return (
            f"Behavioural response ON (assumption, not fitted): daily crossings x exp(-{self.elasticity:g} x share "
            f"of arrivals returned over the previous {self.window_days} days)"
        )


class Scenario(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1)
    scheme: str = Field(min_length=1, description="A bundled scheme id or a scheme file path.")
    period: Period
    arrivals: Arrivals
    operations: Operations
    admissions: Admissions
    costs: Costs
    behaviour: Behaviour = Behaviour()


def parse_scenario(text: str, source: str = "<scenario>", data_range: tuple[date, date] | None = None) -> Scenario:
    """Validate scenario text; with `data_range`, also check every date needing arrivals data lies inside it."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(source, [("(syntax)", str(error))]) from error
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        problems = [(".".join(str(part) for part in item["loc"]) or "(file)", item["msg"]) for item in error.errors()]
        raise ScenarioError(source, problems) from error
    problems = _scheme_problems(scenario) + (_data_range_problems(scenario, *data_range) if data_range else [])
    if problems:
        raise ScenarioError(source, problems)
    return scenario


def _scheme_problems(scenario: Scenario) -> list[tuple[str, str]]:
    try:
        load_scheme(scenario.scheme)
    except SchemeError as error:
        reasons = "; ".join(f"{field}: {reason}" for field, reason in error.problems)
        return [("scheme", f"cannot load scheme {scenario.scheme!r} ({reasons})")]
    return []


def _data_range_problems(scenario: Scenario, first: date, last: date) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    checked: list[tuple[str, date | None]] = [("arrivals.fit_start", scenario.arrivals.fit_start)]
    checked.append(("arrivals.fit_end", scenario.arrivals.fit_end))
    if scenario.arrivals.mode == "replay":
        checked += [("period.start", scenario.period.start), ("period.end", scenario.period.end)]
    for field, day in checked:
        if day is not None and not first <= day <= last:
            problems.append((field, f"{day} is outside the arrivals data ({first} to {last})"))
    return problems


def bundled_scenario_ids() -> list[str]:
    files = resources.files(BUNDLED_PACKAGE).iterdir()
    return sorted(f.name.removesuffix(".toml") for f in files if f.name.endswith(".toml"))


def load_scenario(reference: str) -> Scenario:
    """Load a bundled scenario by id (e.g. ``uk-fr-2025-pilot``) or a scenario file by path, fully validated."""
    if reference in bundled_scenario_ids():
        text = resources.files(BUNDLED_PACKAGE).joinpath(f"{reference}.toml").read_text(encoding="utf-8")
        return parse_scenario(text, f"{reference}.toml", data_range())
    path = Path(reference)
    if not path.is_file():
        known = ", ".join(bundled_scenario_ids())
        raise ScenarioError(
            reference, [("(file)", f"no such file and no bundled scenario of that id (bundled: {known})")]
        )
    return parse_scenario(path.read_text(encoding="utf-8"), str(path), data_range())


def scheme_of(scenario: Scenario) -> Scheme:
    return load_scheme(scenario.scheme)
