"""Subject access: everything held on one person, decrypted, found by id or blind index, and audited as a read."""

from __future__ import annotations

import json
from datetime import date

import pytest
from tests.builders import act, admission_act, invite_outside_a_round
from tests.personal_data_support import YONAS, apply_as_family, arrive_people

from parity.domain.errors import InvalidCommand
from parity.identity.live import SplinkIdentityResolver
from parity.services.context import Services
from parity.services.ports import NotFound
from parity.services.subject_access import OTHER_MEMBER, SubjectLookup, subject_access_export


def test_an_export_by_record_id_holds_the_identity_the_arrival_and_the_whole_case_history(services: Services) -> None:
    [(case_id, person_id), (_other_case, other)] = arrive_people(services, "b1", YONAS, {"family_name": "Haile"})
    act(services, case_id, "detain")

    export = subject_access_export(services, SubjectLookup(record_id=person_id))

    json.dumps(export)  # JSON as it stands
    [record] = export["records"]
    assert export["found_by"] == "record_id"
    assert record["record_id"] == person_id
    assert record["identity"] == {
        "given_names": "Yonas",
        "family_name": "Tesfamariam",
        "date_of_birth": "1995-03-02",
        "nationality": "ERI",
        "sex": "M",
        "documents": [{"kind": "passport", "number": "ER0451277", "issuing_country": None, "expired": False}],
        "biometric_ref": "BIO-77123",
    }
    assert record["transit_evidence"] == "Interview: stayed in the Loon-Plage camp"
    assert record["arrival"]["boat_ref"] == "SB-b1"
    assert record["return_case"]["case_id"] == case_id
    assert record["return_case"]["scheme_id"] == "uk-fr-2025"
    kinds = [a["kind"] for a in record["return_case"]["actions"]]
    assert kinds == ["detect", "screen_eligible", "record_legal_event", "detain"]
    assert [entry["record_id"] for entry in record["identity_index"]] == [person_id]
    assert record["identity_index"][0]["document_number"] == "ER0451277"
    assert other not in json.dumps(export)  # the other person on the boat is not in it
    assert "Haile" not in json.dumps(export)
    with services.uow() as uow:
        [read] = uow.audit.latest(1)
    assert (read.event.action, read.event.outcome) == ("subject_access_export", "read")
    assert set(read.event.record_ids) == {person_id, case_id}


def test_a_document_number_finds_the_arrival_and_the_application_of_the_same_person(services: Services) -> None:
    [(case_id, person_id)] = arrive_people(services, "b1", YONAS)
    family_case, [amina, farid] = apply_as_family(services, "FAM-1", document_number="ER0451277")

    export = subject_access_export(services, SubjectLookup(document_number="er 0451277"))

    by_source = {r["source"]: r for r in export["records"]}
    assert by_source["arrival"]["record_id"] == person_id
    assert by_source["arrival"]["return_case"]["case_id"] == case_id
    application = by_source["admission"]
    assert application["record_id"] == amina
    assert application["identity"]["given_names"] == "Amina"
    assert application["admission_case"]["case_id"] == family_case
    assert application["admission_case"]["other_member_ids"] == [farid]  # a family member's data is theirs
    assert "Farid" not in json.dumps(export)
    assert [a["kind"] for a in application["admission_case"]["actions"]] == ["submit_expression_of_interest"]


def test_a_family_members_export_holds_what_was_recorded_about_them_and_not_about_the_others(
    services: Services,
) -> None:
    family_case, [amina, farid] = apply_as_family(services, "FAM-1", document_number="ER0451277")
    shown = [{"member_id": amina, "document_number": "ER0451277"}, {"member_id": farid, "document_number": "AF7654321"}]
    steps: list[tuple[str, dict[str, object]]] = [
        ("confirm_location", {"country": "FR", "confirmed_member_ids": [amina]}),
        ("find_eligible", {}),
    ]
    for kind, payload in steps:
        admission_act(services, family_case, kind, payload)
    invite_outside_a_round(services, family_case)
    admission_act(services, family_case, "enrol_biometrics", {"documents_presented": shown})
    about_farid = {"member_id": farid, "exclusion": "prior_irregular_entry", "evidence": "Farid crossed in 2024"}
    admission_act(services, family_case, "record_exclusion", about_farid)

    def payloads(document: str) -> dict[str, dict[str, object]]:
        [record] = subject_access_export(services, SubjectLookup(document_number=document))["records"]
        return {a["kind"]: a["payload"] for a in record["admission_case"]["actions"]}

    amina_sees, farid_sees = payloads("ER0451277"), payloads("AF7654321")
    assert amina_sees["enrol_biometrics"] == {"documents_presented": [shown[0]]}
    assert farid_sees["enrol_biometrics"] == {"documents_presented": [shown[1]]}
    assert amina_sees["record_exclusion"] == {**about_farid, "evidence": OTHER_MEMBER}  # that it happened, coded
    assert farid_sees["record_exclusion"] == about_farid


def test_a_family_name_with_a_date_of_birth_finds_the_person_and_nothing_else(services: Services) -> None:
    arrive_people(services, "b1", YONAS, {**YONAS, "given_names": "Dawit", "date_of_birth": date(1990, 1, 1)})

    export = subject_access_export(services, SubjectLookup(family_name="TESFAMARIAM", date_of_birth=date(1995, 3, 2)))

    assert [r["identity"]["given_names"] for r in export["records"]] == ["Yonas"]
    assert export["found_by"] == "family_name_and_date_of_birth"


def test_identity_flags_naming_the_record_are_part_of_the_export(services: Services) -> None:
    services.identity = SplinkIdentityResolver(today=date(2026, 1, 1))
    [(_first_case, first)] = arrive_people(services, "b1", YONAS)
    [(_second_case, second)] = arrive_people(services, "b2", {**YONAS, "given_names": "Yonas T."})

    [record] = subject_access_export(services, SubjectLookup(record_id=first))["records"]

    [flag] = record["identity_flags"]
    assert (flag["record_id"], flag["candidate_record_id"], flag["status"]) == (second, first, "pending")
    assert flag["model_version"]


def test_nothing_found_and_an_unclear_lookup_are_refused_without_echoing_the_value(services: Services) -> None:
    arrive_people(services, "b1", YONAS)

    with pytest.raises(NotFound, match="document number") as missing:
        subject_access_export(services, SubjectLookup(document_number="ZZ999111"))
    assert "ZZ999111" not in str(missing.value)
    with pytest.raises(InvalidCommand, match="exactly one"):
        SubjectLookup(record_id="p1", document_number="ZZ1")
    with pytest.raises(InvalidCommand, match="date_of_birth"):
        SubjectLookup(record_id="p1", date_of_birth=date(1995, 3, 2))
