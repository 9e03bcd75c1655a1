"""People as Parity records them: identity claims, age status, families, and the small-boat arrivals they came on."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from parity.scheme.model import ReturnGround


class Sex(StrEnum):
    FEMALE = "F"
    MALE = "M"
    UNKNOWN = "U"


class AgeStatus(StrEnum):
    """Age as recorded by an authorised officer (treaty Art. 4(1)(b); brief §10 rule 3)."""

    ADULT = "adult"
    ACCOMPANIED_MINOR = "accompanied_minor"
    UNACCOMPANIED_MINOR = "unaccompanied_minor"
    DISPUTED = "disputed"
    NOT_RECORDED = "not_recorded"


@dataclass(frozen=True)
class IdentityDocument:
    kind: str  # passport, national_id, ...
    number: str
    issuing_country: str | None = None
    expired: bool = False

    def has_number(self, number: str) -> bool:
        """Whether a document shown later is this one: its number, however spaced or punctuated when typed
        (`AB 12-34` is `ab1234`), in whatever script (Cyrillic letters count; `١٢٣` is `123`). A number with no
        letter or digit matches nothing. The kind is not compared: it is a label typed by the applicant at stage 1."""
        shown = document_key(number)
        return bool(shown) and shown == document_key(self.number)


def document_key(number: str) -> str:
    """A document number's letters and digits, as one writes them to compare: compatibility forms folded (NFKC),
    case folded, digits of any script as 0-9, spaces and punctuation dropped."""
    folded = unicodedata.normalize("NFKC", number).casefold()
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in folded if c.isalnum())


@dataclass(frozen=True)
class IdentityClaim:
    """Who a person says they are. Names are as written; dates of birth are often unknown or placeholders."""

    given_names: str
    family_name: str
    nationality: str
    sex: Sex
    date_of_birth: date | None = None
    documents: tuple[IdentityDocument, ...] = ()
    biometric_ref: str | None = None


@dataclass(frozen=True)
class ArrivingPerson:
    """One person on a small boat, with what the screening officer recorded about them."""

    id: str
    identity: IdentityClaim
    age_status: AgeStatus
    grounds: frozenset[ReturnGround]
    departed_from: str | None
    transit_evidence: str | None = None  # Art. 7 evidence of stay or transit (brief §10 rule 2)
    family_group: str | None = None


@dataclass(frozen=True)
class BoatArrival:
    """A small-boat event: when and where it landed, which boat, and everyone on it."""

    id: str
    boat_ref: str
    arrived_at: datetime
    place: str
    people: tuple[ArrivingPerson, ...] = field(default=())

    def family_members(self, group: str) -> tuple[ArrivingPerson, ...]:
        return tuple(p for p in self.people if p.family_group == group)
