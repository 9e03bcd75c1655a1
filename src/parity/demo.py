"""Realistic demo data: the pilot's first weeks replayed day by day through the real services.

Boats and people follow the Home Office daily series from 6 August 2025; names, nationalities and outcomes are
synthetic (seeded), drawn to match the brief: about 50 returns a week, French replies within 14 days, a share of
legal challenges and NRM referrals, and families applying for admission while the ledger releases places.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from typing import Any

from parity.domain.admissions import AdmissionStatus
from parity.domain.errors import DomainError
from parity.domain.people import AgeStatus, Sex
from parity.domain.returns import ReturnStatus
from parity.scheme.model import ReturnGround
from parity.services.applications import ApplicantInput, SubmitExpressionOfInterest, submit_expression_of_interest
from parity.services.cases import CaseCommand, act_on_admission_case, act_on_return_case
from parity.services.context import Services, SettableClock
from parity.services.intake import PersonInput, RecordArrival, record_arrival

SCHEME = "uk-fr-2025"
# Brief §7: Q1 2025 nationalities of small-boat arrivals (Eritrea 20%, Afghanistan 13%, Sudan 12%, Vietnam 8%,
# Iran 8%); the rest spread over other frequent nationalities.
NATIONALITIES = {
    "ERI": 20,
    "AFG": 13,
    "SDN": 12,
    "VNM": 8,
    "IRN": 8,
    "SYR": 8,
    "IRQ": 8,
    "ETH": 6,
    "SOM": 5,
    "EGY": 4,
    "IND": 4,
    "TUR": 4,
}
NAMES = {
    "ERI": (["Yonas", "Tesfay", "Senait", "Kibrom", "Helen", "Filmon"], ["Gebremedhin", "Haile", "Tekle", "Berhane"]),
    "ETH": (["Abebe", "Meron", "Dawit", "Selam"], ["Tadesse", "Bekele", "Girma", "Alemu"]),
    "AFG": (["Ahmad", "Mohammad", "Zainab", "Farid", "Gul"], ["Ahmadzai", "Rahimi", "Hotak", "Safi"]),
    "SDN": (["Mohamed", "Abdelrahman", "Fatima", "Osman"], ["Elamin", "Abdalla", "Osman", "Ibrahim"]),
    "VNM": (["Nguyen Van", "Tran Thi", "Le Minh", "Pham"], ["Nguyen", "Tran", "Le", "Pham"]),
    "IRN": (["Reza", "Maryam", "Ali", "Sara"], ["Hosseini", "Mohammadi", "Karimi", "Rezaei"]),
    "SYR": (["Omar", "Lina", "Khaled", "Rania"], ["Al-Hassan", "Haddad", "Al-Masri", "Khalil"]),
    "IRQ": (["Karwan", "Shilan", "Aras", "Dilan"], ["Ahmed", "Rashid", "Aziz", "Salih"]),
    "SOM": (["Abdi", "Hodan", "Mahad", "Faisa"], ["Abdullahi", "Warsame", "Farah", "Hassan"]),
    "EGY": (["Mahmoud", "Yasmin", "Tarek"], ["El-Sayed", "Hassan", "Mostafa"]),
    "IND": (["Harpreet", "Gurpreet", "Amandeep"], ["Singh", "Kaur", "Sandhu"]),
    "TUR": (["Emre", "Zeynep", "Mehmet"], ["Yilmaz", "Kaya", "Demir"]),
}
REFUSAL_REASONS = ["public_order", "national_security", "not_transited_france", "outside_scope"]


@dataclass
class DemoSummary:
    days: int
    arrivals: int
    people: int
    returned: int
    admitted: int


def daily_arrivals(first: date, last: date) -> Iterator[tuple[date, int, int]]:
    """(day, people, boats) from the Home Office series shipped in `parity.data`."""
    with resources.files("parity.data").joinpath("uk_small_boats_daily.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            day = date.fromisoformat(row["date"])
            if first <= day <= last:
                yield day, int(row["migrants_arrived"]), int(row["boats_arrived"])


class DemoRun:
    def __init__(self, services: Services, clock: SettableClock, seed: int) -> None:
        self.services = services
        self.clock = clock
        self.random = random.Random(seed)
        self.commands = 0
        self.people = 0
        self.arrivals = 0
        self.pending: dict[str, date] = {}  # case id -> day of its next step
        self.families = 0

    def command_id(self) -> str:
        self.commands += 1
        return f"demo-{self.commands}"

    def at(self, day: date, hour: int) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=UTC)

    def act(self, act: Callable[[Services, CaseCommand], Any], case_id: str, action: str, **payload: Any) -> bool:
        try:
            act(self.services, CaseCommand(self.command_id(), "demo-officer", case_id, action, payload))
        except DomainError:
            return False  # the rules said no (a blocker, a full week): the case waits, as it would in life
        return True

    def day(self, day: date, people: int, boats: int) -> None:
        self.clock.current = self.at(day, 6)
        detained_today = 0
        for boat, size in enumerate(_split(people, boats, self.random)):
            result = record_arrival(
                self.services,
                RecordArrival(
                    self.command_id(),
                    "demo-intake",
                    SCHEME,
                    f"SB-{day:%Y%m%d}-{boat + 1:02d}",
                    self.at(day, 4),
                    "Dover, Western Jet Foil",
                    tuple(self.person(day) for _ in range(size)),
                ),
            )
            self.arrivals += 1
            self.people += size
            for case in result["cases"]:
                # Only a small proportion of arrivals is selected (brief §3): about 8 a day, ~50 a week.
                if case["status"] == "eligible" and detained_today < 8 and self.random.random() < 0.2:
                    self.clock.current = self.at(day, 9)
                    if self.act(act_on_return_case, case["case_id"], "detain"):
                        detained_today += 1
                        self.pending[case["case_id"]] = day + timedelta(days=self.random.randint(1, 3))
        self.advance_returns(day)
        self.admissions(day)

    def person(self, day: date) -> PersonInput:
        nationality = self.random.choices(list(NATIONALITIES), weights=list(NATIONALITIES.values()))[0]
        given, family = NAMES[nationality]
        roll = self.random.random()
        age = AgeStatus.ADULT if roll < 0.9 else AgeStatus.DISPUTED if roll < 0.96 else AgeStatus.UNACCOMPANIED_MINOR
        born = None if self.random.random() < 0.3 else day - timedelta(days=self.random.randint(18 * 365, 45 * 365))
        return PersonInput(
            given_names=self.random.choice(given),
            family_name=self.random.choice(family),
            nationality=nationality,
            sex=Sex.MALE if self.random.random() < 0.85 else Sex.FEMALE,
            age_status=age,
            grounds=frozenset({ReturnGround.PROTECTION_CLAIM, ReturnGround.APPREHENDED}),
            departed_from="FR",
            date_of_birth=born,
            transit_evidence="Interview: departed from a beach near Gravelines"
            if self.random.random() < 0.97
            else None,
            biometric_ref=f"BIO-{self.random.getrandbits(40):010x}",
        )

    def advance_returns(self, day: date) -> None:
        self.clock.current = self.at(day, 12)
        with self.services.uow() as uow:
            statuses = {case_id: uow.returns.get(case_id).status for case_id in self.pending}
        for case_id, status in statuses.items():
            if self.pending[case_id] > day:
                continue
            self.step_return(case_id, status, day)

    def step_return(self, case_id: str, status: ReturnStatus, day: date) -> None:
        r = self.random.random()
        wait = timedelta(days=self.random.randint(3, 12))
        if status is ReturnStatus.DETAINED:
            self.act(act_on_return_case, case_id, "send_request")
            if r < 0.12:
                self.act(
                    act_on_return_case,
                    case_id,
                    "record_legal_event",
                    kind="protection_claim",
                    state="lodged",
                    decided_on=day.isoformat(),
                    evidence="Screening interview record",
                )
            elif r < 0.16:
                self.act(
                    act_on_return_case,
                    case_id,
                    "record_legal_event",
                    kind="nrm",
                    state="referred",
                    decided_on=day.isoformat(),
                    evidence="NRM referral by first responder",
                )
        elif status is ReturnStatus.REQUEST_SENT:
            if r < 0.85:
                self.act(act_on_return_case, case_id, "accept")
            elif r < 0.95:
                self.act(act_on_return_case, case_id, "refuse", reason=self.random.choice(REFUSAL_REASONS))
            else:
                self.act(act_on_return_case, case_id, "escalate_overdue_reply")
        elif status is ReturnStatus.REPLY_OVERDUE:
            self.act(act_on_return_case, case_id, "accept")
        elif status is ReturnStatus.ACCEPTED:
            self.clear_blockers(case_id, day)
            flight = day + timedelta(days=(3 - day.weekday()) % 7 or 7)  # Thursday group flights
            self.act(
                act_on_return_case,
                case_id,
                "schedule_transfer",
                flight_ref=f"PLF-{flight:%Y%m%d}",
                departs_at=self.at(flight, 9).isoformat(),
            )
            wait = flight - day
        elif status is ReturnStatus.TRANSFER_SCHEDULED:
            self.clock.current = self.at(day, 10)
            if not self.act(act_on_return_case, case_id, "complete_transfer"):
                self.act(act_on_return_case, case_id, "cancel_transfer")
            wait = timedelta(days=1)
        else:
            del self.pending[case_id]
            return
        self.pending[case_id] = day + max(wait, timedelta(days=1))

    def clear_blockers(self, case_id: str, day: date) -> None:
        """Most claims in the pilot were declared inadmissible within days (brief §3); NRM cases mostly negative."""
        if self.random.random() < 0.8:
            self.act(
                act_on_return_case,
                case_id,
                "record_legal_event",
                kind="protection_claim",
                state="declared_inadmissible",
                decided_on=day.isoformat(),
                evidence="Inadmissibility decision",
            )
            self.act(
                act_on_return_case,
                case_id,
                "record_legal_event",
                kind="nrm",
                state="negative_reasonable_grounds",
                decided_on=day.isoformat(),
                evidence="SCA decision",
            )

    def admissions(self, day: date) -> None:
        self.clock.current = self.at(day, 15)
        if day >= date(2025, 8, 7):
            for _ in range(self.random.randint(1, 4)):
                self.submit_family(day)
        with self.services.uow() as uow:
            ids = uow.admissions.ids_by_status(SCHEME, frozenset(AdmissionStatus) - frozenset({AdmissionStatus.NEW}))
            cases = [uow.admissions.get(case_id) for case_id in ids]
        for case in cases:
            if case.submitted_at.date() + timedelta(days=7) > day:
                continue
            self.step_admission(case.id, case.status, [m.id for m in case.members])

    def submit_family(self, day: date) -> None:
        self.families += 1
        nationality = self.random.choice(["ERI", "AFG", "SDN", "SYR", "IRN"])
        given, family_names = NAMES[nationality]
        family_name = self.random.choice(family_names)
        size = self.random.choice([1, 1, 1, 2, 3, 4])
        members = [
            ApplicantInput(
                given_names=self.random.choice(given),
                family_name=family_name,
                # The first two members are the parents (adults); the rest are their children.
                date_of_birth=day
                - timedelta(
                    days=self.random.randint(20 * 365, 50 * 365) if i < 2 else self.random.randint(365, 16 * 365)
                ),
                nationality=nationality,
                sex=Sex.FEMALE if i == 1 else Sex.MALE,
                is_main_applicant=i == 0,
                document_type="passport",
                document_number=f"P{self.random.getrandbits(32):08X}",
            )
            for i in range(size)
        ]
        submitted = submit_expression_of_interest(
            self.services,
            SubmitExpressionOfInterest(self.command_id(), "applicant", SCHEME, f"FAM-{self.families:05d}", members),
        )
        adults = submitted["member_ids"][:2]
        self.clock.current += timedelta(hours=2)  # each adult confirms by phone geolocation within 24 hours
        self.act(
            act_on_admission_case, submitted["case_id"], "confirm_location", country="FR", confirmed_member_ids=adults
        )

    def step_admission(self, case_id: str, status: AdmissionStatus, members: list[str]) -> None:
        act = act_on_admission_case
        if status is AdmissionStatus.LOCATION_CONFIRMED:
            self.act(act, case_id, "find_eligible")
        elif status is AdmissionStatus.ELIGIBLE:
            self.act(act, case_id, "invite")
        elif status is AdmissionStatus.INVITED:
            self.act(act, case_id, "enrol_biometrics", documents_match=True)
        elif status is AdmissionStatus.BIOMETRICS_ENROLLED:
            if self.random.random() < 0.05:
                self.act(act, case_id, "refuse", member_id=members[-1], reason="security checks")
            else:
                self.act(act, case_id, "clear_security")
        elif status is AdmissionStatus.SECURITY_CLEARED:
            self.act(act, case_id, "issue_entry_clearance")
        elif status is AdmissionStatus.CLEARANCE_ISSUED and self.random.random() < 0.3:
            self.act(act, case_id, "record_arrival")


def _split(people: int, boats: int, rng: random.Random) -> list[int]:
    """Share a day's people between its boats (at least one each), roughly evenly as the daily series allows."""
    boats = max(1, min(boats, people)) if people else 0
    sizes = [1] * boats
    for _ in range(people - boats):
        sizes[rng.randrange(boats)] += 1
    return sizes


def seed_demo(
    services: Services,
    clock: SettableClock,
    weeks: int = 10,
    seed: int = 2025,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    first = date(2025, 8, 6)
    days = list(daily_arrivals(first, first + timedelta(weeks=weeks) - timedelta(days=1)))
    run = DemoRun(services, clock, seed)
    for index, (day, people, boats) in enumerate(days):
        run.day(day, people, boats)
        if progress is not None:
            progress(index + 1, len(days))
    with services.uow() as uow:
        ledger = uow.ledgers.get(SCHEME)
    return DemoSummary(len(days), run.arrivals, run.people, ledger.returned, ledger.admitted)
