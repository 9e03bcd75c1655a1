"""The scheme clock: dates in force, and notices of suspension or termination given by either party (rule 24).

A notice takes effect when its notice period ends (one week for a suspension, one month for a termination in the
UK-France scheme), at the end of that day in the scheme's zone. Until then the scheme runs, but the imbalance must be
resolved within the notice period, so admissions may no longer run ahead of returns: the tolerance drops to zero.
Once a notice takes effect no new work starts: no new cases, readmission requests, transfer bookings, invitations or
entry clearances; a transfer booked before can still be recorded as completed, so every return is counted. A
suspension ends when a resumption is recorded; a termination is final. The two are derived apart: a termination
given while suspended leaves the scheme suspended until a resumption (or until the termination takes effect), and a
suspension given while a termination runs does not stop the termination taking effect. Nothing here is stored: the
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


# Actions that start new work; each is refused once a suspension or termination is in effect. Booking a transfer
# is new work; recording one already booked as completed is not (the person may have been flown before the notice
# took effect, and the ledger must count that return).
NEW_WORK = frozenset({"send_request", "schedule_transfer", "invite", "issue_entry_clearance"})


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
    # In NOTICE_PERIOD, the notice reported as running. When a suspension and a termination both run, it is the
    # termination: the weightier notice, final once in effect (the suspension stays in `running`). None otherwise.
    pending: SchemeNotice | None
    # In NOTICE_PERIOD, when `pending` takes effect; in SUSPENDED or TERMINATED, when that state began; in OPERATING,
    # when the scheme last resumed (None if it never did).
    effective_at: datetime | None
    # Every suspension or termination given and not yet in effect nor withdrawn by a resumption, in the order given.
    # A termination given while the scheme is suspended is here too, though the state stays SUSPENDED.
    running: tuple[SchemeNotice, ...] = ()


@dataclass(frozen=True)
class SchemeTimeline:
    scheme: Scheme
    notices: tuple[SchemeNotice, ...] = ()

    def status(self, at: datetime) -> SchemeStatus:
        """The state at `at`. Termination and suspension are derived apart, so no later notice can undo an earlier
        one: TERMINATED once any termination has taken effect (final, whatever follows); otherwise SUSPENDED while
        a suspension that took effect has not been followed by a resumption (a termination given meanwhile does not
        lift it); otherwise NOTICE_PERIOD while a suspension or termination is running; otherwise OPERATING. A
        resumption withdraws every suspension given before it, in effect or still running, and no termination."""
        ordered = sorted((n for n in self.notices if n.given_at <= at), key=lambda n: n.given_at)
        given = [(n, n.effective_at(self.scheme)) for n in ordered]
        terminations = [(n, effective) for n, effective in given if n.kind is NoticeKind.TERMINATION]
        took_effect = [effective for _, effective in terminations if effective <= at]
        if took_effect:
            return SchemeStatus(OperatingState.TERMINATED, None, min(took_effect))
        suspensions: list[tuple[SchemeNotice, datetime]] = []  # those no later resumption has withdrawn
        resumed: datetime | None = None
        for notice, effective in given:
            if notice.kind is NoticeKind.RESUMPTION:
                suspensions.clear()
                resumed = notice.given_at
            elif notice.kind is NoticeKind.SUSPENSION:
                suspensions.append((notice, effective))
        suspended = [effective for _, effective in suspensions if effective <= at]
        running = sorted(
            ((n, effective) for n, effective in [*terminations, *suspensions] if effective > at),
            key=lambda pair: pair[0].given_at,
        )
        notices_running = tuple(n for n, _ in running)
        if suspended:
            return SchemeStatus(OperatingState.SUSPENDED, None, min(suspended), notices_running)
        if running:
            pending, effective = next(((n, e) for n, e in running if n.kind is NoticeKind.TERMINATION), running[0])
            return SchemeStatus(OperatingState.NOTICE_PERIOD, pending, effective, notices_running)
        return SchemeStatus(OperatingState.OPERATING, None, resumed)

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
        """The parity rule in force: while a notice period runs the imbalance must be resolved, so no tolerance.
        That holds in NOTICE_PERIOD and also while a suspended scheme is under notice of termination."""
        rule = self.scheme.parity
        if self.status(at).running:
            return rule.model_copy(update={"tolerance": 0})
        return rule

    def check_can_give(self, kind: NoticeKind, at: datetime) -> None:
        """Refuse a notice that makes no sense now. A resumption is for a suspended scheme or one under notice of
        suspension, and leaves any termination running; a suspension or termination may not be given while one of
        the same kind is running, nor a suspension while suspended; nothing may be given once terminated."""
        status = self.status(at)
        if status.state is OperatingState.TERMINATED:
            raise InvalidCommand(Message("the scheme is terminated: no further notice can be given"))
        running = {notice.kind for notice in status.running}
        if kind is NoticeKind.RESUMPTION:
            if status.state is not OperatingState.SUSPENDED and NoticeKind.SUSPENSION not in running:
                raise InvalidCommand(Message("only a suspended scheme, or one under notice of suspension, can resume"))
            return
        if kind in running:
            raise InvalidCommand(
                Message("a notice of suspension is already running until its period ends")
                if kind is NoticeKind.SUSPENSION
                else Message("a notice of termination is already running until its period ends")
            )
        if status.state is OperatingState.SUSPENDED and kind is NoticeKind.SUSPENSION:
            raise InvalidCommand(Message("the scheme is already suspended"))


def _closed_since(status: SchemeStatus) -> Message:
    since = status.effective_at
    assert since is not None  # noqa: S101 (a suspension or termination in effect took effect at some instant)
    if status.state is OperatingState.SUSPENDED:
        return Message("the scheme is suspended since %(since)s (rule 24)", since=since)
    return Message("the scheme is terminated since %(since)s (rule 24)", since=since)
