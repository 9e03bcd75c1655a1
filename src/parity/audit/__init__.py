"""The tamper-evident audit log: an append-only hash chain with Ed25519-signed checkpoints. Pure: no I/O.

Each entry's hash is SHA-256 over the previous entry's hash and the entry's canonical JSON, so editing, deleting,
inserting or reordering an entry breaks every link after it; a signed checkpoint pins the hash at a position, so
even a rewritten chain (every hash recomputed) is caught. Entries carry record ids, never personal data.
"""

from parity.audit.chain import (
    GENESIS,
    AuditEvent,
    Checkpoint,
    Entry,
    Verification,
    canonical_json,
    chain_entry,
    verify_chain,
)
from parity.audit.signing import CheckpointSigner, new_signer, public_key_id, signer_from_text

__all__ = [
    "GENESIS",
    "AuditEvent",
    "Checkpoint",
    "CheckpointSigner",
    "Entry",
    "Verification",
    "canonical_json",
    "chain_entry",
    "new_signer",
    "public_key_id",
    "signer_from_text",
    "verify_chain",
]
