"""The schema of a scheme file: every rule, deadline and number a scheme runs on.

A scheme is policy, so it lives in data (TOML files under ``bundled/``) and is validated here before anything
uses it. The models are frozen: a decision taken under a scheme version must be reproducible from that version.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2,3}$", description="ISO 3166 alpha-2 or alpha-3 code")]
# People's nationalities are recorded as alpha-3 codes (as on travel documents), so a list compared with them must be.
Nationality = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3 code, as recorded")]


class Strict(BaseModel):
    """Base for every scheme section: unknown fields are errors, values never change after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class DurationUnit(StrEnum):
    HOURS = "hours"
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    MONTHS = "months"
    YEARS = "years"


class Duration(Strict):
    amount: int = Field(ge=0)
    unit: DurationUnit
    calendars: tuple[str, ...] = Field(
        default=(),
        description="Names of [calendars] whose public holidays are not working days (working_days only).",
    )

    @model_validator(mode="after")
    def _calendars_only_for_working_days(self) -> Self:
        if self.unit is DurationUnit.WORKING_DAYS and not self.calendars:
            raise ValueError("a working_days duration must name at least one calendar")
        if self.unit is not DurationUnit.WORKING_DAYS and self.calendars:
            raise ValueError("calendars apply to working_days durations only")
        return self


class Party(Strict):
    code: CountryCode
    name: str = Field(min_length=1)


class Parties(Strict):
    returning: Party = Field(description="The state that returns people and admits others (e.g. the UK).")
    readmitting: Party = Field(description="The state that readmits returnees and hosts applicants (e.g. France).")


class InForce(Strict):
    start: date
    end: date | None = Field(default=None, description="Last day new cases may open; absent when open-ended.")
    suspension_notice: Duration
    termination_notice: Duration

    @model_validator(mode="after")
    def _end_after_start(self) -> Self:
        if self.end is not None and self.end < self.start:
            raise ValueError("end must not be before start")
        return self


class HolidayCalendar(Strict):
    country: CountryCode
    subdivision: str | None = None


class ReturnGround(StrEnum):
    """Treaty Art. 3: why a small-boat arrival falls within scope."""

    PROTECTION_CLAIM = "protection_claim"
    APPREHENDED = "apprehended"
    SEA_RESCUE = "sea_rescue"


class AgeDisputePolicy(StrEnum):
    BLOCK = "block"
    ALLOW = "allow"


def _no_overlap(included: tuple[str, ...], excluded: tuple[str, ...]) -> None:
    both = sorted(set(included) & set(excluded))
    if both:
        raise ValueError(f"nationalities {both} are both in nationalities and in excluded_nationalities")


class ReturnEligibility(Strict):
    grounds: tuple[ReturnGround, ...] = Field(min_length=1)
    departed_from: CountryCode
    require_transit_evidence: bool
    accompanied_minors: bool
    unaccompanied_minors: bool
    age_disputed: AgeDisputePolicy
    adult_age: int = Field(
        default=18,
        ge=0,
        description="A person recorded as an adult whose date of birth makes them younger on arrival is age-disputed.",
    )
    nationalities: tuple[CountryCode, ...] = Field(default=(), description="Empty: any nationality.")
    excluded_nationalities: tuple[Nationality, ...] = Field(
        default=(), description="Nationals of these states are outside the scheme's scope (e.g. the parties' own)."
    )

    @model_validator(mode="after")
    def _excluded_not_included(self) -> Self:
        _no_overlap(self.nationalities, self.excluded_nationalities)
        return self


class ReturnDeadlines(Strict):
    request: Duration | None = Field(description="Arrival to readmission request; absent when none applies.")
    request_target: Duration | None = None
    reply: Duration | None = Field(description="Request to the readmitting state's reply.")
    reply_extended: Duration | None = None
    transfer_aim: Duration | None = Field(description="Arrival to transfer.")
    transfer_alert_before: Duration | None = None


class TransferPrecondition(StrEnum):
    PROTECTION_CLAIM = "protection_claim"
    HUMAN_RIGHTS_CLAIM = "human_rights_claim"
    SUSPENSIVE_APPEAL = "suspensive_appeal"
    INJUNCTION = "injunction"
    NRM = "nrm"


class Returns(Strict):
    eligibility: ReturnEligibility
    deadlines: ReturnDeadlines
    transfer_preconditions: tuple[TransferPrecondition, ...]
    nrm_reconsideration_barred_from: date | None = Field(
        default=None, description="From this day a negative NRM decision cannot be reconsidered before removal."
    )
    refusal_reasons: tuple[str, ...] = Field(min_length=1)


class AdmissionWindow(Strict):
    id: str = Field(min_length=1)
    opens: date
    closes: date

    @model_validator(mode="after")
    def _closes_after_opens(self) -> Self:
        if self.closes < self.opens:
            raise ValueError("closes must not be before opens")
        return self


class AdmissionExclusion(StrEnum):
    EEA_NATIONAL = "eea_national"
    EEA_FAMILY_MEMBER = "eea_family_member"
    PROTECTION_ELSEWHERE = "protection_elsewhere"
    STATELESS_ELSEWHERE = "stateless_elsewhere"
    HOST_STATE_RESIDENCE_PERMIT = "host_state_residence_permit"
    PART9_GROUNDS = "part9_grounds"
    PRIOR_IRREGULAR_ENTRY = "prior_irregular_entry"


class GrantCondition(StrEnum):
    """A condition attached to the leave an entry clearance grants (rule 19)."""

    NO_WORK = "no_work"
    NO_RECOURSE_TO_PUBLIC_FUNDS = "no_recourse_to_public_funds"


class PriorityFactor(StrEnum):
    HIGH_GRANT_RATE_NATIONALITY = "high_grant_rate_nationality"
    PRIOR_RESIDENCE_OR_VISIT = "prior_residence_or_visit"
    FAMILY_LINK = "family_link"
    EXPLOITATION_RISK = "exploitation_risk"
    VULNERABILITY = "vulnerability"
    NO_PRIOR_IRREGULAR_ATTEMPT = "no_prior_irregular_attempt"
    WAITING_WEEK = "waiting_week"


class Priority(Strict):
    high_grant_rate_nationalities: tuple[CountryCode, ...] = ()
    weights: dict[PriorityFactor, Annotated[float, Field(ge=0)]] = Field(min_length=1)
    nationality_limits: dict[CountryCode, Annotated[int, Field(ge=0)]] = Field(
        default={}, description="Most people of one nationality invited in one selection round; absent: no limit."
    )


class AdmissionEligibility(Strict):
    applicant_location: CountryCode
    main_applicant_min_age: int = Field(ge=0)
    adult_age: int = Field(ge=0, description="Below this age a member is a child and needs an adult in the family.")
    excluded: tuple[AdmissionExclusion, ...]
    nationalities: tuple[CountryCode, ...] = Field(default=(), description="Empty: any nationality.")
    excluded_nationalities: tuple[Nationality, ...] = Field(
        default=(), description="Nationals of these states may not apply, whatever they declare (e.g. EEA nationals)."
    )

    @model_validator(mode="after")
    def _excluded_not_included(self) -> Self:
        _no_overlap(self.nationalities, self.excluded_nationalities)
        return self


class Admissions(Strict):
    windows: tuple[AdmissionWindow, ...] = Field(min_length=1)
    location_confirmation: Duration | None = Field(
        default=None, description="Time each adult has to confirm their location after the prompt; absent: none."
    )
    entry_clearance_validity: Duration
    grant_conditions: tuple[GrantCondition, ...] = Field(
        default=(), description="Conditions every entry clearance is issued with (rule 19); recorded on each grant."
    )
    family_decided_together: bool
    same_window_required: bool
    eligibility: AdmissionEligibility
    priority: Priority

    @model_validator(mode="after")
    def _window_ids_unique(self) -> Self:
        ids = [window.id for window in self.windows]
        if len(ids) != len(set(ids)):
            raise ValueError("window ids must be unique")
        return self


class ParityRule(Strict):
    basis: Literal["running_totals"]
    admissions_per_return: float = Field(gt=0)
    tolerance: int = Field(ge=0, description="People by which either running total may lead the other.")
    weekly_level: int = Field(gt=0, description="Most people moved per week in each direction.")
    counted_nationalities: tuple[CountryCode, ...] = Field(
        default=(), description="Only these nationalities count towards the balance; empty: everyone."
    )
    admissions_cap: int | None = Field(default=None, gt=0)


class DataRules(Strict):
    retention: Duration


class Scheme(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1)
    timezone: str = Field(min_length=1, description="IANA zone in which calendar-day deadlines end.")
    parties: Parties
    in_force: InForce
    calendars: dict[str, HolidayCalendar] = Field(min_length=1)
    returns: Returns
    admissions: Admissions
    parity: ParityRule
    data: DataRules

    _version: str = PrivateAttr(default="")

    @model_validator(mode="after")
    def _calendars_exist(self) -> Self:
        durations = [
            self.in_force.suspension_notice,
            self.in_force.termination_notice,
            *(d for d in self.returns.deadlines.__dict__.values() if d is not None),
            self.admissions.entry_clearance_validity,
            self.data.retention,
            *([self.admissions.location_confirmation] if self.admissions.location_confirmation else []),
        ]
        for duration in durations:
            unknown = set(duration.calendars) - set(self.calendars)
            if unknown:
                raise ValueError(f"unknown calendar(s) {sorted(unknown)}; declare them under [calendars]")
        return self

    def model_post_init(self, context: object, /) -> None:  # noqa: ARG002 (pydantic's signature)
        # The version is a hash of the validated content, so comments and layout do not change it
        # but any change to a rule does.
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        self._version = hashlib.sha256(canonical.encode()).hexdigest()[:16]

    @property
    def version(self) -> str:
        return self._version

    def is_open_on(self, day: date) -> bool:
        """Whether new cases may open on this day under the dates in force (notices: `parity.domain.notices`)."""
        return self.in_force.start <= day and (self.in_force.end is None or day <= self.in_force.end)

    def window_on(self, day: date) -> AdmissionWindow | None:
        return next((w for w in self.admissions.windows if w.opens <= day <= w.closes), None)
