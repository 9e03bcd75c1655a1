"""People with distinctive personal data, recorded through the services, for the personal-data-at-rest tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import Engine, select

from parity.domain.people import AgeStatus, Sex
from parity.services.applications import ApplicantInput, SubmitExpressionOfInterest, submit_expression_of_interest
from parity.services.context import Services
from parity.store import tables
from tests.builders import record_boat, utc

# Values that must never appear in clear in a table.
YONAS = {
    "given_names": "Yonas",
    "family_name": "Tesfamariam",
    "date_of_birth": date(1995, 3, 2),
    "document_type": "passport",
    "document_number": "ER0451277",
    "biometric_ref": "BIO-77123",
    "transit_evidence": "Interview: stayed in the Loon-Plage camp",
}
PLAINTEXT = ("Yonas", "Tesfamariam", "1995-03-02", "ER0451277", "BIO-77123", "Loon-Plage", "Amina", "Rahimi")


def arrive_people(services: Services, command_id: str, *people: dict[str, Any]) -> list[tuple[str, str]]:
    """Record one boat carrying `people` (person_input overrides); (case id, person id) of each."""
    result = record_boat(services, command_id, *people, at=services.clock.now().replace(hour=4))
    return [(case["case_id"], case["person_id"]) for case in result["cases"]]


def apply_as_family(services: Services, family_ref: str, document_number: str = "AF1234567") -> tuple[str, list[str]]:
    """An expression of interest from Amina Rahimi and her son; (case id, member ids)."""
    members = [
        ApplicantInput("Amina", "Rahimi", date(1988, 6, 1), "AFG", Sex.FEMALE, True, "passport", document_number),
        ApplicantInput("Farid", "Rahimi", date(2015, 2, 9), "AFG", Sex.MALE, False, "passport", "AF7654321"),
    ]
    result = submit_expression_of_interest(
        services, SubmitExpressionOfInterest(f"eoi:{family_ref}", "applicant", "uk-fr-2025", family_ref, members)
    )
    return str(result["case_id"]), [str(m) for m in result["member_ids"]]


def raw_cells(engine: Engine) -> Iterator[str]:
    """Every text value in the tables that hold personal data, as stored."""
    with engine.connect() as connection:
        for table in (tables.people, tables.admission_members, tables.identity_records):
            for row in connection.execute(select(table)):
                yield from (str(value) for value in row if value is not None)


UNACCOMPANIED_MINOR = {"age_status": AgeStatus.UNACCOMPANIED_MINOR}
START = utc(2025, 9, 1, 8)
