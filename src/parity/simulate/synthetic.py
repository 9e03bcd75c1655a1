"""Synthetic people for the twin: names, nationalities, ages and documents, drawn from a seed; no real personal data.

Only what the twin's events need is varied: whether an arriving person is eligible for return (and, if not, for
which of the brief's reasons), and the size of a family applying for admission.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta

from parity.domain.people import AgeStatus, Sex
from parity.scheme.model import ReturnGround
from parity.services.applications import ApplicantInput
from parity.services.intake import PersonInput

# Brief §7: Q1 2025 nationalities of small-boat arrivals (Eritrea 20%, Afghanistan 13%, Sudan 12%, Vietnam 8%,
# Iran 8%); the rest spread over other frequent nationalities.
ARRIVAL_NATIONALITIES = {
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
# Brief §4: the route prioritises nationalities with asylum grant rates above 80% (Eritrea, Afghanistan, Sudan).
APPLICANT_NATIONALITIES = ("ERI", "AFG", "SDN", "SYR", "IRN")
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
TRANSIT_EVIDENCE = "Interview: departed from a beach near Gravelines"


class Screened(StrEnum):
    """What screening at intake will find, so that the scenario's eligible share is met by the real rules."""

    ELIGIBLE = "eligible"
    UNACCOMPANIED_MINOR = "unaccompanied_minor"  # never eligible (rule 3)
    AGE_DISPUTED = "age_disputed"  # blocked until an age assessment is recorded (rule 3)
    NO_TRANSIT_EVIDENCE = "no_transit_evidence"  # no Art. 7 evidence of stay in France (rule 2)


# Assumption: the brief gives no breakdown of why arrivals fall outside the scheme; this mix only varies the records.
INELIGIBLE_MIX = {Screened.UNACCOMPANIED_MINOR: 5, Screened.AGE_DISPUTED: 3, Screened.NO_TRANSIT_EVIDENCE: 2}


class SyntheticPeople:
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)  # noqa: S311 (synthetic people, not secrets)

    def _name(self, nationality: str) -> tuple[str, str]:
        given, family = NAMES[nationality]
        return self.random.choice(given), self.random.choice(family)

    def _born(self, day: date, youngest: int, oldest: int) -> date:
        """A date of birth making the person at least `youngest` and at most `oldest` years old on `day`, counted in
        calendar years (a 365-day year would make some 17-year-olds 18)."""
        latest = day - relativedelta(years=youngest)
        earliest = day - relativedelta(years=oldest + 1) + timedelta(days=1)
        return latest - timedelta(days=self.random.randint(0, (latest - earliest).days))

    def ineligible_kind(self) -> Screened:
        return self.random.choices(list(INELIGIBLE_MIX), weights=list(INELIGIBLE_MIX.values()))[0]

    def arriving(self, day: date, screened: Screened) -> PersonInput:
        """One person on a small boat whom screening will find `screened`."""
        nationality = self.random.choices(list(ARRIVAL_NATIONALITIES), weights=list(ARRIVAL_NATIONALITIES.values()))[0]
        given, family = self._name(nationality)
        minor = screened is Screened.UNACCOMPANIED_MINOR
        age_status = {
            Screened.UNACCOMPANIED_MINOR: AgeStatus.UNACCOMPANIED_MINOR,
            Screened.AGE_DISPUTED: AgeStatus.DISPUTED,
        }.get(screened, AgeStatus.ADULT)
        return PersonInput(
            given_names=given,
            family_name=family,
            nationality=nationality,
            sex=Sex.MALE if self.random.random() < 0.85 else Sex.FEMALE,
            age_status=age_status,
            grounds=frozenset({ReturnGround.PROTECTION_CLAIM, ReturnGround.APPREHENDED}),
            departed_from="FR",
            date_of_birth=self._born(day, 14, 17) if minor else self._born(day, 18, 45),
            transit_evidence=None if screened is Screened.NO_TRANSIT_EVIDENCE else TRANSIT_EVIDENCE,
            biometric_ref=f"BIO-{self.random.getrandbits(40):010x}",
        )

    def family(self, day: date, size: int) -> list[ApplicantInput]:
        """A family applying for admission: the main applicant, a second adult from two people, then children."""
        nationality = self.random.choice(APPLICANT_NATIONALITIES)
        _, family_name = self._name(nationality)
        return [
            ApplicantInput(
                given_names=self._name(nationality)[0],
                family_name=family_name,
                date_of_birth=self._born(day, 20, 50) if member < 2 else self._born(day, 1, 16),
                nationality=nationality,
                sex=Sex.FEMALE if member == 1 else self.random.choice([Sex.MALE, Sex.FEMALE]),
                is_main_applicant=member == 0,
                document_type="passport",
                document_number=f"P{self.random.getrandbits(32):08X}",
            )
            for member in range(size)
        ]
