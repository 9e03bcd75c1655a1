"""The identity port: what the rest of Parity may ask of identity resolution, and a null implementation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from parity.identity.records import IdentityRecord, RejectedRecord

if TYPE_CHECKING:  # the model module loads Splink: only the live resolver imports it at run time
    from parity.identity.model import IdentityModel

# How a candidate's standing was decided: by the model's match weight, or by fingerprints on both records,
# which decide on their own (a match when the references agree; such a candidate is never offered when they differ).
DecisionBasis = Literal["match_weight", "biometric"]

# A pair scoring at or above this match weight (log2 Bayes factor) is proposed as the same person, unless a
# model file says otherwise. Chosen on generated development sets (docs/identity.md, "Threshold").
DEFAULT_MATCH_WEIGHT_THRESHOLD = 0.5


@dataclass(frozen=True)
class CandidateMatch:
    """A register record that may be the same person as the record checked. A flag for a person to decide."""

    record_id: str
    match_weight: float
    match_probability: float
    decided_by: DecisionBasis
    above_threshold: bool
    # Each field's contribution (log2 Bayes factor) to the match weight, and the comparison level it fell in.
    contributions: dict[str, float]
    levels: dict[str, str]


@dataclass(frozen=True)
class IdentityCheck:
    """The result of checking one record against the register, best candidate first."""

    record_id: str
    model_version: str
    candidates: tuple[CandidateMatch, ...]
    candidates_considered: int
    issues: tuple[str, ...] = field(default=())

    @property
    def flagged(self) -> tuple[CandidateMatch, ...]:
        return tuple(c for c in self.candidates if c.above_threshold)


class IdentityResolver(Protocol):
    """Finds register records that may belong to the same person as a new record."""

    @property
    def model_version(self) -> str: ...

    @property
    def model(self) -> IdentityModel | None:
        """The model checks are scored with (its calibration says how flags' probabilities were worked out); None
        where no model runs."""
        ...

    def add(self, records: Sequence[IdentityRecord]) -> list[RejectedRecord]:
        """Add records to the register searched by later checks; returns those refused, with reasons."""
        ...

    def remove(self, record_ids: Sequence[str]) -> None:
        """Take records out of the register (anonymised under retention): no later check returns them, nor counts
        them in term frequencies. Ids not in the register are ignored; an id added again later is a new record."""
        ...

    def check(self, record: IdentityRecord) -> IdentityCheck:
        """Candidates for ``record`` in the register, ranked; the record itself is not added."""
        ...

    def check_all(self, records: Sequence[IdentityRecord]) -> list[IdentityCheck]:
        """``check`` for each record, against the register only (not against each other), in their order."""
        ...


class NullIdentityResolver:
    """Finds nothing. For local runs and tests that do not exercise identity resolution."""

    model_version = "none"
    model = None

    def add(self, records: Sequence[IdentityRecord]) -> list[RejectedRecord]:
        del records
        return []

    def remove(self, record_ids: Sequence[str]) -> None:
        del record_ids

    def check(self, record: IdentityRecord) -> IdentityCheck:
        return IdentityCheck(
            record_id=record.record_id, model_version=self.model_version, candidates=(), candidates_considered=0
        )

    def check_all(self, records: Sequence[IdentityRecord]) -> list[IdentityCheck]:
        return [self.check(record) for record in records]


class DeferredIdentityResolver:
    """A resolver built on first use: loading Splink and compiling the scorer takes more than a second, which
    commands that never check anyone (a ledger, a deadline board) should not pay."""

    def __init__(self, build: Callable[[], IdentityResolver]) -> None:
        self._build = build
        self._built: IdentityResolver | None = None

    def _resolver(self) -> IdentityResolver:
        if self._built is None:
            self._built = self._build()
        return self._built

    @property
    def model_version(self) -> str:
        return self._resolver().model_version

    @property
    def model(self) -> IdentityModel | None:
        return self._resolver().model

    def add(self, records: Sequence[IdentityRecord]) -> list[RejectedRecord]:
        return self._resolver().add(records)

    def remove(self, record_ids: Sequence[str]) -> None:
        # A resolver not built yet holds nothing to remove: building it here would load Splink for nothing.
        if self._built is not None:
            self._built.remove(record_ids)

    def check(self, record: IdentityRecord) -> IdentityCheck:
        return self._resolver().check(record)

    def check_all(self, records: Sequence[IdentityRecord]) -> list[IdentityCheck]:
        return self._resolver().check_all(records)
