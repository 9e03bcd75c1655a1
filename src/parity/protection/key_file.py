"""A keyring kept in a JSON file (`PARITY_DATA_KEY_FILE`, or `var/data-keys.json` for local runs and the demo).

    {"active": "20260315-1a2b3c", "keys": {"20260315-1a2b3c": "<base64>", ...}, "index_key": "<base64>"}

The file is written whole to a temporary file beside it, readable by its owner only, then moved into place, so a
crash never leaves a half-written keyring.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path

from parity.protection.errors import KeyConfigurationError
from parity.protection.keyring import Keyring, decode_secret, encode_secret


def read_key_file(path: Path) -> Keyring:
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise KeyConfigurationError(f"key file {path} is not JSON (line {error.lineno})") from None
    if not isinstance(content, dict) or not isinstance(content.get("keys"), dict):
        raise KeyConfigurationError(f"key file {path} must hold an object with 'active', 'keys' and 'index_key'")
    for name in ("active", "index_key"):
        if not isinstance(content.get(name), str):
            raise KeyConfigurationError(f"key file {path}: '{name}' is missing or not text")
    keys = {
        str(key_id): decode_secret(str(secret), f"key file {path}, key '{key_id}'")
        for key_id, secret in content["keys"].items()
    }
    index_secret = decode_secret(content["index_key"], f"key file {path}, 'index_key'")
    return Keyring(keys, content["active"], index_secret)


def write_key_file(path: Path, keyring: Keyring) -> None:
    content = {
        "active": keyring.active,
        "keys": {key_id: encode_secret(secret) for key_id, secret in keyring.keys.items()},
        "index_key": encode_secret(keyring.index_secret),
    }
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
