"""Invariants of the field cipher: every value round trips; a blind index never reveals its value; a rotation leaves
every value readable and none under the old key."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from parity.protection import FieldCipher, Keyring
from parity.protection.cipher import key_of

CIPHER = FieldCipher(Keyring.generate())
values = st.text(min_size=0, max_size=200)
bindings = st.from_regex(r"\A[a-z_]{1,20}\.[a-z_]{1,20}/[0-9a-f-]{1,36}\Z")


@given(values, bindings)
def test_every_value_round_trips_under_its_binding(value: str, binding: str) -> None:
    stored = CIPHER.encrypt(value, binding)

    assert CIPHER.decrypt(stored, binding) == value


@given(st.text(alphabet=string.ascii_letters + " -'", min_size=1, max_size=60))
def test_a_blind_index_is_fixed_length_hex_and_never_contains_the_value(value: str) -> None:
    index = CIPHER.document_index(value)

    assert len(index) == 64
    assert set(index) <= set(string.hexdigits.lower())
    # The index alphabet is 0-9a-f: a value with any other letter could only show through if it leaked in clear.
    letters = "".join(c for c in value.lower() if c in "ghijklmnopqrstuvwxyz")
    if letters:
        assert letters not in index
    assert index == CIPHER.document_index(value.upper())  # equal after normalisation, equal index


@given(st.lists(st.tuples(values, bindings), min_size=1, max_size=20), st.integers(min_value=1, max_value=3))
def test_after_rotations_every_value_reads_back_and_none_is_under_an_old_key(
    stored_values: list[tuple[str, str]], rotations: int
) -> None:
    cipher = FieldCipher(Keyring.generate())
    stored = [(cipher.encrypt(value, binding), value, binding) for value, binding in stored_values]
    old_keys = set()
    for _ in range(rotations):
        old_keys.add(cipher.active_key)
        cipher = FieldCipher(cipher.keyring.with_new_active_key())
        stored = [(cipher.reencrypt(ciphertext, binding), value, binding) for ciphertext, value, binding in stored]

    assert all(cipher.decrypt(ciphertext, binding) == value for ciphertext, value, binding in stored)
    assert not {key_of(ciphertext) for ciphertext, _, _ in stored} & old_keys
    retired = FieldCipher(_without(cipher.keyring, old_keys))
    assert all(retired.decrypt(ciphertext, binding) == value for ciphertext, value, binding in stored)


def _without(keyring: Keyring, key_ids: set[str]) -> Keyring:
    for key_id in key_ids:
        keyring = keyring.without(key_id)
    return keyring
