"""The identity record as it arrives from a register or a form, before any normalisation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class IdentityRecord:
    """One sighting of a person: an arrival, a return, an admission application.

    ``date_of_birth`` is ``None`` when unknown; ``nationality`` is an ISO 3166-1 alpha-3 code as recorded
    (possibly unknown or wrong); ``biometric_id`` is the reference to a fingerprint enrolment, when one was taken.
    """

    record_id: str
    given_names: str
    family_name: str
    date_of_birth: date | None
    nationality: str
    sex: str
    document_number: str | None = None
    biometric_id: str | None = None


@dataclass(frozen=True, slots=True)
class RejectedRecord:
    """A record the matcher refused to use, and why; it is never merged with anything."""

    record_id: str
    reason: str
