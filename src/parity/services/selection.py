"""Admissions selection as a use case: propose which waiting families to invite; a second person approves.

`propose_invitations` builds a selection request from the eligible admission cases waiting for an invitation,
runs the optimiser (`parity.selection`) and stores the ranked, explained result as a proposal: nothing is invited.
`approve_proposal` lets someone other than the proposer approve it, as proposed or amended (with a reason), and
only then invites the families, all of them in one transaction or none (brief §4; §10 rules 15-21).

Places are people, not families. By default a round gets what the ledger releases now, less the people already
invited and not yet given entry clearance: the ledger commits a place only at clearance, and each invited family
will need its places then.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from parity.domain.admissions import AdmissionCase, AdmissionStatus
from parity.domain.clocks import ClockRules
from parity.domain.eligibility import Applicant, admission_bars
from parity.domain.errors import InvalidCommand, LedgerLimitReached
from parity.domain.lifecycle import Action
from parity.domain.messages import Message, joined, keep_all
from parity.domain.proposals import Amendment, AmendmentRefused, ProposalStatus, SelectionProposal, StaleProposal
from parity.scheme.model import Scheme
from parity.selection import Candidate, Member, Method, SelectionInputError, SelectionRequest, propose
from parity.selection.proposal import METHODS
from parity.services.cases import record_admission_action
from parity.services.context import Services, run_command, scheme_ref
from parity.services.notices import scheme_timeline
from parity.services.ports import UnitOfWork

# Invited families that will each need their places when entry clearance is issued.
AWAITING_CLEARANCE = frozenset(
    {AdmissionStatus.INVITED, AdmissionStatus.BIOMETRICS_ENROLLED, AdmissionStatus.SECURITY_CLEARED}
)
# How many case ids a staleness message quotes per kind of change.
IDS_QUOTED = 3


class InvalidSelectionRequest(InvalidCommand):
    """The selection request built for a round is not valid; `problems` lists (field, reason) pairs."""

    code = "invalid_selection_request"

    def __init__(self, error: SelectionInputError) -> None:
        self.problems = error.problems
        super().__init__(Message("nothing was proposed: %(problems)s", problems=str(error)))


@dataclass(frozen=True)
class ProposeInvitations:
    command_id: str
    scheme_id: str
    actor: str
    places: int | None = None  # people to invite; None: what the ledger allows now
    method: Method = "mip"
    window_id: str | None = None  # select from this application window only; None: from every waiting case


@dataclass(frozen=True)
class ApproveProposal:
    command_id: str
    proposal_id: str
    actor: str
    remove: Sequence[str] = ()  # case ids to take out of the proposed selection
    add: Sequence[str] = ()  # case ids of waiting families to add to it
    reason: str | None = None  # required when anything is removed or added


def propose_invitations(services: Services, command: ProposeInvitations) -> Mapping[str, Any]:
    """Store a ranked, explained proposal of families to invite; invite nobody. Repeats replay the first result."""
    scheme = services.scheme(command.scheme_id)
    _require_actor(command.actor)
    if command.method not in METHODS:
        raise InvalidCommand(
            Message(
                "method must be one of %(methods)s (got %(method)s)",
                methods=", ".join(METHODS),
                method=repr(command.method),
            )
        )

    def handle(uow: UnitOfWork) -> Mapping[str, Any]:
        now = services.clock.now()
        today = _local_date(scheme, now)
        places_open = _places_open(uow, scheme, now)
        places = places_open if command.places is None else command.places
        if command.places is None and places_open == 0:
            raise LedgerLimitReached(
                Message("no admission places are available now: %(figures)s", figures=_ledger_figures(uow, scheme, now))
            )
        if places > places_open:
            raise LedgerLimitReached(
                Message(
                    "%(places)s places asked for, but the ledger allows %(open)s now: %(figures)s",
                    places=places,
                    open=places_open,
                    figures=_ledger_figures(uow, scheme, now),
                )
            )
        pool = _WaitingPool.load(uow, scheme, today, command.window_id)
        if not pool.candidates:
            raise InvalidCommand(_nobody_waiting(command.window_id, len(pool.not_considered)))
        request = SelectionRequest.for_scheme(scheme, pool.candidates, places, today, command.window_id)
        try:
            result = propose(request, command.method)
        except SelectionInputError as error:
            raise InvalidSelectionRequest(error) from error
        explanation = result.to_dict()
        for family in (*explanation["chosen"], *explanation["passed_over"]):
            family["family_ref"] = pool.cases[family["application_id"]].family_ref
        explanation["not_considered"] = pool.not_considered
        proposal = SelectionProposal(
            id=services.new_id(),
            scheme=scheme_ref(scheme),
            method=result.method,
            inputs_hash=result.inputs_hash,
            solver_status=result.solver.status,
            objective=result.priority_total,
            places=places,
            places_filled=result.places_filled,
            as_of=today,
            window_id=command.window_id,
            explanation=explanation,
            inputs=request.to_dict(),
            proposed_by=command.actor,
            proposed_at=now,
        )
        # One open proposal per scheme: a newer one replaces the rest, so an old list is never approved by mistake.
        for open_id in uow.proposals.ids_by_status(scheme.id, ProposalStatus.PROPOSED):
            earlier = uow.proposals.get(open_id)
            earlier.supersede(proposal.id)
            uow.proposals.save(earlier)
        uow.proposals.add(proposal)
        return proposal_view(proposal)

    return run_command(services, command.command_id, "select:propose", asdict(command), handle)


def approve_proposal(services: Services, command: ApproveProposal) -> Mapping[str, Any]:
    """Approve a proposal, as proposed or amended, and invite its families in one transaction.

    Refused, with nothing changed, when the approver made the proposal, when an amendment has no reason, names a
    person instead of a family or a case not waiting, or breaks the places or nationality limits; when the waiting
    list has changed since the proposal (stale); or when the ledger no longer allows the invitations.
    """
    _require_actor(command.actor)
    amendment = Amendment(tuple(command.remove), tuple(command.add), command.reason)

    def handle(uow: UnitOfWork) -> Mapping[str, Any]:
        proposal = uow.proposals.get(command.proposal_id)
        proposal.check_approver(command.actor)
        scheme = services.scheme(proposal.scheme.id)
        if scheme.version != proposal.scheme.version:
            raise StaleProposal(
                Message(
                    "proposal %(proposal)s was made under %(scheme)s version %(made_under)s; "
                    "version %(version)s is in force now: make a new proposal",
                    proposal=proposal.id,
                    scheme=scheme.id,
                    made_under=proposal.scheme.version,
                    version=scheme.version,
                )
            )
        pool = _WaitingPool.load(uow, scheme, proposal.as_of, proposal.window_id)
        request = SelectionRequest.for_scheme(
            scheme, pool.candidates, proposal.places, proposal.as_of, proposal.window_id
        )
        if request.inputs_hash() != proposal.inputs_hash:
            raise _stale(proposal, request.to_dict())
        pool.refuse_split_families(amendment)
        now = services.clock.now()
        approval = proposal.approve(command.actor, now, amendment)
        invited = [pool.candidate(case_id) for case_id in approval.invited]
        _check_fits(request, invited)
        people = sum(candidate.size for candidate in invited)
        places_open = _places_open(uow, scheme, now)
        if people > places_open:
            raise LedgerLimitReached(
                Message(
                    "the selection has %(people)s people but the ledger allows %(open)s now: %(figures)s",
                    people=people,
                    open=places_open,
                    figures=_ledger_figures(uow, scheme, now),
                )
            )
        for case_id in approval.invited:
            command_id = f"{command.command_id}:invite:{case_id}"
            action = Action("invite", now, command.actor, command_id, scheme_ref(scheme), {"proposal_id": proposal.id})
            record_admission_action(uow, scheme, pool.cases[case_id], action)
        uow.proposals.save(proposal)
        return proposal_view(proposal)

    return run_command(services, command.command_id, "select:approve", asdict(command), handle)


def get_proposal(services: Services, proposal_id: str) -> Mapping[str, Any]:
    with services.uow() as uow:
        return proposal_view(uow.proposals.get(proposal_id))


def list_proposals(services: Services, scheme_id: str | None = None, limit: int = 20) -> list[Mapping[str, Any]]:
    """The most recent proposals first."""
    if limit < 1:
        raise InvalidCommand(Message("limit must be at least 1 (got %(limit)s)", limit=limit))
    with services.uow() as uow:
        return [proposal_view(proposal) for proposal in uow.proposals.latest(scheme_id, limit)]


def proposal_view(proposal: SelectionProposal) -> dict[str, Any]:
    """A proposal as JSON-ready data: what the CLI prints and an API will return."""
    explanation = proposal.explanation
    approval = proposal.approval
    return {
        "proposal_id": proposal.id,
        "scheme_id": proposal.scheme.id,
        "scheme_version": proposal.scheme.version,
        "status": proposal.status.value,
        "method": proposal.method,
        "solver": explanation["solver"],
        "solver_status": proposal.solver_status,
        "objective": proposal.objective,
        "inputs_hash": proposal.inputs_hash,
        "as_of": proposal.as_of.isoformat(),
        "window_id": proposal.window_id,
        "places": proposal.places,
        "places_filled": proposal.places_filled,
        "candidates_considered": explanation["candidates_considered"],
        "not_chosen_count": explanation["not_chosen_count"],
        "chosen": explanation["chosen"],
        "passed_over": explanation["passed_over"],
        "not_considered": explanation["not_considered"],
        "proposed_by": proposal.proposed_by,
        "proposed_at": proposal.proposed_at.isoformat(),
        "superseded_by": proposal.superseded_by,
        "approval": None
        if approval is None
        else {
            "approved_by": approval.approved_by,
            "approved_at": approval.approved_at.isoformat(),
            "removed": list(approval.removed),
            "added": list(approval.added),
            "reason": approval.reason,
            "invited": list(approval.invited),
        },
    }


@dataclass(frozen=True)
class _WaitingPool:
    """The families waiting for an invitation in one round, as the optimiser sees them and as stored."""

    candidates: tuple[Candidate, ...]
    cases: dict[str, AdmissionCase]  # candidates' cases by id
    not_considered: list[dict[str, Any]]  # eligible cases barred since they were found eligible, with the bars

    @classmethod
    def load(cls, uow: UnitOfWork, scheme: Scheme, as_of: date, window_id: str | None) -> _WaitingPool:
        candidates: list[Candidate] = []
        cases: dict[str, AdmissionCase] = {}
        not_considered: list[dict[str, Any]] = []
        for case_id in uow.admissions.ids_by_status(scheme.id, frozenset({AdmissionStatus.ELIGIBLE})):
            case = uow.admissions.get(case_id)
            if window_id is not None and case.window_id != window_id:
                continue
            # An exclusion recorded after eligibility (rule 16) would refuse the family at the decision anyway.
            bars = admission_bars(scheme, case.current_members(), as_of)
            if bars:
                not_considered.append(
                    {"application_id": case.id, "family_ref": case.family_ref, **keep_all("bars", bars)}
                )
                continue
            candidates.append(_candidate(scheme, case, as_of))
            cases[case.id] = case
        return cls(tuple(candidates), cases, not_considered)

    def candidate(self, case_id: str) -> Candidate:
        found = next((c for c in self.candidates if c.application_id == case_id), None)
        if found is None:
            raise AmendmentRefused(
                Message(
                    "case %(case)s is not waiting for an invitation in this round: only eligible families "
                    "of the proposal's round can be added",
                    case=case_id,
                )
            )
        return found

    def refuse_split_families(self, amendment: Amendment) -> None:
        """A family is invited or left out whole (rule 20): an amendment names cases, never their members."""
        family_of = {member.id: case for case in self.cases.values() for member in case.members}
        for case_id in (*amendment.remove, *amendment.add):
            case = family_of.get(case_id)
            if case is not None:
                raise AmendmentRefused(
                    Message(
                        "%(member)s is one member of family application %(family)s (case %(case)s): a family "
                        "is invited or left out whole (rule 20), so name the case",
                        member=case_id,
                        family=case.family_ref,
                        case=case.id,
                    )
                )


def _require_actor(actor: str) -> None:
    if not actor.strip():
        raise InvalidCommand(
            Message("actor: name who is acting; proposals and approvals record it, and they must differ")
        )


def _candidate(scheme: Scheme, case: AdmissionCase, as_of: date) -> Candidate:
    # The selection library reads the first member as the main applicant.
    members = sorted(case.current_members(), key=lambda member: not member.is_main_applicant)
    return Candidate(
        application_id=case.id,
        members=tuple(Member(_age(member, as_of), member.identity.nationality) for member in members),
        window_id=case.window_id,
        factors=case.priority_factors(),
        waiting_since=_local_date(scheme, case.submitted_at),
        submitted_at=case.submitted_at,
    )


def _age(member: Applicant, as_of: date) -> int:
    age = member.age_on(as_of)
    if age is None:  # admission_bars already refuses a family with a member whose date of birth is unknown
        raise InvalidCommand(
            Message("member %(member)s: date of birth is required to select the family", member=member.id)
        )
    return age


def _check_fits(request: SelectionRequest, invited: list[Candidate]) -> None:
    """The amended selection keeps within the round's places and nationality limits, as the optimiser's does."""
    people = sum(candidate.size for candidate in invited)
    if people > request.places:
        raise AmendmentRefused(
            Message(
                "the amended selection has %(people)s people, more than the proposal's %(places)s places",
                people=people,
                places=request.places,
            )
        )
    limits = request.priority.nationality_limits
    counts = Counter(member.nationality for candidate in invited for member in candidate.members)
    over = tuple(
        Message("%(nationality)s: %(count)s over the limit of %(limit)s", nationality=n, count=counts[n], limit=limit)
        for n, limit in sorted(limits.items())
        if counts[n] > limit
    )
    if over:
        raise AmendmentRefused(Message("the amended selection exceeds nationality limits (%(over)s)", over=over))


def _places_open(uow: UnitOfWork, scheme: Scheme, now: datetime) -> int:
    """Places the parity balance allows now (rules 21, 24), less the people already invited and awaiting clearance.

    Refuses while the scheme is suspended or terminated, and while admissions are paused, with the reason."""
    timeline = scheme_timeline(uow, scheme)
    timeline.check_new_work("invite", now)
    rule = timeline.parity_rule(now)
    ledger = uow.ledgers.get(scheme.id)
    if ledger.admissions_paused(rule):
        raise LedgerLimitReached(
            Message(
                "admissions are paused: they lead returns beyond the tolerance of %(tolerance)s (rules 21, 24); "
                "%(figures)s",
                tolerance=rule.tolerance,
                figures=_ledger_figures(uow, scheme, now),
            )
        )
    # People invited now are cleared in a later week, and the ledger checks that week's level then (rule 23); what
    # they need now is a place in the balance (rule 21). Charging them to this week's level as well throttled
    # admissions to about weekly_level x 7 / (7 + days in stage 2) a week (found by the twin against the engine).
    return max(0, ledger.places_by_balance(rule) - _people_awaiting_clearance(uow, scheme))


def _people_awaiting_clearance(uow: UnitOfWork, scheme: Scheme) -> int:
    return sum(
        uow.admissions.get(case_id).size for case_id in uow.admissions.ids_by_status(scheme.id, AWAITING_CLEARANCE)
    )


def _ledger_figures(uow: UnitOfWork, scheme: Scheme, now: datetime) -> Message:
    ledger = uow.ledgers.get(scheme.id)
    rule = scheme_timeline(uow, scheme).parity_rule(now)
    today = _local_date(scheme, now)
    return Message(
        "returned %(returned)s, admitted %(admitted)s, clearances outstanding %(committed)s, invited and awaiting "
        "clearance %(invited)s, tolerance %(tolerance)s, clearances this week %(issued)s of the weekly level "
        "%(level)s",
        returned=ledger.returned,
        admitted=ledger.admitted,
        committed=ledger.committed,
        invited=_people_awaiting_clearance(uow, scheme),
        tolerance=rule.tolerance,
        issued=ledger.week(today).clearances_issued,
        level=rule.weekly_level,
    )


def _nobody_waiting(window_id: str | None, barred: int) -> Message:
    if window_id is None and not barred:
        return Message("no eligible family is waiting for an invitation: nothing to propose")
    if window_id is None:
        return Message(
            "no eligible family is waiting for an invitation (%(barred)s eligible but barred since): nothing to "
            "propose",
            barred=barred,
        )
    if not barred:
        return Message(
            "no eligible family is waiting for an invitation from window %(window)s: nothing to propose",
            window=window_id,
        )
    return Message(
        "no eligible family is waiting for an invitation from window %(window)s (%(barred)s eligible but barred "
        "since): nothing to propose",
        window=window_id,
        barred=barred,
    )


def _local_date(scheme: Scheme, at: datetime) -> date:
    return ClockRules(scheme.timezone, scheme.calendars).local_date(at)


def _stale(proposal: SelectionProposal, inputs_now: Mapping[str, Any]) -> StaleProposal:
    """Why a proposal's inputs no longer match the store: an earlier version's inputs, or the waiting list changed."""
    unrecorded = _unrecorded_fields(proposal.inputs, inputs_now)
    if unrecorded:
        # Every family would differ, so listing them as changed would hide the reason.
        return StaleProposal(
            Message(
                "proposal %(proposal)s was made by an earlier version of the selection, which did not record "
                "%(fields)s for each family: make a new proposal",
                proposal=proposal.id,
                fields=", ".join(unrecorded),
            )
        )
    return StaleProposal(
        Message(
            "the waiting list has changed since proposal %(proposal)s was made (%(changes)s): make a new proposal",
            proposal=proposal.id,
            changes=_changes(proposal.inputs, inputs_now),
        )
    )


def _unrecorded_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Candidate fields the selection records now that the proposal's stored inputs lack (e.g. `submitted_at`)."""
    if not before["candidates"]:
        return []  # an empty waiting list records no fields, so it cannot tell what an earlier version lacked
    recorded = {field for candidate in before["candidates"] for field in candidate}
    return sorted({field for candidate in after["candidates"] for field in candidate} - recorded)


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> Message:
    """Which waiting families differ between the proposal's inputs and the store now, by case id."""
    was = {candidate["application_id"]: candidate for candidate in before["candidates"]}
    now = {candidate["application_id"]: candidate for candidate in after["candidates"]}
    gone = sorted(was.keys() - now.keys())
    new = sorted(now.keys() - was.keys())
    changed = sorted(k for k in was.keys() & now.keys() if was[k] != now[k])
    found = [
        *([Message("no longer waiting or eligible: %(cases)s", cases=_quote(gone))] if gone else []),
        *([Message("newly waiting: %(cases)s", cases=_quote(new))] if new else []),
        *([Message("changed (members or priority factors): %(cases)s", cases=_quote(changed))] if changed else []),
    ]
    return joined(found) if found else Message("the scheme's priority rules differ")


def _quote(case_ids: list[str]) -> str | Message:
    shown = ", ".join(case_ids[:IDS_QUOTED])
    if len(case_ids) <= IDS_QUOTED:
        return shown
    return Message("%(shown)s and %(more)s more", shown=shown, more=len(case_ids) - IDS_QUOTED)
