"""Who may be returned and who may be admitted: the brief's §10 rules 1-4 and 13-16 as pure functions.

Each check returns the reasons that fail, in words; an empty list means eligible. Screening never guesses: where
the record lacks what a rule needs (an age status, transit evidence), the person is not eligible until it is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from parity.domain.clocks import ClockRules
from parity.domain.notices import SchemeNotice, SchemeTimeline
from parity.domain.people import AgeStatus, ArrivingPerson, BoatArrival, IdentityClaim
from parity.scheme.model import AdmissionExclusion, AgeDisputePolicy, Scheme


@dataclass(frozen=True)
class Screening:
    person_id: str
    reasons: tuple[str, ...]

    @property
    def eligible(self) -> bool:
        return not self.reasons


def screen_arrival(
    scheme: Scheme, arrival: BoatArrival, screened_at: datetime, notices: Sequence[SchemeNotice] = ()
) -> list[Screening]:
    """Screen everyone on a boat for return. Family unity needs the whole boat (brief §10 rule 4)."""
    scheme_clock = SchemeTimeline(scheme, tuple(notices))
    return [Screening(p.id, tuple(_return_bars(scheme_clock, arrival, p, screened_at))) for p in arrival.people]


def _return_bars(
    scheme_clock: SchemeTimeline, arrival: BoatArrival, person: ArrivingPerson, screened_at: datetime
) -> Iterable[str]:
    scheme = scheme_clock.scheme
    rules = scheme.returns.eligibility
    clock = ClockRules(scheme.timezone, scheme.calendars)
    closed = scheme_clock.closed_reason(clock.local_date(arrival.arrived_at), screened_at)
    if closed:
        yield closed
    if not person.grounds & set(rules.grounds):
        yield "no ground within scope: claimed protection, apprehended, or landed after a sea rescue (rule 1)"
    if person.departed_from != rules.departed_from:
        yield f"not recorded as having crossed from {rules.departed_from} (rule 2)"
    if rules.require_transit_evidence and not (person.transit_evidence or "").strip():
        yield f"no evidence of stay or transit in {rules.departed_from} is recorded (Art. 7, rule 2)"
    yield from _age_bars(scheme, arrival, person)
    if rules.nationalities and person.identity.nationality not in rules.nationalities:
        yield f"nationality {person.identity.nationality} is outside the scheme's scope"
    if scheme.returns.deadlines.request is not None:
        due = clock.deadline(arrival.arrived_at, scheme.returns.deadlines.request)
        if screened_at >= due:
            yield f"the readmission request deadline passed at {due.isoformat()} (rule 5)"


def _age_bars(scheme: Scheme, arrival: BoatArrival, person: ArrivingPerson) -> Iterable[str]:
    rules = scheme.returns.eligibility
    status = person.age_status
    if status is AgeStatus.NOT_RECORDED:
        yield "no age status recorded by an authorised officer (rule 3)"
    elif status is AgeStatus.DISPUTED and rules.age_disputed is AgeDisputePolicy.BLOCK:
        yield "age disputed: not eligible until an age assessment is recorded (rule 3)"
    elif status is AgeStatus.UNACCOMPANIED_MINOR and not rules.unaccompanied_minors:
        yield "unaccompanied minor: never eligible (rule 3)"
    elif status is AgeStatus.ACCOMPANIED_MINOR:
        if not rules.accompanied_minors:
            yield "minors are not eligible under this scheme"
        elif not _has_adult_in_family(arrival, person):
            yield "recorded as an accompanied minor but no adult of the same family group is on this arrival (rule 4)"


def _has_adult_in_family(arrival: BoatArrival, person: ArrivingPerson) -> bool:
    if person.family_group is None:
        return False
    return any(m.age_status is AgeStatus.ADULT for m in arrival.family_members(person.family_group))


def age_on(born: date, day: date) -> int:
    return relativedelta(day, born).years


@dataclass(frozen=True)
class Applicant:
    """One member of a family application for admission, with the facts the eligibility rules read."""

    id: str
    identity: IdentityClaim
    is_main_applicant: bool
    exclusions: frozenset[AdmissionExclusion] = frozenset()

    def age_on(self, day: date) -> int | None:
        born = self.identity.date_of_birth
        return None if born is None else age_on(born, day)


def admission_bars(scheme: Scheme, members: Iterable[Applicant], on: date) -> list[str]:
    """Why a family may not be admitted (rules 15-16); a bar on any member bars the family (rule 20)."""
    rules = scheme.admissions.eligibility
    members = list(members)
    bars: list[str] = []
    main = [m for m in members if m.is_main_applicant]
    if len(main) != 1:
        bars.append(f"a family application needs exactly one main applicant, not {len(main)}")
    for member in members:
        age = member.age_on(on)
        if age is None:
            bars.append(f"member {member.id}: date of birth is required for an admission application")
        elif member.is_main_applicant and age < rules.main_applicant_min_age:
            bars.append(f"member {member.id}: main applicant is {age}, under {rules.main_applicant_min_age} (rule 15)")
        bars.extend(
            f"member {member.id}: excluded ({exclusion.value}, rule 16)"
            for exclusion in sorted(member.exclusions & set(rules.excluded))
        )
        if rules.nationalities and member.identity.nationality not in rules.nationalities:
            bars.append(f"member {member.id}: nationality {member.identity.nationality} is not eligible")
    ages = [m.age_on(on) for m in members]
    if not any(a is not None and a >= rules.adult_age for a in ages):
        bars.append(f"the family has no member aged {rules.adult_age} or over: children apply only with a parent")
    return bars
