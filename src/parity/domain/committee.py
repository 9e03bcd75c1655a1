"""The Joint Committee's weekly figures (treaty Art. 17; brief §10 rules 21 and 26) and their sign-off.

A week's figures are read from the record, so they change when a late event is recorded for that week (a court
order entered a day late, a refusal recorded after the meeting). Once the committee has agreed a week, that week is
signed off: the figures as they stood are kept, and any later difference is shown beside them as a correction,
never written over them. That is what an inspector reads: what the committee was told, and what changed after.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from parity.domain.decisions import CaseType


@dataclass(frozen=True)
class DeadlineTally:
    case_type: CaseType
    deadline: str
    binding: bool
    met: int
    missed: int


@dataclass(frozen=True)
class RefusalCount:
    case_type: CaseType
    reason: str
    cases: int


@dataclass(frozen=True)
class LegalBlockCount:
    kind: str
    new: int
    in_force: int


# The headline figures, in the order the report shows them.
SUMMARY_FIGURES = (
    "returned",
    "admitted",
    "clearances_issued",
    "clearances_released",
    "cumulative_returned",
    "cumulative_admitted",
    "balance",
    "tolerance",
    "weekly_level",
)


@dataclass(frozen=True)
class CommitteeReport:
    scheme_id: str
    week_start: date
    last_day: date
    returned: int
    admitted: int
    clearances_issued: int
    clearances_released: int
    cumulative_returned: int
    cumulative_admitted: int
    balance: float
    tolerance: int
    weekly_level: int
    deadlines: list[DeadlineTally]
    refusals: list[RefusalCount]
    legal_blocks: list[LegalBlockCount]

    def figures(self) -> dict[Figure, float]:
        """Every number in the report, each under a key that says where it stands (section, row, column)."""
        figures: dict[Figure, float] = {Figure("summary", (), name): getattr(self, name) for name in SUMMARY_FIGURES}
        for tally in self.deadlines:
            row = (tally.case_type.value, tally.deadline, "binding" if tally.binding else "target")
            figures[Figure("deadlines", row, "met")] = tally.met
            figures[Figure("deadlines", row, "missed")] = tally.missed
        for refusal in self.refusals:
            figures[Figure("refusals", (refusal.case_type.value, refusal.reason), "cases")] = refusal.cases
        for block in self.legal_blocks:
            figures[Figure("legal_blocks", (block.kind,), "new")] = block.new
            figures[Figure("legal_blocks", (block.kind,), "in_force")] = block.in_force
        return figures

    def fingerprint(self) -> str:
        """A short digest of the figures: a sign-off names the figures its signer read, so that a change between
        reading and signing is caught rather than signed unseen."""
        ordered = sorted((list(figure), value) for figure, value in self.figures().items())
        return hashlib.sha256(json.dumps(ordered).encode()).hexdigest()[:16]

    def to_record(self) -> dict[str, Any]:
        """Plain JSON values, as stored with a sign-off."""
        record = asdict(self)
        record["week_start"] = self.week_start.isoformat()
        record["last_day"] = self.last_day.isoformat()
        return record

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> CommitteeReport:
        fields = dict(record)
        return cls(
            **fields
            | {
                "week_start": date.fromisoformat(fields["week_start"]),
                "last_day": date.fromisoformat(fields["last_day"]),
                "deadlines": [
                    DeadlineTally(**t | {"case_type": CaseType(t["case_type"])}) for t in fields["deadlines"]
                ],
                "refusals": [RefusalCount(**r | {"case_type": CaseType(r["case_type"])}) for r in fields["refusals"]],
                "legal_blocks": [LegalBlockCount(**b) for b in fields["legal_blocks"]],
            }
        )


class Figure(NamedTuple):
    section: str  # summary, deadlines, refusals or legal_blocks
    row: tuple[str, ...]  # the codes that name the row: (case type, deadline, binding or target), (case type,
    # reason) or (legal block kind); empty in the summary
    column: str  # a summary figure's name, or met, missed, cases, new, in_force


@dataclass(frozen=True)
class Correction:
    """A figure that differs now from what was signed off: a late record changed the week."""

    figure: Figure
    signed: float
    now: float


def corrections(signed: CommitteeReport, now: CommitteeReport) -> list[Correction]:
    """The figures that changed since sign-off; a row that appeared or vanished counts as zero on its other side."""
    before, after = signed.figures(), now.figures()
    return [
        Correction(figure, before.get(figure, 0), after.get(figure, 0))
        for figure in sorted(before.keys() | after.keys())
        if before.get(figure, 0) != after.get(figure, 0)
    ]


@dataclass(frozen=True)
class SignOff:
    """The committee's agreement to one week's figures: kept as they stood when signed, never changed."""

    scheme_id: str
    week_start: date
    signed_at: datetime
    signed_by: str  # the signer's user name, shown on the report
    actor: str  # the signer's user id, as in the audit log
    scheme_version: str
    report: CommitteeReport
