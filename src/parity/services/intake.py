"""Intake: record a small-boat arrival with its people, open a return case for each, and screen them."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from parity.domain.clocks import ClockRules
from parity.domain.eligibility import screen_arrival
from parity.domain.errors import InvalidCommand
from parity.domain.identity_links import RecordSource
from parity.domain.lifecycle import Action
from parity.domain.messages import Message, joined, keep_all
from parity.domain.people import AgeStatus, ArrivingPerson, BoatArrival, IdentityClaim, IdentityDocument, Sex
from parity.domain.returns import ReturnCase, claim_made_on_arrival
from parity.scheme.model import ReturnGround, Scheme
from parity.services.context import Services, run_command, scheme_ref
from parity.services.identity import PersonToCheck, index_and_check
from parity.services.ports import UnitOfWork

# What an arrival's fields may hold, one definition for every way in: the API's request schemas
# (`parity.api.schemas`), the CSV reader (`parity.services.arrivals_csv`) and `record_arrival` itself, which checks
# them again for callers that check nothing (and so that the store's columns never see a longer value).
NAME_LENGTH = 200
REF_LENGTH = 64
BOAT_TEXT_LIMITS: Mapping[str, int] = {"boat_ref": REF_LENGTH, "place": NAME_LENGTH}
PERSON_TEXT_LIMITS: Mapping[str, int] = {
    "given_names": NAME_LENGTH,
    "family_name": NAME_LENGTH,
    "transit_evidence": 2000,
    "family_group": REF_LENGTH,
    "document_type": 40,
    "document_number": REF_LENGTH,
    "biometric_ref": 128,
}
NATIONALITY_PATTERN = r"^[A-Z]{3}$"  # ISO 3166-1 alpha-3
DEPARTED_FROM_PATTERN = r"^[A-Z]{2,3}$"  # ISO 3166-1 alpha-2 or alpha-3
MOST_PEOPLE_PER_BOAT = 500
MOST_GROUNDS = 3  # of the scheme's grounds (rule 1)
EARLIEST_BIRTH = date(1900, 1, 1)
# Arrivals from before a scheme came into force are recorded (and screened out, rule 24: their people may be found
# again later); earlier than this they are a mistyped year, and times outside Python's calendar once the scheme's
# deadlines are added to them.
ARRIVALS_RECORDED_FROM = relativedelta(years=5)
_NATIONALITY = re.compile(NATIONALITY_PATTERN)
_DEPARTED_FROM = re.compile(DEPARTED_FROM_PATTERN)


def earliest_arrival(scheme: Scheme) -> datetime:
    """The earliest instant an arrival may be recorded at under `scheme`: midnight, in the scheme's zone, five years
    before the day it came into force."""
    day = scheme.in_force.start - ARRIVALS_RECORDED_FROM
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(scheme.timezone))


def arrival_out_of_range(scheme: Scheme, arrived_at: datetime, now: datetime) -> Message | None:
    """Why `arrived_at` is no time for an arrival under `scheme` at all, seen at `now` (a reason to follow the field
    or its value), or None. A time just ahead of now is for the caller to refuse, with the time: far from now, it
    is not repeated, as it may lie beyond what can be written in another time zone."""
    earliest = earliest_arrival(scheme)
    if arrived_at < earliest or arrived_at > now + timedelta(days=366):
        return Message(
            "must lie between %(earliest)s (five years before the scheme came into force) and now",
            earliest=earliest.date(),
        )
    return None


def birth_date_problem(born: date, scheme: Scheme, arrived_at: datetime) -> Message | None:
    """Why `born` cannot be the date of birth of someone who arrived at `arrived_at`, or None. The arrival's date is
    the scheme's local one: a baby born on the day of a landing at 00:30 in UK summer time is not born after it."""
    arrived_on = ClockRules(scheme.timezone, scheme.calendars).local_date(arrived_at)
    if born < EARLIEST_BIRTH or born > arrived_on:
        return Message("is impossible: before %(earliest)s or after the arrival", earliest=EARLIEST_BIRTH)
    return None


def text_too_long(value: str | None, limit: int) -> Message | None:
    if value is not None and len(value) > limit:
        return Message("must be at most %(max_length)s character(s) long", max_length=limit)
    return None


@dataclass(frozen=True)
class PersonInput:
    given_names: str
    family_name: str
    nationality: str
    sex: Sex
    age_status: AgeStatus
    grounds: frozenset[ReturnGround]
    departed_from: str | None
    date_of_birth: date | None = None
    transit_evidence: str | None = None
    family_group: str | None = None
    document_type: str | None = None
    document_number: str | None = None
    biometric_ref: str | None = None


@dataclass(frozen=True)
class RecordArrival:
    command_id: str
    actor: str
    scheme_id: str
    boat_ref: str
    arrived_at: datetime
    place: str
    people: Sequence[PersonInput] = field(default_factory=tuple)
    # The line of the file the boat was read from (its first person's), to name it in a refusal; not part of the
    # request: a file read again with its lines moved is the same request.
    line: int | None = None


def record_arrival(services: Services, command: RecordArrival) -> Mapping[str, Any]:
    """Record one boat and screen everyone on it, in one transaction; a repeated command changes nothing."""
    scheme = services.scheme(command.scheme_id)
    return run_command(
        services,
        command.command_id,
        "record_arrival",
        _fingerprint(command),
        lambda uow: _record(services, uow, scheme, command, services.clock.now()),
    )


def import_arrivals(
    services: Services,
    command_id: str,
    scheme_id: str,
    arrivals: Sequence[RecordArrival],
    progress: Callable[[int], None] | None = None,
) -> Mapping[str, Any]:
    """Record many arrivals all-or-nothing: any refusal leaves the store as it was.

    `progress` hears how many arrivals are recorded so far; nothing is committed until the last one is.
    """
    scheme = services.scheme(scheme_id)

    def handle(uow: UnitOfWork) -> Mapping[str, Any]:
        now = services.clock.now()
        _refuse_boats_recorded_before(uow, scheme, arrivals)
        results = []
        for arrival in arrivals:
            results.append(_record(services, uow, scheme, arrival, now))
            if progress is not None:
                progress(len(results))
        screened = [case for result in results for case in result["cases"]]
        return {
            "arrivals": len(results),
            "people": len(screened),
            "eligible": sum(case["status"] == "eligible" for case in screened),
            "ineligible": sum(case["status"] == "ineligible" for case in screened),
        }

    return run_command(
        services, command_id, "import_arrivals", {"arrivals": [_fingerprint(a) for a in arrivals]}, handle
    )


def _fingerprint(command: RecordArrival) -> dict[str, Any]:
    # Shallow on purpose: `asdict` deep-copies every person and took a fifth of the time of recording a boat.
    left_out = {"command_id", "people", "line"}
    request = {f.name: getattr(command, f.name) for f in fields(command) if f.name not in left_out}
    return request | {"people": [vars(person) for person in command.people]}


def _already_recorded(command: RecordArrival, arrived_at: datetime) -> Message:
    """A boat recorded before, named by its reference (and its line in a file): a boat is recorded once."""
    refused = Message(
        "boat %(boat)s is already recorded under this scheme (it arrived at %(at)s): a boat is recorded once",
        boat=command.boat_ref,
        at=arrived_at,
    )
    if command.line is None:
        return refused
    return Message("line %(line)s: %(problem)s", line=command.line, problem=refused)


def _refuse_boats_recorded_before(uow: UnitOfWork, scheme: Scheme, arrivals: Sequence[RecordArrival]) -> None:
    """Every boat of an import already in the store, named at once, before anything is recorded."""
    recorded = uow.arrivals.recorded_boats(scheme.id, [a.boat_ref for a in arrivals])
    found = [_already_recorded(a, recorded[a.boat_ref]) for a in arrivals if a.boat_ref in recorded]
    if found:
        raise InvalidCommand(joined(found))


def _field_problems(scheme: Scheme, command: RecordArrival, now: datetime) -> list[Message]:
    """Each field of the command that no arrival may hold, named (`people.0.date_of_birth`), without its value."""
    problems = []
    out_of_range = arrival_out_of_range(scheme, command.arrived_at, now)
    if out_of_range is not None:
        problems.append(Message("%(field)s: %(reason)s", field="arrived_at", reason=out_of_range))
    elif command.arrived_at > now:
        problems.append(Message("arrived_at %(at)s is in the future", at=command.arrived_at))
    for name, limit in BOAT_TEXT_LIMITS.items():
        if (why := text_too_long(getattr(command, name), limit)) is not None:
            problems.append(Message("%(field)s: %(reason)s", field=name, reason=why))
    for index, person in enumerate(command.people):
        reasons: list[tuple[str, Message | None]] = [
            (name, text_too_long(getattr(person, name), limit)) for name, limit in PERSON_TEXT_LIMITS.items()
        ]
        if not _NATIONALITY.match(person.nationality):
            reasons.append(("nationality", Message("must match the pattern %(pattern)s", pattern=NATIONALITY_PATTERN)))
        if person.departed_from is not None and not _DEPARTED_FROM.match(person.departed_from):
            pattern = DEPARTED_FROM_PATTERN
            reasons.append(("departed_from", Message("must match the pattern %(pattern)s", pattern=pattern)))
        if person.date_of_birth is not None and out_of_range is None:
            reasons.append(("date_of_birth", birth_date_problem(person.date_of_birth, scheme, command.arrived_at)))
        problems += [
            Message("%(field)s: %(reason)s", field=f"people.{index}.{name}", reason=why)
            for name, why in reasons
            if why is not None
        ]
    return problems


def _record(
    services: Services, uow: UnitOfWork, scheme: Scheme, command: RecordArrival, now: datetime
) -> dict[str, Any]:
    problems = _field_problems(scheme, command, now)
    if problems:
        raise InvalidCommand(joined(problems))
    if not command.people:
        raise InvalidCommand(Message("boat %(boat)s: an arrival needs at least one person", boat=command.boat_ref))
    recorded = uow.arrivals.recorded_boats(scheme.id, [command.boat_ref])
    if command.boat_ref in recorded:
        raise InvalidCommand(_already_recorded(command, recorded[command.boat_ref]))
    arrival = BoatArrival(
        id=services.new_id(),
        boat_ref=command.boat_ref,
        arrived_at=command.arrived_at,
        place=command.place,
        people=tuple(_person(p, services.new_id()) for p in command.people),
    )
    uow.arrivals.add(arrival, scheme)
    ref = scheme_ref(scheme)
    screenings = screen_arrival(scheme, arrival, now, uow.notices.for_scheme(scheme.id))
    arrived_on = ClockRules(scheme.timezone, scheme.calendars).local_date(arrival.arrived_at)
    cases = []
    for index, (person, screening) in enumerate(zip(arrival.people, screenings, strict=True)):
        case = ReturnCase(
            id=services.new_id(),
            person_id=person.id,
            arrival_id=arrival.id,
            arrived_at=arrival.arrived_at,
            nationality=person.identity.nationality,
            family_group=person.family_group,
        )
        prefix = f"{command.command_id}:{index}"
        case.record(
            Action("detect", now, command.actor, f"{prefix}:detect", ref, {"boat_ref": arrival.boat_ref}), scheme
        )
        if screening.eligible:
            case.record(Action("screen_eligible", now, command.actor, f"{prefix}:screen", ref, {}), scheme)
            claim = claim_made_on_arrival(person.grounds, arrived_on, scheme)
            if claim is not None:
                case.record(Action("record_legal_event", now, command.actor, f"{prefix}:claim", ref, claim), scheme)
        else:
            reasons = keep_all("reasons", screening.reasons)
            case.record(Action("screen_ineligible", now, command.actor, f"{prefix}:screen", ref, reasons), scheme)
        cases.append(case)
    uow.returns.add_many(cases, scheme.id)
    to_check = [PersonToCheck(p.id, c.id, p.identity) for p, c in zip(arrival.people, cases, strict=True)]
    flags = index_and_check(services, uow, RecordSource.ARRIVAL, to_check, now)
    return {
        "arrival_id": arrival.id,
        "cases": [
            {
                "case_id": c.id,
                "person_id": c.person_id,
                "status": c.status.value,
                **keep_all("reasons", s.reasons),
                "identity_flags": flags[c.person_id],
            }
            for c, s in zip(cases, screenings, strict=True)
        ],
    }


def _person(data: PersonInput, person_id: str) -> ArrivingPerson:
    documents: tuple[IdentityDocument, ...] = ()
    if data.document_number:
        documents = (IdentityDocument(data.document_type or "unknown", data.document_number),)
    identity = IdentityClaim(
        given_names=data.given_names,
        family_name=data.family_name,
        nationality=data.nationality,
        sex=data.sex,
        date_of_birth=data.date_of_birth,
        documents=documents,
        biometric_ref=data.biometric_ref,
    )
    return ArrivingPerson(
        id=person_id,
        identity=identity,
        age_status=data.age_status,
        grounds=data.grounds,
        departed_from=data.departed_from,
        transit_evidence=data.transit_evidence,
        family_group=data.family_group,
    )
