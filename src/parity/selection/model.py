"""What a selection round is asked: the waiting families, the places released and the scheme's priority rules.

Plain frozen values with no database or web types, so a service can build them from whatever it stores and the
optimiser stays a pure function of them. `SelectionRequest.canonical_json` is the form that is hashed to make a
proposal reproducible: two requests with the same content (in any candidate order) hash the same.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from parity.scheme.model import Priority, PriorityFactor, Scheme


@dataclass(frozen=True)
class Member:
    """One person in a family application."""

    age: int
    nationality: str


@dataclass(frozen=True)
class Candidate:
    """One family application waiting for an invitation; the first member is the main applicant.

    `submitted_at` is when the expression of interest was submitted (timezone-aware): equal scores are ranked by
    it, first come first served (brief §10 rule 14). `waiting_since` is its date where the scheme is; whole weeks
    waited are counted from it.
    """

    application_id: str
    members: tuple[Member, ...]
    window_id: str
    factors: frozenset[PriorityFactor]
    waiting_since: date
    submitted_at: datetime

    @property
    def main_applicant(self) -> Member:
        return self.members[0]

    @property
    def size(self) -> int:
        return len(self.members)

    def to_dict(self) -> dict[str, Any]:
        return {
            "application_id": self.application_id,
            "members": [{"age": member.age, "nationality": member.nationality} for member in self.members],
            "window_id": self.window_id,
            "factors": sorted(factor.value for factor in self.factors),
            "waiting_since": self.waiting_since.isoformat(),
            # In UTC, so one instant hashes the same whatever offset the caller gave it in.
            "submitted_at": self.submitted_at.astimezone(UTC).isoformat(),
        }


@dataclass(frozen=True)
class SelectionRequest:
    """One round: choose families for `places` people from `candidates` under the scheme's `priority`.

    `adult_age` and `same_window_required` come from the scheme's admissions section (`for_scheme` copies them).
    `window_id` names the window selected from; when absent and the scheme requires one window, all candidates
    must share one.
    """

    candidates: tuple[Candidate, ...]
    places: int
    as_of: date
    priority: Priority
    adult_age: int
    same_window_required: bool
    window_id: str | None = None

    @classmethod
    def for_scheme(
        cls,
        scheme: Scheme,
        candidates: tuple[Candidate, ...],
        places: int,
        as_of: date,
        window_id: str | None = None,
    ) -> SelectionRequest:
        admissions = scheme.admissions
        return cls(
            candidates=candidates,
            places=places,
            as_of=as_of,
            priority=admissions.priority,
            adult_age=admissions.eligibility.adult_age,
            same_window_required=admissions.same_window_required,
            window_id=window_id,
        )

    def to_dict(self) -> dict[str, Any]:
        """The request as JSON-ready data, candidates in application-id order so input order does not matter."""
        candidates = sorted(self.candidates, key=lambda candidate: candidate.application_id)
        return {
            "candidates": [candidate.to_dict() for candidate in candidates],
            "places": self.places,
            "as_of": self.as_of.isoformat(),
            "priority": self.priority.model_dump(mode="json"),
            "adult_age": self.adult_age,
            "same_window_required": self.same_window_required,
            "window_id": self.window_id,
        }

    def canonical_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=True)

    def inputs_hash(self) -> str:
        """SHA-256 of the canonical JSON: the same request always gives the same hash, and so the same proposal."""
        return hashlib.sha256(self.canonical_json().encode("ascii")).hexdigest()
