"""What the scheme's clock decides: when a binding deadline passes and the awaited event has not happened, the case
moves on by itself. A readmission request is no longer possible after 14 days (rule 5); France's silence past its
reply date is escalated, never taken as acceptance (rule 6); an applicant who did not confirm their location in time
lapses (rule 13); an entry clearance unused after 3 months expires and gives its places back (rule 19).

Each lapse is an ordinary action of the case's lifecycle, so its guard still checks that the deadline has passed;
this table says only which action follows which deadline, from which statuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from parity.domain.clocks import Deadline
from parity.domain.decisions import TRANSITIONS, CaseType


@dataclass(frozen=True)
class Lapse:
    case_type: CaseType
    action: str
    deadline: str

    @property
    def statuses(self) -> frozenset[str]:
        """The statuses the lapse moves a case on from: its action's sources in the lifecycle."""
        return frozenset(TRANSITIONS[self.case_type].transitions[self.action].sources)

    def due(self, deadlines: list[Deadline], now: datetime) -> Deadline | None:
        """The deadline that has passed with nothing done, if it has."""
        found = next((d for d in deadlines if d.name == self.deadline), None)
        return found if found is not None and found.done_at is None and found.due_at <= now else None


LAPSES = (
    Lapse(CaseType.RETURN, "expire_request_deadline", "request"),
    Lapse(CaseType.RETURN, "escalate_overdue_reply", "reply"),
    Lapse(CaseType.ADMISSION, "lapse_location", "location_confirmation"),
    Lapse(CaseType.ADMISSION, "expire_entry_clearance", "entry_clearance_expiry"),
)
