"""Read-side views of cases for the API: paged lists, full case files, the minimised readmission view, aggregates.

Each view carries exactly what its readers may see. The readmission view (treaty Art. 16; brief §10 rule 25) holds
only what the readmitting state needs to answer a request: who the person is, the boat and Art. 3 ground, the
Art. 7 evidence of stay or transit, age status and family unit; never the case history, legal events, claims or
their content.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from parity.domain.admissions import AdmissionStatus
from parity.domain.clocks import Deadline, DeadlineState
from parity.domain.decisions import CaseType, officer_actions
from parity.domain.errors import InvalidCommand
from parity.domain.lifecycle import Action
from parity.domain.messages import Message
from parity.domain.people import IdentityClaim
from parity.domain.returns import ReturnStatus
from parity.services.context import Services
from parity.services.ports import CaseSummary, NotFound, UnitOfWork

AWAITING_ANSWER = frozenset({ReturnStatus.REQUEST_SENT, ReturnStatus.REPLY_OVERDUE})
MAX_PAGE = 200
T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    items: list[CaseSummary]
    next_after: str | None  # pass as `after` for the next page; None on the last page


@dataclass(frozen=True)
class CaseQuery:
    scheme_id: str | None = None
    statuses: frozenset[str] = frozenset()
    deadline_state: DeadlineState | None = None  # only cases with an open clock in this state
    after: str | None = None
    limit: int = 50


@dataclass(frozen=True)
class DeadlineView:
    name: str
    due_at: datetime
    state: DeadlineState
    binding: bool
    done_at: datetime | None


@dataclass(frozen=True)
class ActionView:
    kind: str
    at: datetime
    actor: str
    command_id: str
    scheme_id: str
    scheme_version: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class IdentityView:
    given_names: str
    family_name: str
    date_of_birth: date | None
    nationality: str
    sex: str
    documents: list[dict[str, Any]]
    biometric_ref: str | None


@dataclass(frozen=True)
class ArrivingPersonView:
    person_id: str
    identity: IdentityView
    age_status: str
    grounds: list[str]
    departed_from: str | None
    transit_evidence: str | None
    family_group: str | None


@dataclass(frozen=True)
class ReturnCaseFile:
    case_id: str
    scheme_id: str
    status: str
    version: int
    arrival_id: str
    boat_ref: str
    arrived_at: datetime
    place: str
    person: ArrivingPersonView
    deadlines: list[DeadlineView]
    actions: list[ActionView]
    allowed_actions: list[str]


@dataclass(frozen=True)
class BlockerView:
    """A claim, appeal, order or referral that forbids the transfer today, with the evidence recorded for it."""

    kind: str
    state: str
    decided_on: date
    evidence: str
    reference: str | None


@dataclass(frozen=True)
class ReadmissionRequestView:
    case_id: str
    scheme_id: str
    status: str
    version: int
    boat_ref: str
    arrived_at: datetime
    place: str
    person: ArrivingPersonView
    request_sent_at: datetime
    reply_due_at: datetime | None
    refusal_reasons: list[str]


@dataclass(frozen=True)
class MemberView:
    member_id: str
    identity: IdentityView
    is_main_applicant: bool
    exclusions: list[str]


@dataclass(frozen=True)
class AdmissionCaseFile:
    case_id: str
    scheme_id: str
    status: str
    version: int
    family_ref: str
    window_id: str
    submitted_at: datetime
    members: list[MemberView]
    deadlines: list[DeadlineView]
    actions: list[ActionView]
    allowed_actions: list[str]


@dataclass(frozen=True)
class CaseCounts:
    scheme_id: str
    returns: dict[str, int]
    admissions: dict[str, int]


def list_return_cases(services: Services, query: CaseQuery) -> Page:
    _check_statuses(query.statuses, {s.value for s in ReturnStatus})
    return _page(
        services,
        query,
        lambda uow, after, limit: uow.case_listing.returns_page(query.scheme_id, query.statuses, after, limit),
        lambda uow, summary: _open_states(
            uow.returns.get(summary.case_id).deadlines(services.scheme(summary.scheme_id)), services.clock.now()
        ),
    )


def list_admission_cases(services: Services, query: CaseQuery) -> Page:
    _check_statuses(query.statuses, {s.value for s in AdmissionStatus})
    return _page(
        services,
        query,
        lambda uow, after, limit: uow.case_listing.admissions_page(query.scheme_id, query.statuses, after, limit),
        lambda uow, summary: _open_states(
            uow.admissions.get(summary.case_id).deadlines(services.scheme(summary.scheme_id)), services.clock.now()
        ),
    )


def list_readmission_requests(services: Services, scheme_id: str | None, after: str | None, limit: int) -> Page:
    """Return cases awaiting the readmitting state's answer: the only cases its liaison officer may see."""
    query = CaseQuery(scheme_id, frozenset(s.value for s in AWAITING_ANSWER), None, after, limit)
    return list_return_cases(services, query)


def return_case_file(services: Services, case_id: str) -> ReturnCaseFile:
    with services.uow() as uow:
        case, scheme_id = uow.returns.get(case_id), uow.returns.scheme_of(case_id)
        arrival = uow.arrivals.get(case.arrival_id)
    scheme = services.scheme(scheme_id)
    person = next(p for p in arrival.people if p.id == case.person_id)
    return ReturnCaseFile(
        case.id,
        scheme_id,
        case.status.value,
        case.version,
        arrival.id,
        arrival.boat_ref,
        arrival.arrived_at,
        arrival.place,
        ArrivingPersonView(
            person.id,
            _identity(person.identity),
            person.age_status.value,
            sorted(g.value for g in person.grounds),
            person.departed_from,
            person.transit_evidence,
            person.family_group,
        ),
        _deadlines(case.deadlines(scheme), services.clock.now()),
        _actions(case.actions),
        officer_actions(CaseType.RETURN, case.status),
    )


def transfer_blockers(services: Services, case_id: str) -> list[BlockerView]:
    """What stops the transfer of a return case today (brief §10 rules 8-9), from its recorded legal events."""
    with services.uow() as uow:
        case, scheme_id = uow.returns.get(case_id), uow.returns.scheme_of(case_id)
    today = services.clock.now().astimezone(ZoneInfo(services.scheme(scheme_id).timezone)).date()
    return [BlockerView(e.kind.value, e.state, e.decided_on, e.evidence, e.reference) for e in case.blockers(on=today)]


def readmission_request(services: Services, case_id: str) -> ReadmissionRequestView:
    """The minimised view of one request; NotFound for any case that is not awaiting an answer."""
    full = return_case_file(services, case_id)
    if full.status not in AWAITING_ANSWER:
        raise NotFound(Message("no readmission request awaiting an answer for case %(case)s", case=case_id))
    scheme = services.scheme(full.scheme_id)
    reply = next((d for d in full.deadlines if d.name == "reply"), None)
    sent = next(a for a in reversed(full.actions) if a.kind == "send_request")
    return ReadmissionRequestView(
        full.case_id,
        full.scheme_id,
        full.status,
        full.version,
        full.boat_ref,
        full.arrived_at,
        full.place,
        full.person,
        sent.at,
        reply.due_at if reply else None,
        list(scheme.returns.refusal_reasons),
    )


def admission_case_file(services: Services, case_id: str) -> AdmissionCaseFile:
    with services.uow() as uow:
        case, scheme_id = uow.admissions.get(case_id), uow.admissions.scheme_of(case_id)
    scheme = services.scheme(scheme_id)
    return AdmissionCaseFile(
        case.id,
        scheme_id,
        case.status.value,
        case.version,
        case.family_ref,
        case.window_id,
        case.submitted_at,
        [
            MemberView(m.id, _identity(m.identity), m.is_main_applicant, sorted(e.value for e in m.exclusions))
            for m in case.current_members()
        ],
        _deadlines(case.deadlines(scheme), services.clock.now()),
        _actions(case.actions),
        officer_actions(CaseType.ADMISSION, case.status),
    )


def case_counts(services: Services, scheme_id: str) -> CaseCounts:
    """Aggregates only: how many cases are in each status (for the joint committee and analysts)."""
    services.scheme(scheme_id)
    with services.uow() as uow:
        returns = uow.returns.count_by_status(scheme_id)
        admissions = uow.case_listing.admission_counts(scheme_id)
    return CaseCounts(scheme_id, {s.value: n for s, n in sorted(returns.items())}, dict(sorted(admissions.items())))


def _page(
    services: Services,
    query: CaseQuery,
    fetch: Callable[[UnitOfWork, str | None, int], list[CaseSummary]],
    states: Callable[[UnitOfWork, CaseSummary], set[DeadlineState]],
) -> Page:
    if not 1 <= query.limit <= MAX_PAGE:
        raise InvalidCommand(
            Message("field 'limit' must be from 1 to %(most)s, not %(limit)s", most=MAX_PAGE, limit=query.limit)
        )
    if query.scheme_id is not None:
        services.scheme(query.scheme_id)
    found: list[CaseSummary] = []
    after = query.after
    with services.uow() as uow:
        # One more than asked for tells whether there is a next page. With a deadline filter, pages are read until
        # enough cases match: deadlines are computed from each case's history, never stored.
        while len(found) <= query.limit:
            batch = fetch(uow, after, query.limit + 1)
            found.extend(
                summary
                for summary in batch
                if query.deadline_state is None or query.deadline_state in states(uow, summary)
            )
            if len(batch) <= query.limit:
                break
            after = batch[-1].case_id
    items = found[: query.limit]
    return Page(items, items[-1].case_id if len(found) > query.limit else None)


def _check_statuses(statuses: Collection[str], known: set[str]) -> None:
    unknown = sorted(set(statuses) - known)
    if unknown:
        raise InvalidCommand(
            Message(
                "field 'status': unknown status %(unknown)s (known: %(known)s)",
                unknown=", ".join(unknown),
                known=", ".join(sorted(known)),
            )
        )


def _open_states(deadlines: Sequence[Deadline], now: datetime) -> set[DeadlineState]:
    return {d.state(now) for d in deadlines if d.done_at is None}


def _identity(identity: IdentityClaim) -> IdentityView:
    return IdentityView(
        identity.given_names,
        identity.family_name,
        identity.date_of_birth,
        identity.nationality,
        identity.sex.value,
        [{"kind": d.kind, "number": d.number, "issuing_country": d.issuing_country} for d in identity.documents],
        identity.biometric_ref,
    )


def _deadlines(deadlines: Sequence[Deadline], now: datetime) -> list[DeadlineView]:
    return [DeadlineView(d.name, d.due_at, d.state(now), d.binding, d.done_at) for d in deadlines]


def _actions(actions: Sequence[Action]) -> list[ActionView]:
    return [
        ActionView(a.kind, a.at, a.actor, a.command_id, a.scheme.id, a.scheme.version, dict(a.payload)) for a in actions
    ]
