"""The field cipher, the keyring and the key file: round trips, refusals, and errors that name no value."""

from __future__ import annotations

import base64
import stat
from datetime import date
from pathlib import Path

import pytest

from parity.protection import FieldCipher, KeyConfigurationError, Keyring, TamperedValue, UnknownKey
from parity.protection.cipher import key_of
from parity.protection.key_file import read_key_file, write_key_file
from parity.protection.keyring import keyring_from_settings, keyring_setting

BINDING = "people.family_name/p-1"


@pytest.fixture
def cipher() -> FieldCipher:
    return FieldCipher(Keyring.generate())


def test_a_value_round_trips_and_is_stored_under_the_active_key_with_a_fresh_nonce(cipher: FieldCipher) -> None:
    first = cipher.encrypt("Tesfay", BINDING)
    second = cipher.encrypt("Tesfay", BINDING)

    assert cipher.decrypt(first, BINDING) == "Tesfay"
    assert key_of(first) == cipher.active_key
    assert "Tesfay" not in first
    assert first != second  # a random nonce per value: equal values do not look equal at rest


def test_a_ciphertext_moved_to_another_row_or_column_does_not_decrypt(cipher: FieldCipher) -> None:
    stored = cipher.encrypt("Tesfay", BINDING)

    with pytest.raises(TamperedValue, match=r"people\.family_name/p-2"):
        cipher.decrypt(stored, "people.family_name/p-2")
    with pytest.raises(TamperedValue):
        cipher.decrypt(stored, "people.given_names/p-1")


def test_an_altered_ciphertext_is_refused_and_the_error_names_the_place_not_the_value(cipher: FieldCipher) -> None:
    stored = cipher.encrypt("Tesfay", BINDING)
    key_id, _, payload = stored.partition(":")
    raw = bytearray(base64.urlsafe_b64decode(payload))
    raw[-1] ^= 1

    with pytest.raises(TamperedValue) as refused:
        cipher.decrypt(f"{key_id}:{base64.urlsafe_b64encode(bytes(raw)).decode()}", BINDING)
    assert BINDING in str(refused.value)
    assert "Tesfay" not in str(refused.value)
    with pytest.raises(TamperedValue):
        cipher.decrypt(f"{key_id}:not base64!", BINDING)


def test_a_value_under_a_key_that_is_not_configured_says_which_key(cipher: FieldCipher) -> None:
    stored = FieldCipher(Keyring.generate()).encrypt("Tesfay", BINDING)

    with pytest.raises(UnknownKey, match=key_of(stored)):
        cipher.decrypt(stored, BINDING)


def test_after_a_new_active_key_old_values_still_read_and_reencrypt_moves_them(cipher: FieldCipher) -> None:
    old = cipher.encrypt("Tesfay", BINDING)
    rotated = FieldCipher(cipher.keyring.with_new_active_key())

    moved = rotated.reencrypt(old, BINDING)

    assert rotated.decrypt(old, BINDING) == "Tesfay"
    assert key_of(moved) == rotated.active_key != key_of(old)
    assert rotated.decrypt(moved, BINDING) == "Tesfay"
    assert rotated.reencrypt(moved, BINDING) == moved


def test_blind_indexes_match_normalised_values_and_differ_by_purpose_and_key(cipher: FieldCipher) -> None:
    assert cipher.document_index("AB 12-34") == cipher.document_index("ab1234")
    assert cipher.name_index("Al-Hassan", date(1990, 1, 2)) == cipher.name_index("AL HASSAN", date(1990, 1, 2))
    assert cipher.name_index("Al-Hassan", date(1990, 1, 2)) != cipher.name_index("Al-Hassan", None)
    assert cipher.name_index("Nguyễn", None) == cipher.name_index("nguyen", None)
    assert cipher.document_index("1234") != cipher.name_index("1234", None)
    assert FieldCipher(Keyring.generate()).document_index("ab1234") != cipher.document_index("ab1234")
    # The index does not change with the data key: lookups keep working during and after a rotation.
    assert FieldCipher(cipher.keyring.with_new_active_key()).document_index("ab1234") == cipher.document_index("ab1234")


def test_keys_from_settings_first_one_active_and_bad_entries_named_without_the_key() -> None:
    keyring = Keyring.generate().with_new_active_key()
    data_keys, index_key, index_keys = keyring_setting(keyring)
    assert index_key is not None

    loaded = keyring_from_settings(data_keys, index_key)

    assert loaded == keyring
    assert index_keys is None  # an unrotated index secret needs only PARITY_DATA_INDEX_KEY, as it always did
    secret = data_keys.split(",")[0].partition(":")[2]
    with pytest.raises(KeyConfigurationError, match="entry 1 is not 'key-id:base64-key'") as refused:
        keyring_from_settings(secret, index_key)
    assert secret not in str(refused.value)
    with pytest.raises(KeyConfigurationError, match="decodes to 3 bytes"):
        keyring_from_settings("k1:YWJj", index_key)
    with pytest.raises(KeyConfigurationError, match=r"PARITY_DATA_INDEX_KEY .* must be set"):
        keyring_from_settings(data_keys, None)
    with pytest.raises(KeyConfigurationError, match="not allowed"):
        keyring_from_settings(f"Key_1:{secret}", index_key)


def test_the_key_file_round_trips_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "data-keys.json"
    keyring = Keyring.generate()

    write_key_file(path, keyring)

    assert read_key_file(path) == keyring
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_a_key_file_that_is_not_a_keyring_is_refused_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "data-keys.json"
    path.write_text('{"active": "k1", "keys": {"k1": "YWJj"}, "index_key": "YWJj"}')

    with pytest.raises(KeyConfigurationError, match="key 'k1'"):
        read_key_file(path)
    path.write_text("not json")
    with pytest.raises(KeyConfigurationError, match="not JSON"):
        read_key_file(path)


def test_the_active_key_cannot_be_retired_and_an_unknown_one_is_named() -> None:
    keyring = Keyring.generate()
    rotated = keyring.with_new_active_key()

    assert set(rotated.without(keyring.active).keys) == {rotated.active}
    with pytest.raises(KeyConfigurationError, match="is the active key"):
        rotated.without(rotated.active)
    with pytest.raises(KeyConfigurationError, match="no key 'nope'"):
        rotated.without("nope")
