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
from parity.services.intake import PersonInput, RecordArrival

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
COUNTRY = re.compile(r"^[A-Z]{2,3}$")
EARLIEST_BIRTH = date(1900, 1, 1)
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
        arrived_at = row_reader.instant("arrived_at", zone, now)
        person = row_reader.person(arrived_at)
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
        people.append(person)
    if not boats and not problems:
        problems.append(LineProblem(2, "(file)", "the file has a header but no people"))
    if problems:
        raise ArrivalsFileRejected(problems)
    arrivals = [
        RecordArrival(f"import:{file_hash[:16]}:{ref}", actor, scheme.id, ref, arrived_at, place, tuple(people))
        for ref, (_, arrived_at, place, people) in boats.items()
    ]
    return ParsedArrivals(file_hash, arrivals)


class _RowReader:
    """Reads one row's fields, adding a problem for each bad value instead of stopping at the first."""

    def __init__(self, row: Mapping[str, str | None], line: int, problems: list[LineProblem]) -> None:
        self.row = row
        self.line = line
        self.problems = problems

    def fail(self, field: str, reason: str) -> None:
        self.problems.append(LineProblem(self.line, field, reason))

    def raw(self, field: str) -> str:
        return (self.row.get(field) or "").strip()

    def text(self, field: str) -> str | None:
        value = self.raw(field)
        if not value:
            self.fail(field, "is required")
            return None
        return value

    def optional(self, field: str) -> str | None:
        return self.raw(field) or None

    def instant(self, field: str, zone: ZoneInfo, now: datetime) -> datetime | None:
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
        if parsed > now:
            self.fail(field, f"{value} is in the future")
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

    def country(self, field: str, *, required: bool) -> str | None:
        value = self.text(field) if required else self.optional(field)
        if value is not None and not COUNTRY.match(value):
            self.fail(field, f"'{value}' is not an ISO country code (2 or 3 capital letters)")
            return None
        return value

    def birth_date(self, arrived_at: datetime | None) -> date | None:
        value = self.optional("date_of_birth")
        if value is None:
            return None
        try:
            born = date.fromisoformat(value)
        except ValueError:
            self.fail("date_of_birth", f"'{value}' is not a real date (YYYY-MM-DD)")
            return None
        if born < EARLIEST_BIRTH or (arrived_at is not None and born > arrived_at.date()):
            self.fail("date_of_birth", f"{value} is impossible: before 1900 or after the arrival")
            return None
        return born

    def person(self, arrived_at: datetime | None) -> PersonInput | None:
        before = len(self.problems)
        given, family = self.text("given_names"), self.text("family_name")
        nationality = self.country("nationality", required=True)
        sex = self.choice("sex", Sex, self.text("sex"))
        age_status = self.choice("age_status", AgeStatus, self.text("age_status"))
        grounds_text = self.text("grounds") or ""
        grounds = [self.choice("grounds", ReturnGround, g.strip()) for g in grounds_text.split(";") if g.strip()]
        departed_from = self.country("departed_from", required=False)
        born = self.birth_date(arrived_at)
        if len(self.problems) > before or not (given and family and nationality and sex and age_status):
            return None
        return PersonInput(
            given_names=given,
            family_name=family,
            nationality=nationality,
            sex=sex,
            age_status=age_status,
            grounds=frozenset(g for g in grounds if g is not None),
            departed_from=departed_from,
            date_of_birth=born,
            transit_evidence=self.optional("transit_evidence"),
            family_group=self.optional("family_group"),
            document_type=self.optional("document_type"),
            document_number=self.optional("document_number"),
            biometric_ref=self.optional("biometric_ref"),
        )
