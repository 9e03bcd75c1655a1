"""How long personal data is kept: the scheme's `[data] retention` period, counted from the day a case closed.

When it has passed, the people of the case are anonymised, not deleted: their names, dates of birth, documents,
biometric references and transit evidence are cleared (with the blind indexes that could find them and their entry
in the identity index), while the case, its status, its dates and its action history stay, because the parity
ledger, the weekly statistics and the audit trail are built from them and must add up the same afterwards.
Nationality, sex, age status and family group stay too: statistics are broken down by them, and on their own they
identify no one. Action payloads stay, with their coded values (a refusal reason from the scheme's list, a legal
event's kind and dates, an exclusion): statistics count them. Their free text (a release reason, the evidence of a
legal event, an identity decision's reason, the reason a selection round was amended: typed by a person, it
often names people) is replaced by a fixed text rather than removed, so every field a rule or a view reads is still
there, as text, and plainly no one's words.
"""

from __future__ import annotations

from datetime import datetime

from parity.domain.clocks import ClockRules
from parity.scheme.model import Scheme


def retention_ends(scheme: Scheme, closed_at: datetime) -> datetime:
    """The instant the personal data of a case closed at `closed_at` is due for anonymisation under `scheme`."""
    return ClockRules(scheme.timezone, scheme.calendars).deadline(closed_at, scheme.data.retention)
