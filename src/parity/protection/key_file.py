"""A keyring kept in a JSON file (`PARITY_DATA_KEY_FILE`, or `var/data-keys.json` for local runs and the demo).

    {"active": "20260315-1a2b3c", "keys": {"20260315-1a2b3c": "<base64>", ...}, "index_key": "<base64>"}

`index_key` is the original blind index secret. Once the index secret has been rotated (`parity keys
rotate-index`), the file holds the index secrets by id instead, and the one new index values are computed with:

    {"active": ..., "keys": {...},
     "index_active": "20260401-4d5e6f", "index_keys": {"original": "<base64>", "20260401-4d5e6f": "<base64>"}}

A keyring with only the original index secret is written in the first shape, so a file nobody rotated the index
secret of keeps the shape it always had.

The file is written whole to a temporary file beside it, readable by its owner only, then moved into place, so a
crash never leaves a half-written keyring.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from parity.protection.errors import KeyConfigurationError
from parity.protection.keyring import ORIGINAL_INDEX_KEY, Keyring, decode_secret, encode_secret


def read_key_file(path: Path) -> Keyring:
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise KeyConfigurationError(f"key file {path} is not JSON (line {error.lineno})") from None
    if not isinstance(content, dict) or not isinstance(content.get("keys"), dict):
        raise KeyConfigurationError(f"key file {path} must hold an object with 'active', 'keys' and 'index_key'")
    if not isinstance(content.get("active"), str):
        raise KeyConfigurationError(f"key file {path}: 'active' is missing or not text")
    keys = _secrets(path, content["keys"], "key")
    if "index_keys" in content:
        if "index_key" in content:
            raise KeyConfigurationError(
                f"key file {path} has both 'index_key' and 'index_keys': the original index secret belongs in "
                f"'index_keys' as '{ORIGINAL_INDEX_KEY}'"
            )
        if not isinstance(content["index_keys"], dict) or not content["index_keys"]:
            raise KeyConfigurationError(f"key file {path}: 'index_keys' must be an object of index key id to base64")
        if not isinstance(content.get("index_active"), str):
            raise KeyConfigurationError(f"key file {path}: 'index_active' is missing or not text")
        index_keys = _secrets(path, content["index_keys"], "index key")
        return Keyring(keys, content["active"], index_keys, content["index_active"])
    if "index_active" in content:
        raise KeyConfigurationError(f"key file {path}: 'index_active' is given without 'index_keys'")
    if not isinstance(content.get("index_key"), str):
        raise KeyConfigurationError(f"key file {path}: 'index_key' is missing or not text")
    index_secret = decode_secret(content["index_key"], f"key file {path}, 'index_key'")
    return Keyring(keys, content["active"], {ORIGINAL_INDEX_KEY: index_secret})


def _secrets(path: Path, entries: dict[Any, Any], kind: str) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for key_id, secret in entries.items():
        if not isinstance(secret, str):
            raise KeyConfigurationError(f"key file {path}, {kind} '{key_id}' is not text (base64)")
        found[str(key_id)] = decode_secret(secret, f"key file {path}, {kind} '{key_id}'")
    return found


def write_key_file(path: Path, keyring: Keyring) -> None:
    content: dict[str, Any] = {
        "active": keyring.active,
        "keys": {key_id: encode_secret(secret) for key_id, secret in keyring.keys.items()},
    }
    if set(keyring.index_keys) == {ORIGINAL_INDEX_KEY}:
        content["index_key"] = encode_secret(keyring.index_keys[ORIGINAL_INDEX_KEY])
    else:
        content["index_active"] = keyring.index_active
        content["index_keys"] = {key_id: encode_secret(secret) for key_id, secret in keyring.index_keys.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(descriptor, stat.S_IRUSR | stat.S_IWUSR)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(content, file, indent=2)
            file.write("\n")
            file.flush()
            os.fsync(file.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def readable_by_others(path: Path) -> bool:
    """Whether the group or others may read the file (keys should be readable by their owner only)."""
    return bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))
