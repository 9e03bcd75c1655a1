"""Identity at intake and expression of interest, over the real store (SQLite and PostgreSQL): it flags; a person
decides; confirmed links drive eligibility (rules 11 and 16), and the model version is stored with each decision."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select
from tests.builders import INADMISSIBLE_CLAIM, played, record_boat

from parity.domain.admissions import AdmissionStatus
from parity.domain.decisions import CaseType
from parity.domain.errors import InvalidCommand, NotEligible
from parity.domain.identity_links import FlagStatus
from parity.domain.people import Sex
from parity.domain.returns import ReturnStatus
from parity.identity.calibration import probability_from_weight
from parity.identity.live import SplinkIdentityResolver
from parity.identity.model import IdentityModel
from parity.protection import FieldCipher
from parity.scheme.model import AdmissionExclusion
from parity.services.applications import ApplicantInput, SubmitExpressionOfInterest, submit_expression_of_interest
from parity.services.cases import CaseCommand, act_on_admission_case, act_on_return_case
from parity.services.context import Services, SettableClock
from parity.services.identity import DecideIdentityMatch, decide_identity_match, identity_flags
from parity.store import tables as t
from parity.store.protected import REMOVED

HOSSEIN = {"given_names": "Hossein", "family_name": "Rezaei", "nationality": "IRN", "date_of_birth": date(1994, 3, 17)}


@pytest.fixture
def matching(services: Services) -> Services:
    services.identity = SplinkIdentityResolver(today=date(2026, 1, 1))
    return services


def arrive(services: Services, command_id: str, *people: dict[str, Any]) -> list[dict[str, Any]]:
    return list(record_boat(services, command_id, *people, at=services.clock.now() - timedelta(hours=4))["cases"])


def return_to_france(services: Services, clock: SettableClock, case_id: str) -> None:
    steps: list[tuple[str, dict[str, str]]] = [
        ("detain", {}),
        ("send_request", {}),
        ("record_legal_event", {**INADMISSIBLE_CLAIM, "decided_on": clock.now().date().isoformat()}),
        ("accept", {}),
        ("schedule_transfer", {"flight_ref": "PLF-1", "departs_at": (clock.now() + timedelta(hours=28)).isoformat()}),
        ("complete_transfer", {}),
    ]
    for kind, payload in steps:
        clock.current += timedelta(hours=5)
        act_on_return_case(services, played(CaseType.RETURN, f"{case_id}:{kind}", case_id, kind, payload))


def apply(services: Services, family_ref: str, given_names: str, family_name: str, born: date) -> dict[str, Any]:
    member = ApplicantInput(given_names, family_name, born, "IRN", Sex.MALE, True, "passport", f"P-{family_ref}")
    result = submit_expression_of_interest(
        services, SubmitExpressionOfInterest(f"eoi-{family_ref}", "applicant", "uk-fr-2025", family_ref, (member,))
    )
    return dict(result)


def decide(services: Services, flag_id: str, same_person: bool, command_id: str | None = None) -> dict[str, Any]:
    command = DecideIdentityMatch(
        command_id or f"decide-{flag_id}", flag_id, "identity-officer", same_person, "photographs compared"
    )
    return dict(decide_identity_match(services, command))


def test_a_returnee_crossing_again_is_flagged_and_once_confirmed_expedited(
    matching: Services, clock: SettableClock
) -> None:
    [first] = arrive(matching, "boat-1", HOSSEIN | {"biometric_ref": "FP-1"})
    assert first["identity_flags"] == []
    return_to_france(matching, clock, first["case_id"])
    clock.current += timedelta(days=30)
    [again] = arrive(matching, "boat-2", {**HOSSEIN, "given_names": "Hosein", "family_name": "Rezai"})

    [flag_id] = again["identity_flags"]
    [flag] = identity_flags(matching, again["case_id"])
    model_version = matching.identity.model_version
    assert (flag.id, flag.status, flag.model_version) == (flag_id, FlagStatus.PENDING, model_version)
    assert flag.match_weight >= 4.0
    # The probability stored and shown is the model file's calibrated one (the register held one record).
    model = IdentityModel.bundled_default()
    assert flag.match_probability == model.match_probability(flag.match_weight, 1)
    assert flag.match_probability != probability_from_weight(flag.match_weight)
    assert set(flag.contributions) == {"name", "dob", "nationality", "sex", "document_number"}
    assert sum(flag.contributions.values()) != 0
    with matching.uow() as uow:
        assert not uow.returns.get(again["case_id"]).expedited_return  # a flag alone changes nothing

    result = decide(matching, flag_id, same_person=True)

    assert result["status"] == "same_person"
    assert result["model_version"] == model_version
    with matching.uow() as uow:
        case = uow.returns.get(again["case_id"])
    decision, recrossing = case.actions[-2:]
    assert decision.kind == "decide_identity_match"
    assert decision.payload["model_version"] == model_version
    assert decision.payload["same_person"] is True
    assert decision.actor == "identity-officer"
    assert recrossing.kind == "flag_recrossing"
    assert recrossing.payload["previous_case_id"] == first["case_id"]
    assert recrossing.payload["model_version"] == model_version
    assert case.expedited_return
    assert case.status is ReturnStatus.ELIGIBLE
    [stored] = identity_flags(matching, again["case_id"])
    assert stored.status is FlagStatus.SAME_PERSON
    assert stored.decision is not None
    assert stored.decision.actor == "identity-officer"


def test_an_applicant_who_arrived_by_small_boat_is_excluded_once_confirmed(matching: Services) -> None:
    [arrival] = arrive(matching, "boat-1", HOSSEIN)
    submitted = apply(matching, "FAM-1", "Hossein", "Rezaee", HOSSEIN["date_of_birth"])
    [member_id] = submitted["member_ids"]
    [flag_id] = submitted["identity_flags"][member_id]

    decide(matching, flag_id, same_person=True)

    with matching.uow() as uow:
        case = uow.admissions.get(submitted["case_id"])
    exclusion = case.actions[-1]
    assert exclusion.kind == "record_exclusion"
    assert exclusion.payload["member_id"] == member_id
    assert exclusion.payload["exclusion"] == "prior_irregular_entry"
    assert exclusion.payload["model_version"] == matching.identity.model_version
    assert arrival["case_id"] in exclusion.payload["evidence"]
    assert AdmissionExclusion.PRIOR_IRREGULAR_ENTRY in case.current_members()[0].exclusions
    location = {"country": "FR", "confirmed_member_ids": [member_id]}
    act_on_admission_case(matching, CaseCommand("loc", "applicant", submitted["case_id"], "confirm_location", location))
    with pytest.raises(NotEligible, match="prior_irregular_entry"):
        act_on_admission_case(matching, CaseCommand("elig", "cw", submitted["case_id"], "find_eligible"))


def test_not_the_same_person_changes_no_eligibility(matching: Services, clock: SettableClock) -> None:
    [first] = arrive(matching, "boat-1", HOSSEIN)
    return_to_france(matching, clock, first["case_id"])
    [again] = arrive(matching, "boat-2", HOSSEIN)
    submitted = apply(matching, "FAM-1", "Hossein", "Rezaei", HOSSEIN["date_of_birth"])
    [member_id] = submitted["member_ids"]
    assert len(submitted["identity_flags"][member_id]) == 2  # both small-boat records

    for flag_id in [*again["identity_flags"], *submitted["identity_flags"][member_id]]:
        result = decide(matching, flag_id, same_person=False)
        assert result["status"] == "not_same_person"

    with matching.uow() as uow:
        returning = uow.returns.get(again["case_id"])
        admission = uow.admissions.get(submitted["case_id"])
    assert not returning.expedited_return
    assert [a.kind for a in returning.actions[-1:]] == ["decide_identity_match"]
    assert returning.actions[-1].payload["same_person"] is False
    assert admission.current_members()[0].exclusions == frozenset()
    assert {a.kind for a in admission.actions} == {"submit_expression_of_interest", "decide_identity_match"}
    assert admission.status is AdmissionStatus.SUBMITTED


def test_a_flag_is_decided_once_and_a_repeated_command_changes_nothing(matching: Services) -> None:
    arrive(matching, "boat-1", HOSSEIN)
    [again] = arrive(matching, "boat-2", HOSSEIN)
    [flag_id] = again["identity_flags"]

    first = decide(matching, flag_id, same_person=False, command_id="d1")
    assert decide(matching, flag_id, same_person=False, command_id="d1") == first
    with pytest.raises(InvalidCommand, match="already decided"):
        decide(matching, flag_id, same_person=True, command_id="d2")
    with matching.uow() as uow:
        kinds = [a.kind for a in uow.returns.get(again["case_id"]).actions]
    assert kinds.count("decide_identity_match") == 1


def test_people_are_flagged_only_against_earlier_records_of_someone_like_them(matching: Services) -> None:
    # Twins on one boat ("Hassan" and "Hossein" share a transliteration skeleton) are different people: they are
    # not flagged against each other. A stranger later is flagged against nobody.
    brothers = arrive(matching, "boat-1", HOSSEIN, {**HOSSEIN, "given_names": "Hassan"})
    assert [case["identity_flags"] for case in brothers] == [[], []]
    [stranger] = arrive(
        matching,
        "boat-2",
        {"given_names": "Senait", "family_name": "Tesfay", "nationality": "ERI", "sex": Sex.FEMALE},
    )
    assert stranger["identity_flags"] == []
    [twin_again] = arrive(matching, "boat-3", {**HOSSEIN, "given_names": "Hassan"})
    assert len(twin_again["identity_flags"]) == 2  # a later record is checked against both


def test_the_index_survives_a_restart_and_warms_a_new_resolver(matching: Services, clock: SettableClock) -> None:
    arrive(matching, "boat-1", HOSSEIN)
    restarted = Services(uow=matching.uow, clock=clock, schemes=matching.schemes)
    restarted.identity = SplinkIdentityResolver(today=date(2026, 1, 1))
    [again] = arrive(restarted, "boat-2", HOSSEIN)
    assert len(again["identity_flags"]) == 1


def test_the_reason_for_a_decision_is_ciphertext_at_rest_and_cleared_under_retention(
    matching: Services, clock: SettableClock, engine: Engine, data_cipher: FieldCipher
) -> None:
    [first] = arrive(matching, "boat-1", HOSSEIN | {"biometric_ref": "FP-1"})
    clock.current += timedelta(days=30)
    [again] = arrive(matching, "boat-2", {**HOSSEIN, "given_names": "Hosein", "family_name": "Rezai"})
    [flag_id] = again["identity_flags"]
    decide(matching, flag_id, same_person=True)

    with engine.connect() as connection:
        stored = connection.execute(
            select(t.identity_flags.c.decision_reason).where(t.identity_flags.c.id == flag_id)
        ).scalar_one()
    assert stored.startswith(f"{data_cipher.active_key}:")
    assert "photographs" not in stored
    [read] = identity_flags(matching, again["case_id"])
    assert read.decision is not None
    assert read.decision.reason == "photographs compared"

    with matching.uow() as uow:  # the first case's people anonymised: the reason may name them
        counts = uow.personal_data.anonymise([first["case_id"]], [], clock.now())
        uow.commit()

    [cleared] = identity_flags(matching, again["case_id"])
    assert cleared.status is FlagStatus.SAME_PERSON  # the decision stays
    assert cleared.decision is not None
    assert cleared.decision.reason == REMOVED
    with matching.uow() as uow:  # the answer recorded on the other case (still held) loses its reason too
        answer = uow.returns.get(again["case_id"]).last("decide_identity_match")
    assert answer is not None
    assert (answer.payload["reason"], answer.payload["same_person"]) == (REMOVED, True)
    # the flag's reason, the answer's, and the evidence of the protection claim the first person made on arrival
    assert counts.action_payloads == 3
