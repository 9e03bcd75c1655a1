"""The free-text policy of action payloads: which fields are encrypted, and how a stored payload is told apart."""

from __future__ import annotations

import pytest

from parity.domain.admissions import ADMISSION_TRANSITIONS
from parity.domain.returns import RETURN_TRANSITIONS
from parity.protection import FieldCipher, Keyring, TamperedValue
from parity.store.protected import (
    ADMISSION_FREE_TEXT,
    APPROVAL_RESULTS,
    DECISION_RESULTS,
    REMOVED,
    RETURN_ACTIONS,
    RETURN_FREE_TEXT,
    SEALED,
    proposal_free_text,
)

CIPHER = FieldCipher(Keyring.generate())
ROW = {"case_id": "c1", "seq": 3}


def test_every_listed_kind_is_an_action_of_its_case_type() -> None:
    assert set(RETURN_FREE_TEXT) <= set(RETURN_TRANSITIONS.transitions)
    assert set(ADMISSION_FREE_TEXT) <= set(ADMISSION_TRANSITIONS.transitions)


def test_coded_values_that_guards_and_statistics_read_stay_in_clear() -> None:
    assert "refuse" not in RETURN_FREE_TEXT  # one of the scheme's refusal reasons, counted by reason
    assert "schedule_transfer" not in RETURN_FREE_TEXT  # flight and cost, reported per flight
    assert "screen_ineligible" not in RETURN_FREE_TEXT  # written by the eligibility rules
    assert RETURN_FREE_TEXT["record_legal_event"] == {"evidence", "reference"}  # kind, state, dates stay coded
    assert ADMISSION_FREE_TEXT["record_exclusion"] == {"evidence"}  # the exclusion itself is coded


def test_a_sealed_payload_keeps_coded_values_in_clear_and_reads_back() -> None:
    payload = {
        "kind": "injunction",
        "state": "in_force",
        "decided_on": "2025-09-01",
        "evidence": "Order of Mr Justice X",
    }

    stored = RETURN_ACTIONS.seal(CIPHER, payload, RETURN_FREE_TEXT["record_legal_event"], ROW)

    assert "Mr Justice" not in str(stored)
    assert {k: stored[k] for k in ("kind", "state", "decided_on")} == {
        k: payload[k] for k in ("kind", "state", "decided_on")
    }
    assert RETURN_ACTIONS.open(CIPHER, stored, ROW) == payload


def test_a_payload_without_the_sealed_key_is_clear_text_from_before_and_reads_as_stored() -> None:
    legacy = {"reason": "abc:def looks like a ciphertext but is not sealed"}

    assert RETURN_ACTIONS.open(CIPHER, legacy, ROW) == legacy


def test_a_client_cannot_forge_the_sealed_key() -> None:
    forged = {"reason": "r", SEALED: "k:AAAA"}

    stored = RETURN_ACTIONS.seal(CIPHER, forged, frozenset({"reason"}), ROW)

    assert RETURN_ACTIONS.open(CIPHER, stored, ROW) == forged


def test_a_ciphertext_is_bound_to_its_table_case_and_sequence() -> None:
    stored = RETURN_ACTIONS.seal(CIPHER, {"reason": "r"}, frozenset({"reason"}), ROW)

    with pytest.raises(TamperedValue):
        RETURN_ACTIONS.open(CIPHER, stored, {"case_id": "c1", "seq": 4})


def test_erasing_replaces_the_free_text_once() -> None:
    stored = RETURN_ACTIONS.seal(CIPHER, {"reason": "r", "until": "2025-10-01"}, frozenset({"reason"}), ROW)

    erased = RETURN_ACTIONS.erase(CIPHER, stored, frozenset({"reason"}), ROW)

    assert erased == {"reason": REMOVED, "until": "2025-10-01", SEALED: None}
    assert RETURN_ACTIONS.erase(CIPHER, erased, frozenset({"reason"}), ROW) is None


def test_a_command_result_repeats_a_payload_only_when_it_reports_a_proposal() -> None:
    assert proposal_free_text({"case_type": "admission", "action": "refuse", "payload": {}}) == {"reason"}
    assert proposal_free_text({"case_type": "return", "action": "schedule_transfer", "payload": {}}) == frozenset()
    assert proposal_free_text({"case_id": "c1", "status": "detained"}) is None


def test_which_command_results_repeat_free_text_is_decided_by_the_command_name_and_the_result() -> None:
    decision = {"case_type": "admission", "action": "refuse", "payload": {}}
    approval = {"proposal_id": "p1", "approval": {"removed": ["c1"], "added": [], "reason": "r", "invited": []}}
    assert DECISION_RESULTS.fields("admission:approve", decision) == {"reason"}
    assert DECISION_RESULTS.fields("admission:refuse", decision) is None  # an action's command, not a decision's
    assert APPROVAL_RESULTS.fields("select:approve", approval) == {"reason"}
    assert APPROVAL_RESULTS.fields("select:propose", approval) is None  # a round's proposal holds no approval
    assert APPROVAL_RESULTS.fields("select:approve", {"proposal_id": "p1", "approval": None}) is None
