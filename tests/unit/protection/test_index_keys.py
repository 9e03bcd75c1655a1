"""Blind index keys: ids, rotation and retirement in the keyring, the key file and environment formats (old and new),
and index values that say which index key made them (none for the original secret, as before ids existed)."""

from __future__ import annotations

import base64
import hmac
import json
from datetime import date
from hashlib import sha256
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from parity.config import Settings
from parity.protection import FieldCipher, KeyConfigurationError, Keyring
from parity.protection.cipher import index_key_of
from parity.protection.key_file import read_key_file, write_key_file
from parity.protection.keyring import (
    INDEX_KEY_ID_LENGTH,
    ORIGINAL_INDEX_KEY,
    encode_secret,
    keyring_from_settings,
    keyring_setting,
)

SECRET = bytes(range(32))
OTHER = bytes(range(32, 64))
B64, OTHER_B64 = encode_secret(SECRET), encode_secret(OTHER)


def _legacy_document_index(index_secret: bytes, normalised: str) -> str:
    """The blind index of a document number as Parity computed it before index keys had ids."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"parity/blind-index/v1/document").derive(
        index_secret
    )
    return hmac.new(key, normalised.encode(), sha256).hexdigest()


@pytest.fixture
def keyring() -> Keyring:
    return Keyring({"k1": SECRET}, "k1", {ORIGINAL_INDEX_KEY: OTHER})


def test_indexes_under_the_original_secret_are_bare_hex_as_they_always_were(keyring: Keyring) -> None:
    cipher = FieldCipher(keyring)

    assert cipher.document_index("AB 12-34") == _legacy_document_index(OTHER, "ab1234")
    assert index_key_of(cipher.document_index("ab1234")) == ORIGINAL_INDEX_KEY
    assert cipher.document_indexes("ab1234") == [cipher.document_index("ab1234")]


def test_a_new_index_key_prefixes_its_indexes_and_lookups_try_every_index_key(keyring: Keyring) -> None:
    old = FieldCipher(keyring)
    rotated = keyring.with_new_index_key()
    cipher = FieldCipher(rotated)
    new_id = rotated.index_active

    index = cipher.document_index("ab1234")

    assert new_id != ORIGINAL_INDEX_KEY
    assert index.startswith(f"{new_id}:")
    assert index_key_of(index) == new_id
    assert len(index) == len(new_id) + 1 + 43  # the whole HMAC, in base64url
    assert index.partition(":")[2] != old.document_index("ab1234")  # a different secret, a different index
    assert set(cipher.document_indexes("AB-1234")) == {index, old.document_index("ab1234")}
    assert set(cipher.name_indexes("Haile", date(1990, 1, 2))) == {
        cipher.name_index("Haile", date(1990, 1, 2)),
        old.name_index("Haile", date(1990, 1, 2)),
    }
    assert cipher.document_index("ab1234", ORIGINAL_INDEX_KEY) == old.document_index("ab1234")
    # The data keys and the index keys rotate apart.
    assert rotated.keys == keyring.keys
    assert rotated.active == keyring.active
    assert keyring.with_new_active_key().index_keys == keyring.index_keys


def test_the_active_index_key_cannot_be_retired_and_an_unknown_one_is_named(keyring: Keyring) -> None:
    rotated = keyring.with_new_index_key()

    assert set(rotated.without_index_key(ORIGINAL_INDEX_KEY).index_keys) == {rotated.index_active}
    with pytest.raises(KeyConfigurationError, match="is the active index key"):
        rotated.without_index_key(rotated.index_active)
    with pytest.raises(KeyConfigurationError, match="no index key 'nope'"):
        rotated.without_index_key("nope")
    with pytest.raises(KeyConfigurationError, match="active blind index key 'gone' is not among"):
        Keyring(keyring.keys, keyring.active, keyring.index_keys, "gone")
    with pytest.raises(KeyConfigurationError, match="blind index key 'short' has 3 bytes"):
        Keyring(keyring.keys, keyring.active, {"short": b"abc"}, "short")
    with pytest.raises(KeyConfigurationError, match="not allowed"):
        Keyring(keyring.keys, keyring.active, {"Bad_Id": SECRET}, "Bad_Id")


def test_an_index_value_fits_the_64_characters_of_its_column_under_the_longest_index_key_id(keyring: Keyring) -> None:
    longest = "x" * INDEX_KEY_ID_LENGTH
    cipher = FieldCipher(Keyring(keyring.keys, keyring.active, {longest: SECRET}, longest))

    assert {len(cipher.document_index(number)) for number in ("a", "ab1234", "Z" * 200)} == {64}
    assert len(cipher.name_index("Haile", date(1990, 1, 2))) == 64
    with pytest.raises(KeyConfigurationError, match=f"index key id '{longest}x' is too long: at most 20"):
        Keyring(keyring.keys, keyring.active, {longest + "x": SECRET}, longest + "x")
    with pytest.raises(KeyConfigurationError, match="is too long"):
        keyring_from_settings(f"k1:{B64}", None, f"{longest}x:{OTHER_B64}")


def test_an_old_key_file_is_read_as_the_original_index_secret_and_kept_in_its_shape(
    tmp_path: Path, keyring: Keyring
) -> None:
    path = tmp_path / "data-keys.json"
    path.write_text(json.dumps({"active": "k1", "keys": {"k1": B64}, "index_key": OTHER_B64}))

    loaded = read_key_file(path)
    write_key_file(path, loaded.with_new_active_key())

    assert loaded == keyring
    assert set(json.loads(path.read_text())) == {"active", "keys", "index_key"}  # no index rotation, no new shape


def test_a_rotated_key_file_holds_index_keys_by_id_and_round_trips(tmp_path: Path, keyring: Keyring) -> None:
    path = tmp_path / "data-keys.json"
    rotated = keyring.with_new_index_key()

    write_key_file(path, rotated)
    content = json.loads(path.read_text())
    write_key_file(path, rotated.without_index_key(ORIGINAL_INDEX_KEY))

    assert read_key_file(path) == rotated.without_index_key(ORIGINAL_INDEX_KEY)
    assert set(content) == {"active", "keys", "index_active", "index_keys"}
    assert content["index_active"] == rotated.index_active
    assert content["index_keys"] == {
        ORIGINAL_INDEX_KEY: OTHER_B64,
        rotated.index_active: encode_secret(rotated.index_secret),
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"index_key": OTHER_B64, "index_keys": {"x1": OTHER_B64}, "index_active": "x1"}, "both 'index_key' and"),
        ({"index_keys": {"x1": OTHER_B64}}, "'index_active' is missing or not text"),
        ({"index_keys": {"x1": OTHER_B64}, "index_active": 3}, "'index_active' is missing or not text"),
        ({"index_keys": [OTHER_B64], "index_active": "x1"}, "'index_keys' must be an object"),
        ({"index_keys": {}, "index_active": "x1"}, "'index_keys' must be an object"),
        ({"index_keys": {"x1": "YWJj"}, "index_active": "x1"}, "index key 'x1' decodes to 3 bytes"),
        ({"index_keys": {"x1": 7}, "index_active": "x1"}, "index key 'x1' is not text"),
        ({"index_keys": {"x1": OTHER_B64}, "index_active": "x2"}, "active blind index key 'x2' is not among"),
        ({"index_keys": {"a" * 21: OTHER_B64}, "index_active": "a" * 21}, "index key id 'a{21}' is too long"),
        ({"index_active": "x1", "index_key": OTHER_B64}, "'index_active' is given without 'index_keys'"),
        ({}, "'index_key' is missing or not text"),
        ({"index_key": "not base64!"}, "'index_key' is not valid base64"),
    ],
)
def test_a_key_file_with_bad_index_keys_is_refused_naming_the_field(
    tmp_path: Path, content: dict[str, object], message: str
) -> None:
    path = tmp_path / "data-keys.json"
    path.write_text(json.dumps({"active": "k1", "keys": {"k1": B64}, **content}))

    with pytest.raises(KeyConfigurationError, match=message) as refused:
        read_key_file(path)
    assert OTHER_B64 not in str(refused.value)


def test_index_keys_from_the_environment_first_one_active_the_original_kept_for_lookups(keyring: Keyring) -> None:
    rotated = keyring.with_new_index_key()
    new_entry = f"{rotated.index_active}:{encode_secret(rotated.index_secret)}"

    loaded = keyring_from_settings(f"k1:{B64}", OTHER_B64, new_entry)
    without_original = keyring_from_settings(f"k1:{B64}", None, new_entry)

    assert loaded == rotated
    assert keyring_setting(rotated) == (f"k1:{B64}", OTHER_B64, new_entry)
    assert keyring_setting(keyring) == (f"k1:{B64}", OTHER_B64, None)
    assert without_original == rotated.without_index_key(ORIGINAL_INDEX_KEY)
    assert keyring_setting(without_original) == (f"k1:{B64}", None, new_entry)
    assert keyring_from_settings(f"k1:{B64}", None, f"original:{OTHER_B64}") == keyring


@pytest.mark.parametrize(
    ("index_key", "index_keys", "message"),
    [
        (OTHER_B64, f"original:{OTHER_B64}", "names 'original' and PARITY_DATA_INDEX_KEY is set too"),
        (None, OTHER_B64, "PARITY_DATA_INDEX_KEYS entry 1 is not 'key-id:base64-key'"),
        (None, f"x1:{OTHER_B64},x1:{OTHER_B64}", "PARITY_DATA_INDEX_KEYS names key 'x1' twice"),
        (None, "x1:YWJj", r"PARITY_DATA_INDEX_KEYS entry 1 \('x1'\) decodes to 3 bytes"),
        (None, " , ", "PARITY_DATA_INDEX_KEYS is set but names no key"),
        ("YWJj", None, "PARITY_DATA_INDEX_KEY decodes to 3 bytes"),
        (None, None, "PARITY_DATA_INDEX_KEY .*or PARITY_DATA_INDEX_KEYS must be set"),
    ],
)
def test_bad_index_key_settings_are_refused_naming_the_setting(
    index_key: str | None, index_keys: str | None, message: str
) -> None:
    with pytest.raises(KeyConfigurationError, match=message) as refused:
        keyring_from_settings(f"k1:{B64}", index_key, index_keys)
    assert OTHER_B64 not in str(refused.value)


def test_index_keys_in_the_environment_need_data_keys_there_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARITY_DATA_INDEX_KEYS", f"x1:{OTHER_B64}")

    with pytest.raises(ValueError, match="PARITY_DATA_INDEX_KEYS is read only with PARITY_DATA_KEYS"):
        Settings.from_environment()
    monkeypatch.setenv("PARITY_DATA_KEYS", f"k1:{B64}")
    monkeypatch.delenv("PARITY_DATA_KEY_FILE", raising=False)
    assert Settings.from_environment().data_index_keys == f"x1:{OTHER_B64}"


def test_keyring_reprs_show_no_secret(keyring: Keyring) -> None:
    shown = repr(keyring.with_new_index_key())

    assert OTHER_B64 not in shown
    assert repr(OTHER) not in shown
    assert base64.b64encode(OTHER).decode() not in shown
