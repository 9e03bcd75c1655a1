"""Return cases: one person who arrived by small boat, from detection to return to the readmitting state.

The rules are the brief's §10 rules 1-12: the readmission request deadline (Art. 8), the reply deadline and its
exceptional extension, the three-month aim, and the preconditions re-checked at the moment of transfer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from parity.domain.clocks import ClockRules, Deadline, Pause
from parity.domain.errors import DeadlinePassed, InvalidCommand, TooEarly, TransferBlocked
from parity.domain.identity_links import (
    DECIDE_IDENTITY_MATCH,
    IDENTITY_DECISION_FIELDS,
    LINK_EVIDENCE,
    check_identity_decision,
)
from parity.domain.lifecycle import Action, Taker, Transition, TransitionTable, check_next_action, last_action
from parity.domain.messages import KEPT_SUFFIX, Message
from parity.domain.payloads import optional_amount, optional_date, required_date, required_datetime, required_text
from parity.scheme.model import Duration, ReturnGround, Scheme, TransferPrecondition


class ReturnStatus(StrEnum):
    NEW = "new"
    DETECTED = "detected"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    DETAINED = "detained"
    REQUEST_SENT = "request_sent"
    REPLY_OVERDUE = "reply_overdue"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    TRANSFER_SCHEDULED = "transfer_scheduled"
    RETURNED = "returned"
    RELEASED = "released_to_asylum_route"
    ABSCONDED = "absconded"
    DEADLINE_EXPIRED = "deadline_expired"


R = ReturnStatus
# Rule 12: the UK bears the transport cost; each person's share (seat or charter share, escorts) in pounds is
# recorded when the transfer is scheduled, so costs per flight and per person can be reported.
TRANSPORT_COST = "transport_cost_gbp"
CLOSED = frozenset({R.INELIGIBLE, R.REFUSED, R.RETURNED, R.RELEASED, R.ABSCONDED, R.DEADLINE_EXPIRED})
IN_PROCESS = frozenset({R.ELIGIBLE, R.DETAINED, R.REQUEST_SENT, R.REPLY_OVERDUE, R.ACCEPTED, R.TRANSFER_SCHEDULED})
OPEN = frozenset({R.DETECTED}) | IN_PROCESS
# A readmission request the readmitting state has yet to answer, within its reply period or past it.
AWAITING_ANSWER = frozenset({R.REQUEST_SENT, R.REPLY_OVERDUE})

# The readmitting state's answers to a request (the liaison's words) and the action each records on the case.
READMISSION_ANSWERS = {"accept": "accept", "refuse": "refuse", "extend": "extend_reply"}

RETURN_TRANSITIONS: TransitionTable[ReturnStatus] = TransitionTable(
    R.NEW,
    [
        Transition("detect", frozenset({R.NEW}), R.DETECTED, Taker.SCREENING, fields=frozenset({"boat_ref"})),
        Transition("screen_eligible", frozenset({R.DETECTED}), R.ELIGIBLE, Taker.SCREENING),
        Transition(
            "screen_ineligible",
            frozenset({R.DETECTED}),
            R.INELIGIBLE,
            Taker.SCREENING,
            fields=frozenset({"reasons", "reasons" + KEPT_SUFFIX}),
        ),
        Transition("detain", frozenset({R.ELIGIBLE}), R.DETAINED),
        Transition(
            "send_request",
            frozenset({R.DETAINED}),
            R.REQUEST_SENT,
            fields=frozenset({"returns_ahead_of_admissions_by"}),
        ),
        Transition(
            "extend_reply",
            AWAITING_ANSWER,
            R.REQUEST_SENT,
            Taker.READMITTING_STATE,
            fields=frozenset({"reason"}),
        ),
        Transition("escalate_overdue_reply", frozenset({R.REQUEST_SENT}), R.REPLY_OVERDUE),
        Transition("accept", AWAITING_ANSWER, R.ACCEPTED, Taker.READMITTING_STATE),
        # A refusal releases the person into the ordinary UK asylum route (brief §10 rule 10).
        Transition(
            "refuse",
            AWAITING_ANSWER,
            R.REFUSED,
            Taker.READMITTING_STATE,
            fields=frozenset({"reason"}),
        ),
        Transition(
            "schedule_transfer",
            frozenset({R.ACCEPTED}),
            R.TRANSFER_SCHEDULED,
            Taker.TWO_OFFICERS,
            fields=frozenset({"departs_at", "flight_ref", TRANSPORT_COST}),
        ),
        Transition("cancel_transfer", frozenset({R.TRANSFER_SCHEDULED}), R.ACCEPTED, fields=frozenset({"reason"})),
        Transition("complete_transfer", frozenset({R.TRANSFER_SCHEDULED}), R.RETURNED),
        Transition("release_to_asylum_route", IN_PROCESS, R.RELEASED, fields=frozenset({"reason"})),
        Transition("record_absconded", IN_PROCESS, R.ABSCONDED),
        Transition("expire_request_deadline", frozenset({R.ELIGIBLE, R.DETAINED}), R.DEADLINE_EXPIRED),
        Transition(
            "record_legal_event",
            OPEN,
            None,
            fields=frozenset({"kind", "state", "decided_on", "evidence", "reference", "until"}),
        ),
        Transition("flag_recrossing", OPEN, None, fields=frozenset({"previous_case_id", "evidence", *LINK_EVIDENCE})),
        Transition(
            DECIDE_IDENTITY_MATCH, OPEN, None, Taker.IDENTITY_REVIEW, fields=frozenset({*IDENTITY_DECISION_FIELDS})
        ),
    ],
)


@dataclass(frozen=True)
class BlockerRules:
    """The states a precondition can be in, and which of them forbid a transfer (brief §10 rules 8-9)."""

    blocking: frozenset[str]
    clearing: frozenset[str]


BLOCKER_RULES: dict[TransferPrecondition, BlockerRules] = {
    TransferPrecondition.PROTECTION_CLAIM: BlockerRules(
        blocking=frozenset({"lodged", "granted"}), clearing=frozenset({"withdrawn", "declared_inadmissible"})
    ),
    TransferPrecondition.HUMAN_RIGHTS_CLAIM: BlockerRules(
        blocking=frozenset({"outstanding"}), clearing=frozenset({"finally_determined", "withdrawn"})
    ),
    TransferPrecondition.SUSPENSIVE_APPEAL: BlockerRules(
        blocking=frozenset({"pending"}), clearing=frozenset({"dismissed", "withdrawn"})
    ),
    TransferPrecondition.INJUNCTION: BlockerRules(
        blocking=frozenset({"in_force"}), clearing=frozenset({"discharged", "refused"})
    ),
    TransferPrecondition.NRM: BlockerRules(
        blocking=frozenset(
            {"referred", "positive_reasonable_grounds", "positive_conclusive_grounds", "reconsideration_requested"}
        ),
        clearing=frozenset({"negative_reasonable_grounds", "negative_conclusive_grounds"}),
    ),
}


@dataclass(frozen=True)
class LegalEvent:
    """A claim, appeal, court order or NRM decision recorded on a case, with its evidence and dates."""

    kind: TransferPrecondition
    state: str
    decided_on: date
    evidence: str
    recorded_at: datetime
    reference: str | None = None

    @property
    def blocks(self) -> bool:
        return self.state in BLOCKER_RULES[self.kind].blocking


CLAIMED_ON_ARRIVAL = "protection claimed on arrival (treaty Art. 3(a)), recorded at screening"


def claim_made_on_arrival(grounds: frozenset[ReturnGround], arrived_on: date, scheme: Scheme) -> dict[str, str] | None:
    """The legal event of a person in scope because they claimed protection on arrival: the claim is lodged from
    that day, so the transfer waits until it is withdrawn or declared inadmissible (treaty Art. 4(1)(d), rule 8).
    None when they did not claim, or when the scheme does not make a claim a bar to transfer."""
    if ReturnGround.PROTECTION_CLAIM not in grounds:
        return None
    if TransferPrecondition.PROTECTION_CLAIM not in scheme.returns.transfer_preconditions:
        return None
    return {
        "kind": TransferPrecondition.PROTECTION_CLAIM.value,
        "state": "lodged",
        "decided_on": arrived_on.isoformat(),
        "evidence": CLAIMED_ON_ARRIVAL,
    }


@dataclass
class ReturnCase:
    id: str
    person_id: str
    arrival_id: str
    arrived_at: datetime
    nationality: str
    family_group: str | None = None
    actions: list[Action] = field(default_factory=list)
    version: int = 0

    @property
    def status(self) -> ReturnStatus:
        return RETURN_TRANSITIONS.replay(self.actions)

    def record(self, action: Action, scheme: Scheme) -> None:
        """Append an action if the table allows it now and the scheme's rules hold; raise otherwise."""
        check_next_action(RETURN_TRANSITIONS, self.actions, action)
        guard = _GUARDS.get(action.kind)
        if guard is not None:
            guard(self, action, scheme)
        self.actions.append(action)

    def last(self, kind: str) -> Action | None:
        return last_action(self.actions, kind)

    @property
    def transport(self) -> tuple[str, Decimal | None] | None:
        """The flight and transport cost of the transfer that returned this person; None until returned."""
        if self.status is not ReturnStatus.RETURNED:
            return None
        scheduled = self.last("schedule_transfer")
        if scheduled is None:
            return None
        return required_text(scheduled.payload, "flight_ref"), optional_amount(scheduled.payload, TRANSPORT_COST)

    @property
    def scheduled_departure(self) -> datetime | None:
        """When the transfer booked last departs; None if none was booked."""
        scheduled = self.last("schedule_transfer")
        return required_datetime(scheduled.payload, "departs_at") if scheduled else None

    @property
    def expedited_return(self) -> bool:
        """A previous returnee crossing again is to be returned with priority (brief §10 rule 11)."""
        return self.last("flag_recrossing") is not None

    def legal_events(self) -> list[LegalEvent]:
        return [
            LegalEvent(
                kind=TransferPrecondition(a.payload["kind"]),
                state=a.payload["state"],
                decided_on=required_date(a.payload, "decided_on"),
                evidence=a.payload["evidence"],
                recorded_at=a.at,
                reference=a.payload.get("reference"),
            )
            for a in self.actions
            if a.kind == "record_legal_event"
        ]

    def blockers(self, on: date) -> list[LegalEvent]:
        """The preconditions that forbid a transfer on a day: for each kind, its latest state as of that day."""
        latest: dict[TransferPrecondition, LegalEvent] = {}
        for event in sorted(self.legal_events(), key=lambda e: (e.decided_on, e.recorded_at)):
            if event.decided_on <= on:
                latest[event.kind] = event
        return [event for event in latest.values() if event.blocks]

    def injunction_pauses(self) -> list[Pause]:
        """Periods under an injunction stop the three-month aim: the court, not the administration, holds the case."""
        pauses: list[Pause] = []
        started: date | None = None
        events = [e for e in self.legal_events() if e.kind is TransferPrecondition.INJUNCTION]
        for event in sorted(events, key=lambda e: (e.decided_on, e.recorded_at)):
            if event.blocks and started is None:
                started = event.decided_on
            elif not event.blocks and started is not None:
                pauses.append(Pause(started, event.decided_on))
                started = None
        if started is not None:
            pauses.append(Pause(started))
        return pauses

    def deadlines(self, scheme: Scheme) -> list[Deadline]:
        """Every clock on this case, recomputed from its history and the scheme (never stored)."""
        clock = ClockRules(scheme.timezone, scheme.calendars)
        rules = scheme.returns.deadlines
        found: list[Deadline] = []
        sent = self.last("send_request")
        if rules.request is not None:
            found.append(_deadline(clock, "request", self.arrived_at, rules.request, sent))
        if rules.request_target is not None:
            found.append(_deadline(clock, "request_target", self.arrived_at, rules.request_target, sent, binding=False))
        if sent is not None and rules.reply is not None:
            extended = self.last("extend_reply") is not None and rules.reply_extended is not None
            reply_rule = rules.reply_extended if extended and rules.reply_extended else rules.reply
            answered = next((a for a in reversed(self.actions) if a.kind in {"accept", "refuse"}), None)
            found.append(_deadline(clock, "reply", sent.at, reply_rule, answered))
        if rules.transfer_aim is not None:
            pauses = self.injunction_pauses()
            due = clock.deadline(self.arrived_at, rules.transfer_aim, pauses)
            alert = clock.earlier(due, rules.transfer_alert_before) if rules.transfer_alert_before else None
            done_at = done.at if (done := self.last("complete_transfer")) else None
            paused_since = next((p.first_day for p in pauses if p.last_day is None), None)
            found.append(Deadline("transfer_aim", due, alert, done_at, binding=False, paused_since=paused_since))
        return found

    def deadline(self, scheme: Scheme, name: str) -> Deadline | None:
        return next((d for d in self.deadlines(scheme) if d.name == name), None)


def _deadline(
    clock: ClockRules, name: str, start: datetime, rule: Duration, done: Action | None, *, binding: bool = True
) -> Deadline:
    return Deadline(name, clock.deadline(start, rule), done_at=done.at if done else None, binding=binding)


def _check_request_in_time(case: ReturnCase, action: Action, scheme: Scheme) -> None:
    due = case.deadline(scheme, "request")
    if due is not None and action.at >= due.due_at:
        raise DeadlinePassed(
            Message(
                "the readmission request had to be sent before %(due)s (arrival + %(days)s days, treaty Art. 8); "
                "it can no longer be sent",
                due=due.due_at,
                days=scheme.returns.deadlines.request.amount if scheme.returns.deadlines.request else 0,
            )
        )


def _check_reply_overdue(case: ReturnCase, action: Action, scheme: Scheme) -> None:
    due = case.deadline(scheme, "reply")
    if due is None or action.at < due.due_at:
        raise TooEarly(
            Message("the reply is not overdue until %(due)s", due=due.due_at)
            if due
            else Message("the reply is not overdue until a request is sent")
        )


def _check_extension(case: ReturnCase, action: Action, scheme: Scheme) -> None:
    if scheme.returns.deadlines.reply_extended is None:
        raise InvalidCommand(Message("scheme %(scheme)s has no extended reply period", scheme=scheme.id))
    if case.last("extend_reply") is not None:
        raise InvalidCommand(Message("the reply period has already been extended once"))
    required_text(action.payload, "reason")


def _check_refusal(case: ReturnCase, action: Action, scheme: Scheme) -> None:  # noqa: ARG001 (guard signature)
    reason = required_text(action.payload, "reason")
    if reason not in scheme.returns.refusal_reasons:
        allowed = ", ".join(scheme.returns.refusal_reasons)
        # The text sent is not repeated: a reason typed instead of chosen may name the person.
        raise InvalidCommand(
            Message("the refusal reason must be one of the scheme's reasons (%(allowed)s)", allowed=allowed)
        )


def _check_no_blockers(case: ReturnCase, action: Action, scheme: Scheme) -> None:
    day = ClockRules(scheme.timezone, scheme.calendars).local_date(action.at)
    blockers = [b for b in case.blockers(day) if b.kind in scheme.returns.transfer_preconditions]
    if blockers:
        listed = tuple(
            Message(
                "%(kind)s %(state)s since %(since)s (evidence: %(evidence)s)",
                kind=b.kind.value,
                state=b.state,
                since=b.decided_on,
                evidence=b.evidence,
            )
            for b in blockers
        )
        raise TransferBlocked(Message("transfer not allowed on %(day)s: %(blockers)s", day=day, blockers=listed))


def _check_schedule(case: ReturnCase, action: Action, scheme: Scheme) -> None:
    departs_at = required_datetime(action.payload, "departs_at")
    required_text(action.payload, "flight_ref")
    optional_amount(action.payload, TRANSPORT_COST)
    if departs_at <= action.at:
        raise InvalidCommand(Message("departs_at must be after the time the transfer is scheduled"))
    _check_no_blockers(case, action, scheme)


def _check_completion(case: ReturnCase, action: Action, scheme: Scheme) -> None:
    """A person counts as returned once the flight booked has left (Art. 1(3): numbers actually readmitted)."""
    departs_at = case.scheduled_departure
    if departs_at is not None and action.at < departs_at:
        raise TooEarly(
            Message("the transfer departs at %(departs)s: record it once the flight has left", departs=departs_at)
        )
    _check_no_blockers(case, action, scheme)


def _check_request_expired(case: ReturnCase, action: Action, scheme: Scheme) -> None:
    due = case.deadline(scheme, "request")
    if due is None or action.at < due.due_at:
        raise TooEarly(Message("the request deadline has not passed"))


def _check_legal_event(case: ReturnCase, action: Action, scheme: Scheme) -> None:  # noqa: ARG001 (guard signature)
    kind_name = required_text(action.payload, "kind")
    try:
        kind = TransferPrecondition(kind_name)
    except ValueError:
        known = ", ".join(k.value for k in TransferPrecondition)
        raise InvalidCommand(
            Message("kind '%(kind)s' is not a legal event kind (%(known)s)", kind=kind_name, known=known)
        ) from None
    rules = BLOCKER_RULES[kind]
    state = required_text(action.payload, "state")
    if state not in rules.blocking | rules.clearing:
        raise InvalidCommand(
            Message(
                "state '%(state)s' is not a state of %(kind)s (%(known)s)",
                state=state,
                kind=kind.value,
                known=", ".join(sorted(rules.blocking | rules.clearing)),
            )
        )
    decided_on = required_date(action.payload, "decided_on")
    # A court's date is the date where it sits: an order made at 00:30 in UK summer time is dated the day that UTC
    # has not reached yet.
    if decided_on > ClockRules(scheme.timezone, scheme.calendars).local_date(action.at):
        raise InvalidCommand(Message("decided_on %(day)s is in the future", day=decided_on))
    required_text(action.payload, "evidence")
    barred_from = scheme.returns.nrm_reconsideration_barred_from
    if (
        kind is TransferPrecondition.NRM
        and state == "reconsideration_requested"
        and barred_from
        and decided_on >= barred_from
    ):
        raise InvalidCommand(
            Message(
                "a negative NRM decision cannot be reconsidered for a person being removed since %(since)s "
                "(statutory guidance para 14.216, brief §10 rule 9)",
                since=barred_from,
            )
        )
    optional_date(action.payload, "until")


def _check_reason(case: ReturnCase, action: Action, scheme: Scheme) -> None:  # noqa: ARG001 (guard signature)
    required_text(action.payload, "reason")


def _check_recrossing(case: ReturnCase, action: Action, scheme: Scheme) -> None:  # noqa: ARG001 (guard signature)
    required_text(action.payload, "previous_case_id")
    required_text(action.payload, "evidence")


def _check_reasons(case: ReturnCase, action: Action, scheme: Scheme) -> None:  # noqa: ARG001 (guard signature)
    reasons = action.payload.get("reasons")
    if not isinstance(reasons, list) or not reasons or not all(isinstance(r, str) and r for r in reasons):
        raise InvalidCommand(Message("field 'reasons' must list at least one reason"))


Guard = Callable[[ReturnCase, Action, Scheme], None]
_GUARDS: dict[str, Guard] = {
    "send_request": _check_request_in_time,
    "escalate_overdue_reply": _check_reply_overdue,
    "extend_reply": _check_extension,
    "refuse": _check_refusal,
    "schedule_transfer": _check_schedule,
    "complete_transfer": _check_completion,
    "expire_request_deadline": _check_request_expired,
    "record_legal_event": _check_legal_event,
    "release_to_asylum_route": _check_reason,
    "screen_ineligible": _check_reasons,
    "flag_recrossing": _check_recrossing,
    DECIDE_IDENTITY_MATCH: check_identity_decision,
}
