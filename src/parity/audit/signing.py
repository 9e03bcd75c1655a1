"""Ed25519 keys for checkpoints, as PEM text (PKCS#8). Where the text comes from is configuration's business."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from parity.audit.chain import Checkpoint, checkpoint_message


def public_key_id(public: Ed25519PublicKey) -> str:
    """A short fingerprint naming the key a checkpoint was signed with (so keys can be rotated)."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True)
class CheckpointSigner:
    key: Ed25519PrivateKey

    @property
    def key_id(self) -> str:
        return public_key_id(self.key.public_key())

    def sign(self, seq: int, entry_hash: str, at: datetime) -> Checkpoint:
        signature = self.key.sign(checkpoint_message(seq, entry_hash))
        return Checkpoint(seq, entry_hash, at, self.key_id, signature)

    def holds(self, checkpoint: Checkpoint) -> bool:
        """Whether this key made the checkpoint's signature over its (seq, hash)."""
        if checkpoint.key_id != self.key_id:
            return False
        try:
            self.key.public_key().verify(checkpoint.signature, checkpoint.message())
        except InvalidSignature:
            return False
        return True

    def private_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )


def signer_from_text(pem: str | bytes) -> CheckpointSigner:
    data = pem.encode() if isinstance(pem, str) else pem
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(  # noqa: TRY004 (a wrong key in configuration is a bad value)
            "the audit signing key must be an Ed25519 private key (PEM, PKCS#8)"
        )
    return CheckpointSigner(key)


def new_signer() -> CheckpointSigner:
    return CheckpointSigner(Ed25519PrivateKey.generate())
