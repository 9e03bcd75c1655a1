"""Screening records before matching: normalise each, and refuse the ones that could only match by accident."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from parity.identity.normalise import NormalisedRecord, normalise_record
from parity.identity.records import IdentityRecord, RejectedRecord


def today_utc() -> date:
    return datetime.now(UTC).date()


@dataclass
class PreparedRecords:
    usable: list[NormalisedRecord] = field(default_factory=list)
    rejected: list[RejectedRecord] = field(default_factory=list)


def rejection_reason(record: NormalisedRecord) -> str | None:
    """Why a record must not be matched at all, or ``None``. Anything with a name or an identifier is kept."""
    if not record.record_id.strip():
        return "no record id"
    if not record.has_name and record.document_number is None and record.biometric_id is None:
        return "no name, document number or biometric reference: too little to match on without risking a false merge"
    return None


def prepare_records(records: Iterable[IdentityRecord], today: date | None = None) -> PreparedRecords:
    """Normalise records; a record refused, or repeating an earlier record's id, goes to ``rejected``."""
    reference_day = today or today_utc()
    prepared = PreparedRecords()
    seen: set[str] = set()
    for record in records:
        normalised = normalise_record(record, reference_day)
        reason = rejection_reason(normalised)
        if reason is None and record.record_id in seen:
            reason = "record id repeats an earlier record"
        if reason is not None:
            prepared.rejected.append(RejectedRecord(record.record_id, reason))
            continue
        seen.add(record.record_id)
        prepared.usable.append(normalised)
    return prepared
