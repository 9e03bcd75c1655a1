"""The twin's returns leg: people on boats, screened, selected and detained, referred to France, through France's
reply, legal challenges and NRM decisions, onto flights, and back on a boat for some.

Its steps, in the day's order (`run.py`), with clock times that keep every action after the last:

- 07:00 replies from France (late ones escalated first), legal challenges and NRM decisions, absconding; people
  cleared for removal join the queue for flights, 07:30 the queue's head is booked on the next flight;
- 10:00 a flight (unless cancelled) takes its booked people until the ledger refuses one for the weekly level;
  the others are rebooked on the next flight at 10:30;
- 14:00 readmission requests, oldest first (with the inadmissibility decision on the protection claim); cases past
  the 14-day deadline are closed as expired;
- 16:00 the day's boats are recorded and screened; 16:30 returnees crossing again are flagged and detained first,
  other eligible people selected by chance, and detained while places last. Everyone eligible whom the UK does not
  pursue (not selected, or no place) is released into the asylum route then, with the reason, as a caseworker
  closes a case the scheme will not take up: left open, each would count as a missed Art. 8 request deadline in
  the Joint Committee report 14 days later, although no request was ever meant to be sent.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np

from parity.scheme import Scheme
from parity.services.intake import PersonInput, RecordArrival, record_arrival
from parity.simulate.inputs import EngineInputs
from parity.simulate.synthetic import Screened, SyntheticPeople
from parity.simulate.twin.operator import ACTOR, Chances, Leg, Operator

PEOPLE_PER_BOAT = 59  # brief §7: about 59 people per boat in 2025
PLACE = "Dover, Western Jet Foil"  # brief §3: first detentions at Western Jet Foil, Dover
# Grounds on which France refuses in the twin (brief §2, rule 10), where the scheme lists them.
FRANCE_REFUSAL_REASONS = ("public_order", "national_security", "public_health", "not_transited_france", "other")
# Why an eligible person the UK does not pursue is released into the asylum route, the day they are screened.
NOT_SELECTED = "not selected for return under the scheme"
NO_DETENTION_PLACE = "selected, but no detention place"


class ReturnsLeg(Leg):
    def __init__(
        self, inputs: EngineInputs, scheme: Scheme, chances: Chances, people: SyntheticPeople, op: Operator
    ) -> None:
        super().__init__(inputs, scheme, chances, people, op)
        listed = [reason for reason in FRANCE_REFUSAL_REASONS if reason in scheme.returns.refusal_reasons]
        self.refusal_reasons = listed or list(scheme.returns.refusal_reasons)
        # Screening finds the eligible share; selection picks among them, so both together give the engine's chance.
        self.selection_share = inputs.selection_probability / inputs.eligible_share if inputs.eligible_share else 0.0
        self.arrivals = np.zeros(inputs.days, dtype=np.int64)
        # Case ids waiting for each step, by the day index the step falls due.
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
        # Behavioural response: trailing daily arrivals and returns, as in the engine
        window = inputs.behaviour.window_days
        self.recent_arrivals = np.zeros(window, dtype=np.int64)
        self.recent_returns = np.zeros(window, dtype=np.int64)

    # Engine step 1: coming out of waiting

    def come_out_of_waiting(self, index: int, day: date) -> None:
        inputs = self.inputs
        self.op.at(day, 7)
        for case_id in self.escalations.pop(index, []):
            self.op.on_return(case_id, "escalate_overdue_reply")
        for case_id in self.replies.pop(index, []):
            if self.chances.chance(inputs.france_refusal_rate):
                self.op.on_return(case_id, "refuse", reason=self.chances.pick(self.refusal_reasons))
                self.in_detention -= 1
            else:
                self.op.on_return(case_id, "accept")
                self.after_acceptance(case_id, index, day)
        for case_id in self.challenges.pop(index, []):
            if self.chances.chance(inputs.legal_success_rate):
                self.op.legal_event(case_id, "injunction", "in_force", day, "Order of the High Court")
                self.release(case_id, "removal stopped by court order")
            else:
                self.op.legal_event(case_id, "suspensive_appeal", "dismissed", day, "Judgment of the High Court")
                self.after_challenge(case_id, index, day)
        for case_id in self.nrm_decisions.pop(index, []):
            if self.chances.chance(inputs.nrm_positive_rate):
                self.op.legal_event(case_id, "nrm", "positive_reasonable_grounds", day, "Competent authority decision")
                self.release(case_id, "positive reasonable-grounds decision (NRM)")
            else:
                self.op.legal_event(case_id, "nrm", "negative_reasonable_grounds", day, "Competent authority decision")
                self.cleared(case_id)
        self.op.at(day, 7, 30)
        self.book(index)

    def after_acceptance(self, case_id: str, index: int, day: date) -> None:
        if self.chances.chance(self.inputs.legal_challenge_rate):
            self.op.legal_event(case_id, "suspensive_appeal", "pending", day, "Judicial review claim lodged")
            self.challenges[index + self.inputs.legal_challenge_days].append(case_id)
        else:
            self.after_challenge(case_id, index, day)

    def after_challenge(self, case_id: str, index: int, day: date) -> None:
        if self.chances.chance(self.inputs.nrm_rate):
            self.op.legal_event(case_id, "nrm", "referred", day, "NRM referral by a first responder")
            self.nrm_decisions[index + self.inputs.nrm_days].append(case_id)
        else:
            self.cleared(case_id)

    def cleared(self, case_id: str) -> None:
        if self.chances.chance(self.inputs.abscond_rate):
            self.op.on_return(case_id, "record_absconded")
            self.in_detention -= 1
        else:
            self.ready.append(case_id)

    def release(self, case_id: str, reason: str) -> None:
        self.op.on_return(case_id, "release_to_asylum_route", reason=reason)
        self.in_detention -= 1

    # Engine step 2: flights

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
            if case_id in self.booked:
                continue
            flight_ref, departs_at = f"PLF-{departs:%Y%m%d}", departs.isoformat()
            if not self.op.try_return(case_id, "schedule_transfer", flight_ref=flight_ref, departs_at=departs_at):
                return  # the ledger refused: the flight's week is booked up to its level
            self.booked.add(case_id)

    def fly(self, index: int, day: date) -> None:
        if not self.inputs.flight_day[index]:
            return
        operated = self.chances.rng.random() >= self.inputs.flight_cancellation_rate
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
            if self.chances.chance(self.inputs.recross_rate):
                self.recrossing[index + self.inputs.recross_days].append(case_id)
        self.op.at(day, 10, 30)
        self.book(index)

    # Engine step 4: referrals

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
            extended = self.chances.chance(inputs.reply_extended_share)
            wait = inputs.reply_extended_days if extended else inputs.reply_days
            if wait > inputs.reply_deadline_days:
                self.escalations[index + inputs.reply_deadline_days + 1].append(case_id)
            self.replies[index + wait].append(case_id)

    # Engine step 5: arrivals

    def arrive(self, index: int, day: date, base: int) -> None:
        inputs = self.inputs
        people = base
        if inputs.behaviour.enabled:
            returned_share = self.recent_returns.sum() / max(int(self.recent_arrivals.sum()), 1)
            people = int(self.chances.rng.binomial(base, np.exp(-inputs.behaviour.elasticity * returned_share)))
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
        not_selected: list[str] = []
        for (person, previous_case), case in zip(on_boats, screened, strict=True):
            if case["status"] != "eligible":
                continue
            if previous_case is not None:
                evidence = "Biometric match to a person returned under the scheme (rule 11)"
                self.op.on_return(case["case_id"], "flag_recrossing", previous_case_id=previous_case, evidence=evidence)
            elif not self.chances.chance(self.selection_share):
                not_selected.append(case["case_id"])
                continue
            self.detain(index, case["case_id"], person)
        if not_selected:  # one command for the day's boats, as a caseworker closes them together
            self.op.on_returns(not_selected, "release_to_asylum_route", reason=NOT_SELECTED)

    def newcomer(self, day: date) -> PersonInput:
        screened = (
            Screened.ELIGIBLE if self.chances.chance(self.inputs.eligible_share) else self.people.ineligible_kind()
        )
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

    def detain(self, index: int, case_id: str, person: PersonInput) -> None:
        if self.in_detention >= self.inputs.detention_places:
            self.op.on_return(case_id, "release_to_asylum_route", reason=NO_DETENTION_PLACE)
            return
        self.op.on_return(case_id, "detain")
        self.in_detention += 1
        self.identities[case_id] = person
        self.awaiting_request.append((case_id, index))
