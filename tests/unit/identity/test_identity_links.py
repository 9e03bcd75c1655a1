"""What a confirmed identity link means for eligibility (rules 11 and 16), and the rules of deciding a flag."""

from __future__ import annotations

import pytest
from tests.builders import action, return_case, utc

from parity.domain.errors import InvalidCommand
from parity.domain.identity_links import (
    FlagDecision,
    FlagStatus,
    IdentityFlag,
    LinkedRecord,
    RecordSource,
    confirmed_link_consequences,
)
from parity.scheme import Scheme

ARRIVAL, ADMISSION = RecordSource.ARRIVAL, RecordSource.ADMISSION


def test_a_previous_returnee_crossing_again_is_flagged_for_expedited_return() -> None:
    [consequence] = confirmed_link_consequences(
        LinkedRecord("new", ARRIVAL, "case-new"), LinkedRecord("old", ARRIVAL, "case-old", returned=True)
    )
    assert (consequence.source, consequence.case_id, consequence.action) == (ARRIVAL, "case-new", "flag_recrossing")
    assert consequence.payload["previous_case_id"] == "case-old"


def test_an_earlier_crossing_that_was_not_a_return_changes_nothing() -> None:
    assert confirmed_link_consequences(LinkedRecord("new", ARRIVAL, "c1"), LinkedRecord("old", ARRIVAL, "c0")) == []
    assert confirmed_link_consequences(LinkedRecord("a", ADMISSION, "f1"), LinkedRecord("b", ADMISSION, "f0")) == []


@pytest.mark.parametrize("applicant_is_new", [True, False])
def test_an_applicant_linked_to_a_small_boat_arrival_is_excluded_whichever_came_first(applicant_is_new: bool) -> None:
    applicant = LinkedRecord("member-1", ADMISSION, "family-case")
    arrival = LinkedRecord("person-1", ARRIVAL, "return-case", returned=True)
    record, candidate = (applicant, arrival) if applicant_is_new else (arrival, applicant)
    [consequence] = confirmed_link_consequences(record, candidate)
    assert (consequence.source, consequence.case_id, consequence.action) == (
        ADMISSION,
        "family-case",
        "record_exclusion",
    )
    assert consequence.payload["member_id"] == "member-1"
    assert consequence.payload["exclusion"] == "prior_irregular_entry"
    assert "return-case" in consequence.payload["evidence"]


def _flag() -> IdentityFlag:
    return IdentityFlag(
        "f1", "new", "old", "v1", 9.0, 0.99, "match_weight", {"name": 9.0}, {"name": "same"}, utc(2025, 9, 1)
    )


def test_a_flag_is_decided_once_with_a_reason() -> None:
    decision = FlagDecision(True, "officer", "photographs compared", utc(2025, 9, 2), "cmd-1")
    decided = _flag().decided(decision)
    assert decided.status is FlagStatus.SAME_PERSON
    with pytest.raises(InvalidCommand, match="already decided"):
        decided.decided(decision)
    with pytest.raises(InvalidCommand, match="reason"):
        _flag().decided(FlagDecision(False, "officer", "  ", utc(2025, 9, 2), "cmd-2"))


def test_a_decision_on_a_case_names_its_flag_answer_and_model_version(uk_fr: Scheme) -> None:
    case = return_case(uk_fr, utc(2025, 9, 1, 4))
    complete = {"flag_id": "f1", "same_person": False, "reason": "different people", "model_version": "v1"}
    for missing in complete:
        incomplete = {key: value for key, value in complete.items() if key != missing}
        with pytest.raises(InvalidCommand, match=missing):
            case.record(action(uk_fr, "decide_identity_match", utc(2025, 9, 1, 20), **incomplete), uk_fr)
    case.record(action(uk_fr, "decide_identity_match", utc(2025, 9, 1, 20), **complete), uk_fr)
    assert not case.expedited_return
    with pytest.raises(InvalidCommand, match="previous_case_id"):
        case.record(action(uk_fr, "flag_recrossing", utc(2025, 9, 1, 21), evidence="match"), uk_fr)
    case.record(action(uk_fr, "flag_recrossing", utc(2025, 9, 1, 21), evidence="match", previous_case_id="c0"), uk_fr)
    assert case.expedited_return
