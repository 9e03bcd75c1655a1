"""Twin mode: one replication of a scenario, replayed through the real services and store.

The fast engine counts people; the twin draws the same events for named (synthetic) people and carries each one
out as a command on the services, on a settable clock, so every rule of the scheme applies as it would in
operation: screening at intake, the request and reply deadlines, legal blockers re-checked at transfer, the weekly
level and the parity rule on the ledger, the admissions pause, location confirmation and whole-family decisions.
Where a rule refuses an action the twin does what an operator would: a flight leaves without the people the week's
level has no room for, a family waits for a place. Its results come back from the store (the weekly ledger).

Each day follows the engine's order (see `engine.py`), with clock times that keep every action after the last:

- 07:00 replies from France (late ones escalated first), legal challenges and NRM decisions, absconding; people
  cleared for removal join the queue for flights, 07:30 the queue's head is booked on the next flight;
- 08:00 eligible people not selected the day before are released into the asylum route;
- 10:00 a flight (unless cancelled) takes its booked people until the ledger refuses one for the weekly level;
  the others are rebooked on the next flight at 10:30;
- 11:00-13:30 admissions: yesterday's expressions of interest confirm their location, stage 2 starts (eligibility,
  then a selection round proposed by one actor and approved by another, for the places the ledger releases: none
  while admissions are paused), visa-centre appointments, stage-2 outcomes, entry clearances
  (largest families first, until the ledger refuses) and, `TRAVEL_DAYS` later, arrivals in the UK;
- 14:00 readmission requests, oldest first (with the inadmissibility decision on the protection claim); cases past
  the 14-day deadline are closed as expired;
- 16:00 the day's boats are recorded and screened; returnees crossing again are flagged and detained first, other
  eligible people selected by chance, and detained while places last;
- 20:00 new expressions of interest.

Differences from the engine, all small where the scenario's capacities are not binding (`docs/simulator.md`):
weeks run Monday to Sunday, as the ledger's do, so the weekly level resets on Mondays rather than every seven days
from the period start; an admission counts when its entry clearance is issued (the ledger commits the place then,
and the engine admits then); a case that misses the request deadline leaves detention the next day, once the
deadline has passed; a family that a selection round has no place for (or every family, while admissions are
paused) waits for a later round, delaying its stage 2, which the engine does not model; new expressions of
interest join the pool the next day, after confirming their location.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np

from parity.domain.admissions import AdmissionStatus
from parity.domain.eligibility import age_on
from parity.domain.errors import LedgerLimitReached
from parity.domain.ledger import week_start
from parity.scheme import Scheme
from parity.services.applications import SubmitExpressionOfInterest, submit_expression_of_interest
from parity.services.cases import (
    BulkCaseCommand,
    CaseCommand,
    act_on_admission_case,
    act_on_return_case,
    act_on_return_cases,
)
from parity.services.context import Services, SettableClock
from parity.services.intake import PersonInput, RecordArrival, record_arrival
from parity.services.reports import weekly_ledger
from parity.services.selection import ApproveProposal, ProposeInvitations, approve_proposal, propose_invitations
from parity.simulate.engine import ProgressCallback, Trajectories
from parity.simulate.errors import TwinError
from parity.simulate.inputs import EngineInputs, resolve
from parity.simulate.scenario import Period, Scenario, scheme_of
from parity.simulate.synthetic import Screened, SyntheticPeople

TWIN_SERIES = ("arrivals", "returns", "admissions")
PEOPLE_PER_BOAT = 59  # brief §7: about 59 people per boat in 2025
TRAVEL_DAYS = 3  # assumption: a family travels a few days after its entry clearance is issued (valid 3 months)
ACTOR = "twin"
# A selection round is proposed by one person and approved by another (separation of duties, issue 7).
PROPOSER, APPROVER = "twin-caseworker", "twin-supervisor"
PLACE = "Dover, Western Jet Foil"  # brief §3: first detentions at Western Jet Foil, Dover
# Grounds on which France refuses in the twin (brief §2, rule 10), where the scheme lists them.
FRANCE_REFUSAL_REASONS = ("public_order", "national_security", "public_health", "not_transited_france", "other")


@dataclass(frozen=True)
class TwinResult:
    """One replication from the store: weekly `TWIN_SERIES` by ledger week (Monday to Sunday), and what happened."""

    trajectories: Trajectories
    scheme_id: str
    scheme_version: str
    refused: dict[str, int]  # action -> times the ledger refused it (weekly level, parity, admissions paused)
    return_cases: dict[str, int]  # status -> cases
    admission_cases: dict[str, int]  # status -> family applications


def run_twin(
    services: Services,
    scenario: Scenario,
    seed: int,
    period: Period | None = None,
    progress: ProgressCallback | None = None,
) -> TwinResult:
    """Replay one replication of `scenario` (over `period`, by default its own) into the services' empty store."""
    inputs = resolve(scenario, period)
    return run_twin_on_inputs(services, inputs, scheme_in_force(scenario, inputs), seed, progress)


def run_twin_on_inputs(
    services: Services, inputs: EngineInputs, scheme: Scheme, seed: int, progress: ProgressCallback | None = None
) -> TwinResult:
    """Replay one replication of resolved inputs, as the engines take them, under `scheme` (`scheme_in_force`).

    The services' clock must be a `SettableClock`: the twin moves it day by day from the inputs' start.
    """
    clock = services.clock
    if not isinstance(clock, SettableClock):
        raise TwinError("the twin moves the clock: build the services with a SettableClock")
    rule = scheme.parity
    if (scheme.id, rule.weekly_level, rule.tolerance) != (inputs.scheme_id, inputs.weekly_level, inputs.tolerance):
        raise TwinError(f"scheme {scheme.id} does not have the inputs' parity rule: use scheme_in_force()")
    clock.current = datetime.combine(inputs.start, time(), tzinfo=UTC)
    _check_empty(services, scheme.id)
    services.register(scheme)
    run = _TwinRun(services, clock, inputs, scheme, seed)
    run.run(progress)
    return run.result()


def scheme_in_force(scenario: Scenario, inputs: EngineInputs) -> Scheme:
    """The scenario's scheme, with the scenario's weekly level where it overrides the scheme's.

    The variant is a scheme version of its own, stored with its full text like any other, so every decision the
    twin records names the rules it ran under.
    """
    scheme = scheme_of(scenario)
    if inputs.weekly_level == scheme.parity.weekly_level:
        return scheme
    content = scheme.model_dump(mode="json")
    content["parity"]["weekly_level"] = inputs.weekly_level
    return Scheme.model_validate(content)


def _check_empty(services: Services, scheme_id: str) -> None:
    with services.uow() as uow:
        ledger = uow.ledgers.get(scheme_id)
        has_cases = bool(uow.returns.count_by_status(scheme_id)) or ledger.returned + ledger.admitted > 0
    if has_cases:
        raise TwinError(f"the database already holds {scheme_id} cases: the twin needs a new database")


class _Operator:
    """Carries out the twin's actions through the services, at the clock times the day's steps set."""

    def __init__(self, services: Services, clock: SettableClock, prefix: str) -> None:
        self.services = services
        self.clock = clock
        self.prefix = prefix
        self.commands = 0
        self.refused: Counter[str] = Counter()

    def at(self, day: date, hour: int, minute: int = 0) -> None:
        self.clock.current = datetime.combine(day, time(hour, minute), tzinfo=UTC)

    def command_id(self) -> str:
        self.commands += 1
        return f"{self.prefix}:{self.commands}"

    def on_return(self, case_id: str, action: str, **payload: Any) -> None:
        act_on_return_case(self.services, CaseCommand(self.command_id(), ACTOR, case_id, action, payload))

    def on_returns(self, case_ids: list[str], action: str, **payload: Any) -> None:
        act_on_return_cases(self.services, BulkCaseCommand(self.command_id(), ACTOR, tuple(case_ids), action, payload))

    def on_admission(self, case_id: str, action: str, **payload: Any) -> None:
        act_on_admission_case(self.services, CaseCommand(self.command_id(), ACTOR, case_id, action, payload))

    def invite_round(self, scheme_id: str) -> list[str]:
        """Invite waiting families as in operation: a caseworker proposes a selection round for the places the
        ledger releases, a supervisor approves it. The case ids invited; none if the ledger refused the round."""
        try:
            proposal = propose_invitations(self.services, ProposeInvitations(self.command_id(), scheme_id, PROPOSER))
            approval = ApproveProposal(self.command_id(), proposal["proposal_id"], APPROVER)
            approved = approve_proposal(self.services, approval)
        except LedgerLimitReached:
            self.refused["invite"] += 1
            return []
        return list(approved["approval"]["invited"])

    def try_return(self, case_id: str, action: str) -> bool:
        """An action the ledger may refuse (the weekly level); False if it did."""
        return self._ledger_allows(action, lambda: self.on_return(case_id, action))

    def try_admission(self, case_id: str, action: str) -> bool:
        """An action the ledger may refuse (weekly level, parity rule, admissions paused); False if it did."""
        return self._ledger_allows(action, lambda: self.on_admission(case_id, action))

    def _ledger_allows(self, action: str, act: Callable[[], None]) -> bool:
        # Only the ledger's refusals are part of the model; any other means the twin broke a rule, and is raised.
        try:
            act()
        except LedgerLimitReached:
            self.refused[action] += 1
            return False
        return True

    def legal_event(self, case_id: str, kind: str, state: str, day: date, evidence: str) -> None:
        self.on_return(
            case_id, "record_legal_event", kind=kind, state=state, decided_on=day.isoformat(), evidence=evidence
        )


@dataclass(frozen=True)
class _Family:
    case_id: str
    member_ids: tuple[str, ...]
    adult_ids: tuple[str, ...]  # each adult confirms their own location (rule 13)

    @property
    def size(self) -> int:
        return len(self.member_ids)


class _TwinRun:
    def __init__(self, services: Services, clock: SettableClock, inputs: EngineInputs, scheme: Scheme, seed: int):
        self.services = services
        self.inputs = inputs
        self.scheme = scheme
        self.rng = np.random.default_rng(seed)
        self.people = SyntheticPeople(seed)
        self.op = _Operator(services, clock, f"twin:{inputs.scenario_id}:{seed}")
        listed = [reason for reason in FRANCE_REFUSAL_REASONS if reason in scheme.returns.refusal_reasons]
        self.refusal_reasons = listed or list(scheme.returns.refusal_reasons)
        # Screening finds the eligible share; selection picks among them, so both together give the engine's chance.
        self.selection_share = inputs.selection_probability / inputs.eligible_share if inputs.eligible_share else 0.0
        self.arrivals = np.zeros(inputs.days, dtype=np.int64)
        # Returns leg: case ids waiting for each step, by the day index the step falls due.
        self.in_detention = 0
        self.awaiting_request: deque[tuple[str, int]] = deque()  # (case, arrival day index), oldest first
        self.escalations: defaultdict[int, list[str]] = defaultdict(list)
        self.replies: defaultdict[int, list[str]] = defaultdict(list)
        self.challenges: defaultdict[int, list[str]] = defaultdict(list)
        self.nrm_decisions: defaultdict[int, list[str]] = defaultdict(list)
        self.ready: list[str] = []  # cleared for removal, in the order they were cleared
        self.booked: set[str] = set()  # the head of `ready`, booked on the next flight
        self.identities: dict[str, PersonInput] = {}  # detained people, so that a returnee can cross again
        self.recrossing: defaultdict[int, list[str]] = defaultdict(list)  # returned case ids, by day of crossing
        self.waiting_recrossers: list[str] = []
        self.not_selected: list[str] = []
        # Admissions leg
        self.families = 0
        self.pool_submitted = False
        self.unconfirmed: list[_Family] = []
        self.pool: deque[_Family] = deque()  # location confirmed, waiting for stage 2
        self.awaiting_invitation: dict[str, _Family] = {}  # found eligible, by case id, in order, not yet invited
        self.appointments: defaultdict[int, list[_Family]] = defaultdict(list)
        self.outcomes: defaultdict[int, list[_Family]] = defaultdict(list)
        self.cleared_families: list[_Family] = []
        self.travel: defaultdict[int, list[_Family]] = defaultdict(list)
        # Behavioural response: trailing daily arrivals and returns, as in the engine
        window = inputs.behaviour.window_days
        self.recent_arrivals = np.zeros(window, dtype=np.int64)
        self.recent_returns = np.zeros(window, dtype=np.int64)

    def chance(self, probability: float) -> bool:
        return bool(self.rng.random() < probability)

    def pick(self, options: tuple[str, ...] | list[str]) -> str:
        return options[int(self.rng.integers(len(options)))]

    def run(self, progress: ProgressCallback | None) -> None:
        base_arrivals = self.inputs.arrivals(1, self.rng)[0]
        for index in range(self.inputs.days):
            day = self.inputs.start + timedelta(days=index)
            self.come_out_of_waiting(index, day)
            self.release_not_selected(day)
            self.fly(index, day)
            self.admit(index, day)
            self.refer(index, day)
            self.arrive(index, day, int(base_arrivals[index]))
            self.new_expressions_of_interest(index, day)
            if progress is not None:
                progress(index + 1, self.inputs.days)

    # 1. Coming out of waiting ---------------------------------------------------------------------------------

    def come_out_of_waiting(self, index: int, day: date) -> None:
        inputs = self.inputs
        self.op.at(day, 7)
        for case_id in self.escalations.pop(index, []):
            self.op.on_return(case_id, "escalate_overdue_reply")
        for case_id in self.replies.pop(index, []):
            if self.chance(inputs.france_refusal_rate):
                self.op.on_return(case_id, "refuse", reason=self.pick(self.refusal_reasons))
                self.in_detention -= 1
            else:
                self.op.on_return(case_id, "accept")
                self.after_acceptance(case_id, index, day)
        for case_id in self.challenges.pop(index, []):
            if self.chance(inputs.legal_success_rate):
                self.op.legal_event(case_id, "injunction", "in_force", day, "Order of the High Court")
                self.release(case_id, "removal stopped by court order")
            else:
                self.op.legal_event(case_id, "suspensive_appeal", "dismissed", day, "Judgment of the High Court")
                self.after_challenge(case_id, index, day)
        for case_id in self.nrm_decisions.pop(index, []):
            if self.chance(inputs.nrm_positive_rate):
                self.op.legal_event(case_id, "nrm", "positive_reasonable_grounds", day, "Competent authority decision")
                self.release(case_id, "positive reasonable-grounds decision (NRM)")
            else:
                self.op.legal_event(case_id, "nrm", "negative_reasonable_grounds", day, "Competent authority decision")
                self.cleared(case_id)
        self.op.at(day, 7, 30)
        self.book(index)

    def after_acceptance(self, case_id: str, index: int, day: date) -> None:
        if self.chance(self.inputs.legal_challenge_rate):
            self.op.legal_event(case_id, "suspensive_appeal", "pending", day, "Judicial review claim lodged")
            self.challenges[index + self.inputs.legal_challenge_days].append(case_id)
        else:
            self.after_challenge(case_id, index, day)

    def after_challenge(self, case_id: str, index: int, day: date) -> None:
        if self.chance(self.inputs.nrm_rate):
            self.op.legal_event(case_id, "nrm", "referred", day, "NRM referral by a first responder")
            self.nrm_decisions[index + self.inputs.nrm_days].append(case_id)
        else:
            self.cleared(case_id)

    def cleared(self, case_id: str) -> None:
        if self.chance(self.inputs.abscond_rate):
            self.op.on_return(case_id, "record_absconded")
            self.in_detention -= 1
        else:
            self.ready.append(case_id)

    def release(self, case_id: str, reason: str) -> None:
        self.op.on_return(case_id, "release_to_asylum_route", reason=reason)
        self.in_detention -= 1

    def release_not_selected(self, day: date) -> None:
        self.op.at(day, 8)
        if self.not_selected:
            reason = "not selected for return under the scheme"
            self.op.on_returns(self.not_selected, "release_to_asylum_route", reason=reason)
        self.not_selected = []

    # 2. Flights ------------------------------------------------------------------------------------------------

    def flies_on(self, index: int) -> bool:
        """Flight days; after the period they repeat its last week, so people can be booked beyond its end."""
        mask, days = self.inputs.flight_day, self.inputs.days
        if index < days:
            return bool(mask[index])
        return days >= 7 and bool(mask[days - 7 + (index - days) % 7])

    def departure(self, index: int) -> datetime:
        return datetime.combine(self.inputs.start + timedelta(days=index), time(10), tzinfo=UTC)

    def book(self, index: int) -> None:
        """Book the head of the queue, as many as a flight has seats, on the next flight still to leave."""
        now = self.op.clock.now()
        upcoming = range(index, self.inputs.days + 7)
        flight = next((j for j in upcoming if self.flies_on(j) and self.departure(j) > now), None)
        if flight is None:
            return
        departs = self.departure(flight)
        for case_id in self.ready[: self.inputs.flight_seats]:
            if case_id not in self.booked:
                self.op.on_return(
                    case_id, "schedule_transfer", flight_ref=f"PLF-{departs:%Y%m%d}", departs_at=departs.isoformat()
                )
                self.booked.add(case_id)

    def fly(self, index: int, day: date) -> None:
        if not self.inputs.flight_day[index]:
            return
        operated = self.rng.random() >= self.inputs.flight_cancellation_rate
        self.op.at(day, 10)
        carried: list[str] = []
        week_full = False
        for case_id in [c for c in self.ready if c in self.booked]:
            if not operated:
                self.op.on_return(case_id, "cancel_transfer", reason="flight cancelled")
            elif week_full or not self.op.try_return(case_id, "complete_transfer"):
                week_full = True  # the ledger refused one: the week's level is reached for everyone after
                self.op.on_return(case_id, "cancel_transfer", reason="the week's level of returns is reached")
            else:
                carried.append(case_id)
        self.booked.clear()
        del self.ready[: len(carried)]  # a flight takes the head of the queue
        self.in_detention -= len(carried)
        self.recent_returns[index % len(self.recent_returns)] += len(carried)
        for case_id in carried:
            if self.chance(self.inputs.recross_rate):
                self.recrossing[index + self.inputs.recross_days].append(case_id)
        self.op.at(day, 10, 30)
        self.book(index)

    # 3. Admissions ---------------------------------------------------------------------------------------------

    def admit(self, index: int, day: date) -> None:
        inputs = self.inputs
        self.op.at(day, 11)
        for family in self.unconfirmed:
            self.confirm_location(family)
        self.unconfirmed = []
        if inputs.window_open[index]:
            if not self.pool_submitted:
                self.submit_starting_pool(day)
            self.op.at(day, 12)
            self.start_stage_two(index)
        self.op.at(day, 12, 15)
        for family in self.appointments.pop(index, []):
            self.op.on_admission(family.case_id, "enrol_biometrics", documents_match=True)
        self.op.at(day, 12, 30)
        for family in self.outcomes.pop(index, []):
            if self.chance(inputs.verification_refusal_rate):
                # One member's refusal refuses the whole family (rule 20).
                member = self.pick(family.member_ids)
                self.op.on_admission(family.case_id, "refuse", member_id=member, reason="stage-2 security checks")
            else:
                self.op.on_admission(family.case_id, "clear_security")
                self.cleared_families.append(family)
        self.op.at(day, 13)
        if inputs.admissions_open[index]:
            self.issue_clearances(index)
        self.op.at(day, 13, 30)
        for family in self.travel.pop(index, []):
            self.op.on_admission(family.case_id, "record_arrival")

    def submit(self, day: date) -> _Family:
        size = 1 + int(self.rng.choice(len(self.inputs.family_sizes), p=self.inputs.family_sizes))
        members = self.people.family(day, size)
        self.families += 1
        submitted = submit_expression_of_interest(
            self.services,
            SubmitExpressionOfInterest(
                self.op.command_id(), "applicant", self.scheme.id, f"FAM-{self.families:05d}", members
            ),
        )
        ids = tuple(submitted["member_ids"])
        adult_age = self.scheme.admissions.eligibility.adult_age
        adults = tuple(i for i, m in zip(ids, members, strict=True) if age_on(m.date_of_birth, day) >= adult_age)
        return _Family(submitted["case_id"], ids, adults)

    def confirm_location(self, family: _Family) -> None:
        if self.scheme.admissions.location_confirmation is not None:  # a scheme may have no such step
            country = self.scheme.admissions.eligibility.applicant_location
            self.op.on_admission(
                family.case_id, "confirm_location", country=country, confirmed_member_ids=list(family.adult_ids)
            )
        self.pool.append(family)

    def submit_starting_pool(self, day: date) -> None:
        """The scenario's starting pool applies from the window's first day: an expression of interest outside a
        window is invalid (rule 14)."""
        self.pool_submitted = True
        starting = [self.submit(day) for _ in range(self.inputs.applicant_pool)]
        self.op.at(day, 11, 30)
        for family in starting:
            self.confirm_location(family)

    def start_stage_two(self, index: int) -> None:
        """The day's stage-2 checks: families found eligible (those still waiting from earlier days count first),
        then invited in one selection round, proposed by a caseworker and approved by a supervisor (issue 7)."""
        inputs = self.inputs
        checks = int(self.rng.poisson(inputs.verifications_per_day))
        while len(self.awaiting_invitation) < checks and self.pool:
            family = self.pool.popleft()
            self.op.on_admission(family.case_id, "find_eligible")
            self.awaiting_invitation[family.case_id] = family
        if checks == 0 or not self.awaiting_invitation:
            return
        # Refused while admissions are paused or no place is free (rule 21): the families wait for tomorrow's round.
        for case_id in self.op.invite_round(self.scheme.id):
            family = self.awaiting_invitation.pop(case_id)
            # Assumption: the visa-centre appointment falls a third of the way through stage 2; the scenario gives
            # only the time from stage 2 to being ready to travel.
            self.appointments[index + inputs.verification_days // 3].append(family)
            self.outcomes[index + inputs.verification_days].append(family)

    def issue_clearances(self, index: int) -> None:
        """Whole families, largest first, while the ledger finds places (weekly level and parity, rules 21-23)."""
        waiting: list[_Family] = []
        refused_size = 0
        for family in sorted(self.cleared_families, key=lambda f: -f.size):
            # Once a family does not fit, none of the same size will; a smaller one may.
            if family.size != refused_size and self.op.try_admission(family.case_id, "issue_entry_clearance"):
                self.travel[index + TRAVEL_DAYS].append(family)
            else:
                refused_size = family.size
                waiting.append(family)
        self.cleared_families = waiting

    def new_expressions_of_interest(self, index: int, day: date) -> None:
        if not self.inputs.window_open[index]:
            return
        self.op.at(day, 20)
        for _ in range(int(self.rng.poisson(self.inputs.new_applicants_per_day))):
            self.unconfirmed.append(self.submit(day))

    # 4. Referrals ----------------------------------------------------------------------------------------------

    def refer(self, index: int, day: date) -> None:
        inputs = self.inputs
        self.op.at(day, 14)
        queue = self.awaiting_request
        while queue and queue[0][1] + inputs.request_deadline_days < index:
            case_id, _ = queue.popleft()
            self.op.on_return(case_id, "expire_request_deadline")
            self.in_detention -= 1
        sent = 0
        while queue and sent < inputs.referrals_per_day and queue[0][1] < index:
            case_id, _ = queue.popleft()
            self.op.on_return(case_id, "send_request")
            # The protection claim is declared inadmissible with the referral (brief §3), clearing rule 8.
            self.op.legal_event(case_id, "protection_claim", "declared_inadmissible", day, "Inadmissibility notice")
            sent += 1
            extended = self.chance(inputs.reply_extended_share)
            wait = inputs.reply_extended_days if extended else inputs.reply_days
            if wait > inputs.reply_deadline_days:
                self.escalations[index + inputs.reply_deadline_days + 1].append(case_id)
            self.replies[index + wait].append(case_id)

    # 5. Arrivals -----------------------------------------------------------------------------------------------

    def arrive(self, index: int, day: date, base: int) -> None:
        inputs = self.inputs
        people = base
        if inputs.behaviour.enabled:
            returned_share = self.recent_returns.sum() / max(int(self.recent_arrivals.sum()), 1)
            people = int(self.rng.binomial(base, np.exp(-inputs.behaviour.elasticity * returned_share)))
            self.recent_arrivals[index % len(self.recent_arrivals)] = people
            self.recent_returns[(index + 1) % len(self.recent_returns)] = 0
        self.arrivals[index] = people
        self.waiting_recrossers += self.recrossing.pop(index, [])
        returning = self.waiting_recrossers[:people]
        self.waiting_recrossers = self.waiting_recrossers[people:]
        on_boats: list[tuple[PersonInput, str | None]] = [(self.identities[c], c) for c in returning]
        on_boats += [(self.newcomer(day), None) for _ in range(people - len(returning))]
        if not on_boats:
            return
        self.op.at(day, 16)
        screened = self.record_boats(day, [person for person, _ in on_boats])
        self.op.at(day, 16, 30)
        for (person, previous_case), case in zip(on_boats, screened, strict=True):
            if case["status"] != "eligible":
                continue
            if previous_case is not None:
                evidence = "Biometric match to a person returned under the scheme (rule 11)"
                self.op.on_return(case["case_id"], "flag_recrossing", previous_case_id=previous_case, evidence=evidence)
            elif not self.chance(self.selection_share):
                self.not_selected.append(case["case_id"])
                continue
            self.detain(index, day, case["case_id"], person)

    def newcomer(self, day: date) -> PersonInput:
        screened = Screened.ELIGIBLE if self.chance(self.inputs.eligible_share) else self.people.ineligible_kind()
        return self.people.arriving(day, screened)

    def record_boats(self, day: date, people: list[PersonInput]) -> list[Mapping[str, Any]]:
        """Record the day's people on boats of about `PEOPLE_PER_BOAT`; the screened cases, in the same order."""
        boats = -(-len(people) // PEOPLE_PER_BOAT)
        bounds = [round(boat * len(people) / boats) for boat in range(boats + 1)]
        screened: list[Mapping[str, Any]] = []
        for boat in range(boats):
            result = record_arrival(
                self.services,
                RecordArrival(
                    self.op.command_id(),
                    ACTOR,
                    self.scheme.id,
                    f"SB-{day:%Y%m%d}-{boat + 1:02d}",
                    datetime.combine(day, time(5), tzinfo=UTC),
                    PLACE,
                    tuple(people[bounds[boat] : bounds[boat + 1]]),
                ),
            )
            screened.extend(result["cases"])
        return screened

    def detain(self, index: int, day: date, case_id: str, person: PersonInput) -> None:
        if self.in_detention >= self.inputs.detention_places:
            self.op.on_return(case_id, "release_to_asylum_route", reason="selected, but no detention place")
            return
        self.op.on_return(case_id, "detain")
        self.op.legal_event(case_id, "protection_claim", "lodged", day, "Screening interview")
        self.in_detention += 1
        self.identities[case_id] = person
        self.awaiting_request.append((case_id, index))

    # Results ---------------------------------------------------------------------------------------------------

    def result(self) -> TwinResult:
        inputs = self.inputs
        days = [inputs.start + timedelta(days=offset) for offset in range(inputs.days)]
        weeks = sorted({week_start(day) for day in days})
        position = {start: w for w, start in enumerate(weeks)}
        weekly = {name: np.zeros((1, len(weeks))) for name in TWIN_SERIES}
        days_in_week = np.zeros(len(weeks), dtype=np.int64)
        for day, arrivals in zip(days, self.arrivals, strict=True):
            weekly["arrivals"][0, position[week_start(day)]] += arrivals
            days_in_week[position[week_start(day)]] += 1
        for week in weekly_ledger(self.services, self.scheme.id).weeks:
            if week.week_start in position:
                weekly["returns"][0, position[week.week_start]] = week.returned
                weekly["admissions"][0, position[week.week_start]] = week.clearances_issued
        with self.services.uow() as uow:
            returns = uow.returns.count_by_status(self.scheme.id)
            admissions = {s: len(uow.admissions.ids_by_status(self.scheme.id, frozenset({s}))) for s in AdmissionStatus}
        return TwinResult(
            trajectories=Trajectories(
                scenario_id=inputs.scenario_id,
                scheme_version=self.scheme.version,
                week_starts=weeks,
                days_in_week=days_in_week,
                weekly=weekly,
                assumptions=(inputs.behaviour.assumptions(),) if inputs.behaviour.enabled else (),
            ),
            scheme_id=self.scheme.id,
            scheme_version=self.scheme.version,
            refused=dict(self.op.refused),
            return_cases={status.value: count for status, count in returns.items()},
            admission_cases={status.value: count for status, count in admissions.items() if count},
        )
