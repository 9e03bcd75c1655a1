"""Personal data at rest (issue 3 item 5): field encryption with AES-GCM under a keyring, and keyed blind indexes.

The store encrypts names, dates of birth, document numbers, biometric references and transit evidence with a
`FieldCipher` before they reach a table, and decrypts them when it reads them; nothing above the store sees a
ciphertext or a key. Keys come from configuration (`PARITY_DATA_KEYS`) or a key file (`PARITY_DATA_KEY_FILE`, a
file generated into `var/` for local runs and the demo); see `parity.bootstrap.data_keyring`.

This package imports nothing from the rest of Parity: it is a library the store and the entrypoints use.
"""

from parity.protection.cipher import FieldCipher, normalise_for_index
from parity.protection.errors import KeyConfigurationError, ProtectionError, TamperedValue, UnknownKey
from parity.protection.keyring import Keyring

__all__ = [
    "FieldCipher",
    "KeyConfigurationError",
    "Keyring",
    "ProtectionError",
    "TamperedValue",
    "UnknownKey",
    "normalise_for_index",
]
