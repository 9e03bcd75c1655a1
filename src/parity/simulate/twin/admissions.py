"""The twin's admissions leg: expressions of interest, location confirmation, stage 2 (eligibility, an invitation
by a selection round, the visa-centre appointment, the outcome), entry clearance and travel.

Its steps, in the day's order (`run.py`): 11:00-13:30 yesterday's expressions of interest confirm their location,
stage 2 starts (eligibility, then a selection round proposed by one actor and approved by another, for the places
the selection service releases: none while admissions are paused), visa-centre appointments, stage-2 outcomes,
entry clearances (largest families first, until the ledger refuses) and, `TRAVEL_DAYS` later, arrivals in the UK;
20:00 new expressions of interest.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import date

from parity.domain.eligibility import age_on
from parity.scheme import Scheme
from parity.services.applications import SubmitExpressionOfInterest, submit_expression_of_interest
from parity.simulate.inputs import EngineInputs
from parity.simulate.synthetic import SyntheticPeople
from parity.simulate.twin.operator import Chances, Leg, Operator

TRAVEL_DAYS = 3  # assumption: a family travels a few days after its entry clearance is issued (valid 3 months)


@dataclass(frozen=True)
class _Family:
    case_id: str
    member_ids: tuple[str, ...]
    adult_ids: tuple[str, ...]  # each adult confirms their own location (rule 13)
    documents: tuple[dict[str, str], ...]  # what each member shows at the visa centre: their stage-1 document

    @property
    def size(self) -> int:
        return len(self.member_ids)


class AdmissionsLeg(Leg):
    def __init__(
        self, inputs: EngineInputs, scheme: Scheme, chances: Chances, people: SyntheticPeople, op: Operator
    ) -> None:
        super().__init__(inputs, scheme, chances, people, op)
        self.families = 0
        self.pool_submitted = False
        self.unconfirmed: list[_Family] = []
        self.pool: deque[_Family] = deque()  # location confirmed, waiting for stage 2
        self.awaiting_invitation: dict[str, _Family] = {}  # found eligible, by case id, in order, not yet invited
        self.appointments: defaultdict[int, list[_Family]] = defaultdict(list)
        self.outcomes: defaultdict[int, list[_Family]] = defaultdict(list)
        self.cleared_families: list[_Family] = []
        self.travel: defaultdict[int, list[_Family]] = defaultdict(list)

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
            self.op.on_admission(family.case_id, "enrol_biometrics", documents_presented=list(family.documents))
        self.op.at(day, 12, 30)
        for family in self.outcomes.pop(index, []):
            if self.chances.chance(inputs.verification_refusal_rate):
                # One member's refusal refuses the whole family (rule 20).
                member = self.chances.pick(family.member_ids)
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
        size = 1 + int(self.chances.rng.choice(len(self.inputs.family_sizes), p=self.inputs.family_sizes))
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
        documents = tuple(
            {"member_id": i, "document_number": m.document_number} for i, m in zip(ids, members, strict=True)
        )
        return _Family(submitted["case_id"], ids, adults, documents)

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
        checks = int(self.chances.rng.poisson(inputs.verifications_per_day))
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
        for _ in range(int(self.chances.rng.poisson(self.inputs.new_applicants_per_day))):
            self.unconfirmed.append(self.submit(day))
