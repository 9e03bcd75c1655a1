"""Arrivals files: one row per person, grouped into boats by `boat_ref`. Every bad line is reported, none is kept.

A file is read whole before anything is written; if any line is wrong the import is refused with every problem
listed (line, field, reason), and the store is left exactly as it was.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from parity.domain.people import AgeStatus, Sex
from parity.scheme.model import ReturnGround, Scheme
from parity.services.intake import (
    BOAT_TEXT_LIMITS,
    DEPARTED_FROM_PATTERN,
    MOST_GROUNDS,
    MOST_PEOPLE_PER_BOAT,
    NATIONALITY_PATTERN,
    PERSON_TEXT_LIMITS,
    PersonInput,
    RecordArrival,
    arrival_out_of_range,
    birth_date_problem,
)

REQUIRED_COLUMNS = (
    "boat_ref",
    "arrived_at",
    "place",
    "given_names",
    "family_name",
    "nationality",
    "sex",
    "age_status",
    "grounds",
    "departed_from",
)
OPTIONAL_COLUMNS = (
    "date_of_birth",
    "transit_evidence",
    "family_group",
    "document_type",
    "document_number",
    "biometric_ref",
)
# The same rules as the API's (`parity.api.schemas`): both read them from `parity.services.intake`.
TEXT_LIMITS = {**BOAT_TEXT_LIMITS, **PERSON_TEXT_LIMITS}
NATIONALITY = re.compile(NATIONALITY_PATTERN)
DEPARTED_FROM = re.compile(DEPARTED_FROM_PATTERN)
E = TypeVar("E", Sex, AgeStatus, ReturnGround)


@dataclass(frozen=True)
class LineProblem:
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.reason}"


class ArrivalsFileRejected(ValueError):
    def __init__(self, problems: list[LineProblem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s); nothing was imported:\n" + "\n".join(map(str, problems)))


@dataclass(frozen=True)
class ParsedArrivals:
    file_hash: str
    arrivals: list[RecordArrival]


def parse_arrivals_csv(text: str, scheme: Scheme, actor: str, now: datetime) -> ParsedArrivals:
    """Read a whole arrivals file, or raise `ArrivalsFileRejected` naming every bad line and field."""
    file_hash = hashlib.sha256(text.encode()).hexdigest()
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if missing or unknown:
        header_problems = [LineProblem(1, c, "required column is missing") for c in missing]
        header_problems += [LineProblem(1, c, "unknown column") for c in unknown]
        raise ArrivalsFileRejected(header_problems)
    zone = ZoneInfo(scheme.timezone)
    problems: list[LineProblem] = []
    boats: dict[str, tuple[int, datetime, str, list[PersonInput]]] = {}
    for line, row in enumerate(reader, start=2):
        row_reader = _RowReader(row, line, problems)
        arrived_at = row_reader.instant("arrived_at", scheme, zone, now)
        person = row_reader.person(scheme, arrived_at)
        boat_ref = row_reader.text("boat_ref")
        place = row_reader.text("place")
        if arrived_at is None or person is None or not boat_ref or not place:
            continue
        if boat_ref not in boats:
            boats[boat_ref] = (line, arrived_at, place, [])
        first_line, boat_arrived, _, people = boats[boat_ref]
        if boat_arrived != arrived_at:
            problems.append(
                LineProblem(line, "arrived_at", f"boat {boat_ref} arrived at {boat_arrived} on line {first_line}")
            )
            continue
        if len(people) == MOST_PEOPLE_PER_BOAT:
            problems.append(
                LineProblem(line, "boat_ref", f"boat {boat_ref} has more than {MOST_PEOPLE_PER_BOAT} people")
            )
            continue
        people.append(person)
    if not boats and not problems:
        problems.append(LineProblem(2, "(file)", "the file has a header but no people"))
    if problems:
        raise ArrivalsFileRejected(problems)
    arrivals = [
        RecordArrival(f"import:{file_hash[:16]}:{ref}", actor, scheme.id, ref, arrived_at, place, tuple(people), line)
        for ref, (line, arrived_at, place, people) in boats.items()
    ]
    return ParsedArrivals(file_hash, arrivals)


class _RowReader:
    """Reads one row's fields, adding a problem for each bad value instead of stopping at the first."""

    def __init__(self, row: Mapping[str, str | None], line: int, problems: list[LineProblem]) -> None:
        self.row = row
        self.line = line
        self.problems = problems
        self.failed: set[str] = set()  # the fields of this row with a problem

    def fail(self, field: str, reason: str) -> None:
        self.failed.add(field)
        self.problems.append(LineProblem(self.line, field, reason))

    def raw(self, field: str) -> str:
        value = (self.row.get(field) or "").strip()
        limit = TEXT_LIMITS.get(field)
        if limit is not None and len(value) > limit:
            # Not the value: it may be someone's name or evidence, and is too long to read in a list anyway.
            self.fail(field, f"is {len(value)} characters long; at most {limit} are allowed")
            return ""
        return value

    def text(self, field: str) -> str | None:
        value = self.raw(field)
        if not value:
            if field not in self.failed:  # an over-long value is reported as such, not as missing
                self.fail(field, "is required")
            return None
        return value

    def optional(self, field: str) -> str | None:
        return self.raw(field) or None

    def instant(self, field: str, scheme: Scheme, zone: ZoneInfo, now: datetime) -> datetime | None:
        value = self.text(field)
        if value is None:
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.fail(field, f"'{value}' is not a date and time (YYYY-MM-DDTHH:MM, optionally with an offset)")
            return None
        # Times without an offset are local times where the boat landed (the scheme's zone).
        parsed = parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed
        out_of_range = arrival_out_of_range(scheme, parsed, now)
        if out_of_range is not None or parsed > now:
            self.fail(field, f"{value} {out_of_range or 'is in the future'}")
            return None
        return parsed

    def choice(self, field: str, kind: type[E], value: str | None) -> E | None:
        if value is None:
            return None
        try:
            return kind(value)
        except ValueError:
            self.fail(field, f"'{value}' is not one of {', '.join(m.value for m in kind)}")
            return None

    def nationality(self) -> str | None:
        value = self.text("nationality")
        if value is not None and not NATIONALITY.match(value):
            self.fail("nationality", f"'{value}' is not an ISO 3166-1 alpha-3 country code (3 capital letters)")
            return None
        return value

    def departed_from(self) -> str | None:
        value = self.optional("departed_from")
        if value is not None and not DEPARTED_FROM.match(value):
            self.fail("departed_from", f"'{value}' is not an ISO country code (2 or 3 capital letters)")
            return None
        return value

    def grounds(self) -> frozenset[ReturnGround]:
        text = self.text("grounds") or ""
        named = [g.strip() for g in text.split(";") if g.strip()]
        if text and not named:
            self.fail("grounds", "names no ground")
        elif len(named) > MOST_GROUNDS:
            self.fail("grounds", f"names {len(named)} grounds; at most {MOST_GROUNDS} are allowed")
        grounds = [self.choice("grounds", ReturnGround, g) for g in named]
        return frozenset(g for g in grounds if g is not None)

    def birth_date(self, scheme: Scheme, arrived_at: datetime | None) -> date | None:
        value = self.optional("date_of_birth")
        if value is None:
            return None
        try:
            born = date.fromisoformat(value)
        except ValueError:
            # Not the value: a date of birth is personal data.
            self.fail("date_of_birth", "is not a real date (YYYY-MM-DD)")
            return None
        problem = None if arrived_at is None else birth_date_problem(born, scheme, arrived_at)
        if problem is not None:
            self.fail("date_of_birth", str(problem))
            return None
        return born

    def person(self, scheme: Scheme, arrived_at: datetime | None) -> PersonInput | None:
        before = len(self.problems)
        given, family = self.text("given_names"), self.text("family_name")
        nationality = self.nationality()
        sex = self.choice("sex", Sex, self.text("sex"))
        age_status = self.choice("age_status", AgeStatus, self.text("age_status"))
        grounds = self.grounds()
        departed_from = self.departed_from()
        born = self.birth_date(scheme, arrived_at)
        if len(self.problems) > before or not (given and family and nationality and sex and age_status):
            return None
        return PersonInput(
            given_names=given,
            family_name=family,
            nationality=nationality,
            sex=sex,
            age_status=age_status,
            grounds=grounds,
            departed_from=departed_from,
            date_of_birth=born,
            transit_evidence=self.optional("transit_evidence"),
            family_group=self.optional("family_group"),
            document_type=self.optional("document_type"),
            document_number=self.optional("document_number"),
            biometric_ref=self.optional("biometric_ref"),
        )
