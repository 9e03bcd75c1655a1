"""Errors of the protection layer. Messages name keys, tables, columns and row ids, never a value."""

from __future__ import annotations


class ProtectionError(Exception):
    """A stored value could not be read back."""


class UnknownKey(ProtectionError):
    def __init__(self, key_id: str, binding: str) -> None:
        super().__init__(
            f"{binding} is encrypted with key '{key_id}', which is not configured "
            "(was it retired too early, or is PARITY_DATA_KEYS / PARITY_DATA_KEY_FILE pointing at the wrong keys?)"
        )
        self.key_id = key_id


class TamperedValue(ProtectionError):
    def __init__(self, binding: str) -> None:
        super().__init__(f"{binding} does not decrypt: it was altered, or copied from another row or column")


class KeyConfigurationError(ValueError):
    """The configured keys are unusable; the message names the setting and why."""
