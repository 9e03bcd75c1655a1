"""The free-text fields the store encrypts are fields the actions take, and every text field an officer types into
a payload is among them (docs/personal-data.md)."""

from __future__ import annotations

from parity.domain.decisions import TRANSITIONS, CaseType
from parity.store.protected import FREE_TEXT

# Fields whose values are coded (a scheme's list, an enum, a date, an id, a number), never a person's words.
CODED = {
    "boat_ref", "reasons", "reasons_message", "returns_ahead_of_admissions_by", "departs_at", "flight_ref",
    "transport_cost_gbp", "kind", "state", "decided_on", "until", "previous_case_id", "flag_id", "model_version",
    "record_id", "candidate_record_id", "same_person", "match_weight", "country", "confirmed_member_ids",
    "proposal_id", "member_id", "exclusion", "factor", "conditions",
}  # fmt: skip


def test_every_free_text_field_is_a_field_of_its_action() -> None:
    for case_type in CaseType:
        table = TRANSITIONS[case_type].transitions
        for action, fields in FREE_TEXT[case_type.value].items():
            assert fields <= table[action].fields, (case_type, action)


def test_every_field_an_action_takes_is_coded_or_encrypted_as_free_text() -> None:
    for case_type in CaseType:
        for action, transition in TRANSITIONS[case_type].transitions.items():
            free_text = FREE_TEXT[case_type.value].get(action, frozenset())
            # A returns refusal's reason is one of the scheme's listed reasons: coded, counted for the committee.
            coded = CODED | ({"reason"} if (case_type, action) == (CaseType.RETURN, "refuse") else set())
            assert transition.fields - free_text <= coded, (case_type, action, transition.fields - free_text - coded)
