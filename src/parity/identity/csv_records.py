"""Reading identity records from CSV, tolerating bad rows: a bad value is reported, never a crash."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from parity.identity.records import IdentityRecord, RejectedRecord

REQUIRED_COLUMNS = ("record_id", "given_names", "family_name", "date_of_birth", "nationality", "sex")
LABEL_COLUMN = "true_person_id"


class RecordsFileError(ValueError):
    """The file as a whole cannot be read as records (missing columns, not CSV)."""


@dataclass
class RecordsFile:
    records: list[IdentityRecord] = field(default_factory=list)
    # The true person of each record, when the file is labelled.
    labels: dict[str, str] = field(default_factory=dict)
    rejected: list[RejectedRecord] = field(default_factory=list)
    # Per record, values that were unreadable and treated as missing.
    issues: dict[str, list[str]] = field(default_factory=dict)


def parse_date_of_birth(text: str) -> tuple[date | None, str | None]:
    """A date from ``YYYY-MM-DD``; empty is unknown; anything else is unknown with the reason."""
    value = text.strip()
    if not value:
        return None, None
    try:
        return date.fromisoformat(value), None
    except ValueError:
        return None, f"date of birth {value!r} is not a valid YYYY-MM-DD date: treated as unknown"


def read_records_csv(path: Path, require_labels: bool = False) -> RecordsFile:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = [name.strip() for name in reader.fieldnames or []]
        wanted = (*REQUIRED_COLUMNS, LABEL_COLUMN) if require_labels else REQUIRED_COLUMNS
        missing = [name for name in wanted if name not in columns]
        if missing:
            raise RecordsFileError(f"{path}: missing column(s) {', '.join(missing)}")
        result = RecordsFile()
        for line_number, raw in enumerate(reader, start=2):
            row = {(key or "").strip(): (value or "") for key, value in raw.items() if isinstance(value, str)}
            _read_row(row, line_number, require_labels, result)
    return result


def _read_row(row: dict[str, str], line_number: int, require_labels: bool, result: RecordsFile) -> None:
    record_id = row.get("record_id", "").strip()
    if not record_id:
        result.rejected.append(RejectedRecord(f"line {line_number}", "no record id"))
        return
    label = row.get(LABEL_COLUMN, "").strip()
    if require_labels and not label:
        result.rejected.append(RejectedRecord(record_id, "no true_person_id: cannot be evaluated"))
        return
    date_of_birth, problem = parse_date_of_birth(row.get("date_of_birth", ""))
    if problem:
        result.issues.setdefault(record_id, []).append(problem)
    result.records.append(
        IdentityRecord(
            record_id=record_id,
            given_names=row.get("given_names", ""),
            family_name=row.get("family_name", ""),
            date_of_birth=date_of_birth,
            nationality=row.get("nationality", ""),
            sex=row.get("sex", ""),
            document_number=row.get("document_number") or None,
            biometric_id=row.get("biometric_id") or None,
        )
    )
    if label:
        result.labels[record_id] = label
