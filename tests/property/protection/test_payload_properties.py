"""Invariants of payload sealing: any payload of any action kind reads back exactly as given, its coded fields are
stored exactly as given, and no free-text value is stored in clear."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from parity.protection import FieldCipher, Keyring
from parity.store.protected import FREE_TEXT, RETURN_ACTIONS, SEALED

CIPHER = FieldCipher(Keyring.generate())
ROW = {"case_id": "c1", "seq": 0}
kinds = st.sampled_from([(case_type, kind) for case_type, listed in FREE_TEXT.items() for kind in listed])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)
payloads = st.dictionaries(
    st.sampled_from(["reason", "evidence", "reference", "kind", "state", "member_id", "decided_on", SEALED])
    | st.text(),
    json_values,
    max_size=6,
)


@given(kinds, payloads)
def test_a_sealed_payload_reads_back_exactly_and_keeps_every_coded_field(
    kind: tuple[str, str], payload: dict[str, Any]
) -> None:
    free_text = FREE_TEXT[kind[0]][kind[1]]

    stored = RETURN_ACTIONS.seal(CIPHER, payload, free_text, ROW)

    assert RETURN_ACTIONS.open(CIPHER, stored, ROW) == payload
    assert {k: v for k, v in stored.items() if k != SEALED} == {
        k: v for k, v in payload.items() if k not in free_text and k != SEALED
    }
    assert (stored[SEALED] is None) == (not (free_text | {SEALED}) & payload.keys())
