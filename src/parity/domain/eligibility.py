"""Who may be returned and who may be admitted: the brief's §10 rules 1-4 and 13-16 as pure functions.

Each check returns the reasons that fail, as messages (`str()` is the English sentence); an empty list means
eligible. Screening never guesses: where the record lacks what a rule needs (an age status, transit evidence), the
person is not eligible until it is recorded.

Every date the rules compare (a birthday, the day of arrival) is the scheme's local date (its time zone, e.g.
Europe/London), never the UTC date of an instant: someone landing at 00:30 BST on their 18th birthday is 18.

Nationals of the states in a scheme's `excluded_nationalities` are barred from that direction whatever else is
recorded (uk-fr-2025: the parties' own, EEA and Swiss nationals are not "third-country nationals", treaty Arts 3 and
12, rule 16; the scheme file gives the reading and its sources).

A person recorded as an adult whose recorded date of birth makes them younger than the scheme's adult age on the day
of arrival is treated as age-disputed (rule 3), and does not count as the adult who accompanies a minor of the family.
A 1 January date of birth is often a placeholder for an estimated year of birth; read as the earliest possible
birthday of that year it is the oldest the person can be, so it contradicts "adult" only when any birthday in that
year would (the date is compared as it is; the officer's record is not overturned on a mere estimate).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from parity.domain.clocks import ClockRules
from parity.domain.messages import Message
from parity.domain.notices import SchemeNotice, SchemeTimeline
from parity.domain.people import AgeStatus, ArrivingPerson, BoatArrival, IdentityClaim
from parity.scheme.model import AdmissionExclusion, AgeDisputePolicy, Scheme


@dataclass(frozen=True)
class Screening:
    person_id: str
    reasons: tuple[Message, ...]

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
) -> Iterable[Message]:
    scheme = scheme_clock.scheme
    rules = scheme.returns.eligibility
    clock = ClockRules(scheme.timezone, scheme.calendars)
    closed = scheme_clock.closed_reason(clock.local_date(arrival.arrived_at), screened_at)
    if closed:
        yield closed
    if not person.grounds & set(rules.grounds):
        yield Message("no ground within scope: claimed protection, apprehended, or landed after a sea rescue (rule 1)")
    if person.departed_from != rules.departed_from:
        yield Message("not recorded as having crossed from %(country)s (rule 2)", country=rules.departed_from)
    if rules.require_transit_evidence and not (person.transit_evidence or "").strip():
        yield Message(
            "no evidence of stay or transit in %(country)s is recorded (Art. 7, rule 2)", country=rules.departed_from
        )
    yield from _age_bars(scheme, clock, arrival, person)
    if rules.nationalities and person.identity.nationality not in rules.nationalities:
        yield Message(
            "nationality %(nationality)s is outside the scheme's scope", nationality=person.identity.nationality
        )
    if person.identity.nationality in rules.excluded_nationalities:
        yield Message(
            "nationality %(nationality)s is excluded from returns: the scheme covers third-country nationals only "
            "(Art. 3, rule 1)",
            nationality=person.identity.nationality,
        )
    if scheme.returns.deadlines.request is not None:
        due = clock.deadline(arrival.arrived_at, scheme.returns.deadlines.request)
        if screened_at >= due:
            yield Message("the readmission request deadline passed at %(due)s (rule 5)", due=due)


def _age_bars(scheme: Scheme, clock: ClockRules, arrival: BoatArrival, person: ArrivingPerson) -> Iterable[Message]:
    rules = scheme.returns.eligibility
    status = person.age_status
    if status is AgeStatus.NOT_RECORDED:
        yield Message("no age status recorded by an authorised officer (rule 3)")
    elif status is AgeStatus.DISPUTED and rules.age_disputed is AgeDisputePolicy.BLOCK:
        yield Message("age disputed: not eligible until an age assessment is recorded (rule 3)")
    elif status is AgeStatus.ADULT and rules.age_disputed is AgeDisputePolicy.BLOCK:
        day = clock.local_date(arrival.arrived_at)
        if _child_by_date_of_birth(scheme, person, day):
            # Neither the date of birth nor the age it gives: a reason is kept in clear in the case's history and
            # the command's result, which retention does not clear; the date of birth stays in the (encrypted)
            # identity, where an officer reads it.
            yield Message(
                "age disputed: recorded as an adult, but the recorded date of birth makes them under %(adult_age)s "
                "on arrival (%(day)s); not eligible until an age assessment is recorded (rule 3)",
                adult_age=rules.adult_age,
                day=day,
            )
    elif status is AgeStatus.UNACCOMPANIED_MINOR and not rules.unaccompanied_minors:
        yield Message("unaccompanied minor: never eligible (rule 3)")
    elif status is AgeStatus.ACCOMPANIED_MINOR:
        if not rules.accompanied_minors:
            yield Message("minors are not eligible under this scheme")
        elif not _has_adult_in_family(scheme, clock, arrival, person):
            yield Message(
                "recorded as an accompanied minor but no adult of the same family group is on this arrival (rule 4)"
            )


def _child_by_date_of_birth(scheme: Scheme, person: ArrivingPerson, day: date) -> bool:
    """Whether the recorded date of birth makes the person under the adult age on `day` (local)."""
    born = person.identity.date_of_birth
    return born is not None and age_on(born, day) < scheme.returns.eligibility.adult_age


def _has_adult_in_family(scheme: Scheme, clock: ClockRules, arrival: BoatArrival, person: ArrivingPerson) -> bool:
    """Whether the family has a member recorded as an adult whose date of birth does not say otherwise (rule 3)."""
    if person.family_group is None:
        return False
    day = clock.local_date(arrival.arrived_at)
    return any(
        m.age_status is AgeStatus.ADULT and not _child_by_date_of_birth(scheme, m, day)
        for m in arrival.family_members(person.family_group)
    )


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


def admission_bars(scheme: Scheme, members: Iterable[Applicant], on: date) -> list[Message]:
    """Why a family may not be admitted (rules 15-16); a bar on any member bars the family (rule 20).

    `on` is the scheme's local date of the decision (`ClockRules.local_date`), not the UTC date of an instant.
    """
    rules = scheme.admissions.eligibility
    members = list(members)
    bars: list[Message] = []
    main = [m for m in members if m.is_main_applicant]
    if len(main) != 1:
        bars.append(Message("a family application needs exactly one main applicant, not %(count)s", count=len(main)))
    for member in members:
        age = member.age_on(on)
        if age is None:
            bars.append(
                Message("member %(member)s: date of birth is required for an admission application", member=member.id)
            )
        elif member.is_main_applicant and age < rules.main_applicant_min_age:
            bars.append(
                Message(
                    "member %(member)s: main applicant is %(age)s, under %(minimum)s (rule 15)",
                    member=member.id,
                    age=age,
                    minimum=rules.main_applicant_min_age,
                )
            )
        bars.extend(
            Message("member %(member)s: excluded (%(exclusion)s, rule 16)", member=member.id, exclusion=exclusion.value)
            for exclusion in sorted(member.exclusions & set(rules.excluded))
        )
        if rules.nationalities and member.identity.nationality not in rules.nationalities:
            bars.append(
                Message(
                    "member %(member)s: nationality %(nationality)s is not eligible",
                    member=member.id,
                    nationality=member.identity.nationality,
                )
            )
        if member.identity.nationality in rules.excluded_nationalities:
            bars.append(
                Message(
                    "member %(member)s: nationality %(nationality)s is excluded: only third-country nationals who "
                    "are not EEA nationals may apply (Art. 12, rule 16)",
                    member=member.id,
                    nationality=member.identity.nationality,
                )
            )
    ages = [m.age_on(on) for m in members]
    if not any(a is not None and a >= rules.adult_age for a in ages):
        bars.append(
            Message(
                "the family has no member aged %(age)s or over: children apply only with a parent", age=rules.adult_age
            )
        )
    return bars
