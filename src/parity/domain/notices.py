"""The scheme clock: dates in force, and notices of suspension or termination given by either party (rule 24).

A notice takes effect when its notice period ends (one week for a suspension, one month for a termination in the
UK-France scheme), at the end of that day in the scheme's zone. Until then the scheme runs, but the imbalance must be
resolved within the notice period, so admissions may no longer run ahead of returns: the tolerance drops to zero.
Once a notice takes effect no new work starts: no new cases, readmission requests, transfers, invitations or entry
clearances. A suspension ends when a resumption is recorded; a termination is final. Nothing here is stored: the
state at any instant is derived from the notices.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from parity.domain.clocks import ClockRules
from parity.domain.errors import InvalidCommand, SchemeClosed
from parity.domain.messages import Message
from parity.scheme.model import ParityRule, Scheme


class NoticeKind(StrEnum):
    SUSPENSION = "suspension"
    TERMINATION = "termination"
    RESUMPTION = "resumption"


class OperatingState(StrEnum):
    OPERATING = "operating"
    NOTICE_PERIOD = "notice_period"  # a suspension or termination has been notified and is not yet in effect
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


# Actions that start new work; each is refused once a suspension or termination is in effect.
NEW_WORK = frozenset({"send_request", "complete_transfer", "invite", "issue_entry_clearance"})


@dataclass(frozen=True)
class SchemeNotice:
    id: str
    scheme_id: str
    kind: NoticeKind
    given_by: str  # the party's country code
    given_at: datetime
    reason: str
    actor: str
    scheme_version: str

    def effective_at(self, scheme: Scheme) -> datetime:
        """When the notice takes effect: the end of its notice period; a resumption takes effect when given."""
        if self.kind is NoticeKind.RESUMPTION:
            return self.given_at
        in_force = scheme.in_force
        notice = in_force.suspension_notice if self.kind is NoticeKind.SUSPENSION else in_force.termination_notice
        return ClockRules(scheme.timezone, scheme.calendars).deadline(self.given_at, notice)


@dataclass(frozen=True)
class SchemeStatus:
    state: OperatingState
    pending: SchemeNotice | None  # the notice whose period is running, in NOTICE_PERIOD
    effective_at: datetime | None  # when the pending notice takes effect, or when the one in effect took effect


@dataclass(frozen=True)
class SchemeTimeline:
    scheme: Scheme
    notices: tuple[SchemeNotice, ...] = ()

    def status(self, at: datetime) -> SchemeStatus:
        status = SchemeStatus(OperatingState.OPERATING, None, None)
        for notice in sorted(self.notices, key=lambda n: n.given_at):
            if notice.given_at > at:
                break
            effective = notice.effective_at(self.scheme)
            if notice.kind is NoticeKind.RESUMPTION:
                status = SchemeStatus(OperatingState.OPERATING, None, effective)
            elif effective > at:
                status = SchemeStatus(OperatingState.NOTICE_PERIOD, notice, effective)
            else:
                state = OperatingState.SUSPENDED if notice.kind is NoticeKind.SUSPENSION else OperatingState.TERMINATED
                status = SchemeStatus(state, None, effective)
        return status

    def closed_reason(self, day: date, at: datetime) -> Message | None:
        """Why no new case may open for an arrival on `day`, screened at `at`; None when one may."""
        if not self.scheme.is_open_on(day):
            return Message("arrived on %(day)s, outside the scheme's period in force (rule 24)", day=day)
        status = self.status(at)
        if status.state in {OperatingState.SUSPENDED, OperatingState.TERMINATED}:
            return _closed_since(status)
        return None

    def check_new_work(self, action: str, at: datetime) -> None:
        status = self.status(at)
        if action in NEW_WORK and status.state in {OperatingState.SUSPENDED, OperatingState.TERMINATED}:
            raise SchemeClosed(
                Message("'%(action)s' is refused: %(closed)s", action=action, closed=_closed_since(status))
            )

    def parity_rule(self, at: datetime) -> ParityRule:
        """The parity rule in force: during a notice period the imbalance must be resolved, so no tolerance."""
        rule = self.scheme.parity
        if self.status(at).state is OperatingState.NOTICE_PERIOD:
            return rule.model_copy(update={"tolerance": 0})
        return rule

    def check_can_give(self, kind: NoticeKind, at: datetime) -> None:
        state = self.status(at).state
        if state is OperatingState.TERMINATED:
            raise InvalidCommand(Message("the scheme is terminated: no further notice can be given"))
        if kind is NoticeKind.RESUMPTION:
            pending = self.status(at).pending
            if state is not OperatingState.SUSPENDED and not (pending and pending.kind is NoticeKind.SUSPENSION):
                raise InvalidCommand(Message("only a suspended scheme, or one under notice of suspension, can resume"))
            return
        pending = self.status(at).pending
        if pending is not None and pending.kind is kind:
            raise InvalidCommand(
                Message("a notice of suspension is already running until its period ends")
                if kind is NoticeKind.SUSPENSION
                else Message("a notice of termination is already running until its period ends")
            )
        if state is OperatingState.SUSPENDED and kind is NoticeKind.SUSPENSION:
            raise InvalidCommand(Message("the scheme is already suspended"))


def _closed_since(status: SchemeStatus) -> Message:
    since = status.effective_at
    assert since is not None  # noqa: S101 (a suspension or termination in effect took effect at some instant)
    if status.state is OperatingState.SUSPENDED:
        return Message("the scheme is suspended since %(since)s (rule 24)", since=since)
    return Message("the scheme is terminated since %(since)s (rule 24)", since=since)
