"""Hash-chain entries, checkpoints and verification. Verification names the first entry that does not hold."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS = "0" * 64  # the "previous hash" of the first entry


@dataclass(frozen=True)
class AuditEvent:
    """What happened, before it takes its place in the chain. Record ids only: never names or other personal data."""

    actor_id: str
    role: str
    action: str
    record_ids: tuple[str, ...]
    origin: str
    outcome: str
    command_id: str | None = None


@dataclass(frozen=True)
class Entry:
    seq: int
    at: datetime
    event: AuditEvent
    prev_hash: str
    hash: str

    def fields(self) -> dict[str, Any]:
        """The hashed content: everything but the entry's own hash."""
        event = self.event
        return {
            "seq": self.seq,
            "at": self.at.isoformat(timespec="microseconds"),
            "actor_id": event.actor_id,
            "role": event.role,
            "action": event.action,
            "record_ids": list(event.record_ids),
            "origin": event.origin,
            "outcome": event.outcome,
            "command_id": event.command_id,
        }


@dataclass(frozen=True)
class Checkpoint:
    """A signature over the chain's hash at one position: it pins every entry up to and including `seq`."""

    seq: int
    entry_hash: str
    at: datetime
    key_id: str
    signature: bytes

    def message(self) -> bytes:
        return checkpoint_message(self.seq, self.entry_hash)


def checkpoint_message(seq: int, entry_hash: str) -> bytes:
    return canonical_json({"seq": seq, "entry_hash": entry_hash}).encode()


def canonical_json(value: Mapping[str, Any]) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 text kept as is (RFC 8785 style for our types)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def entry_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(f"{prev_hash}\n{canonical_json(fields)}".encode()).hexdigest()


def chain_entry(prev_seq: int, prev_hash: str, at: datetime, event: AuditEvent) -> Entry:
    """The next entry after (prev_seq, prev_hash): seq 1 follows (0, GENESIS)."""
    draft = Entry(prev_seq + 1, at, event, prev_hash, "")
    return Entry(draft.seq, at, event, prev_hash, entry_hash(prev_hash, draft.fields()))


@dataclass(frozen=True)
class Verification:
    checked: int  # entries walked
    checkpoints: int  # checkpoints whose signature and hash held
    first_bad: int | None = None  # position (seq) of the first entry that does not hold
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None


SignatureCheck = Callable[[Checkpoint], bool]


def verify_chain(
    entries: Iterable[Entry],
    checkpoints: Iterable[Checkpoint],
    signature_holds: SignatureCheck,
    head: tuple[int, str] | None = None,
) -> Verification:
    """Walk the chain from its first entry; stop at the first entry that breaks it and say why.

    `entries` must come in stored order (by seq). A gap or a repeat in the numbering is a deletion, insertion or
    reordering; a wrong previous hash is a link broken; a wrong hash is content edited. Checkpoints then catch a
    chain rewritten from some point on, and a deleted tail, as far as the latest checkpoint reaches. `head` is the
    stored (position, hash) of the last entry: unsigned, it still catches a tail deleted by someone who left it.
    """
    pinned = sorted(checkpoints, key=lambda c: c.seq)
    wanted = {c.seq for c in pinned}
    hashes_at: dict[int, str] = {}
    prev_hash = GENESIS
    checked = 0
    for expected, entry in enumerate(entries, start=1):
        checked = expected
        if entry.seq != expected:
            kind = "missing (deleted) or out of order" if entry.seq > expected else "repeated or out of order"
            return Verification(
                checked - 1, 0, expected, f"entry {expected} is {kind}: found entry {entry.seq} in its place"
            )
        if entry.prev_hash != prev_hash:
            return Verification(
                checked - 1,
                0,
                expected,
                f"entry {expected} ({entry.event.action}) does not follow entry {expected - 1}: its previous-hash "
                "link is broken (an entry was inserted, deleted or moved here)",
            )
        if entry_hash(entry.prev_hash, entry.fields()) != entry.hash:
            return Verification(
                checked - 1,
                0,
                expected,
                f"entry {expected} ({entry.event.action}) was altered: its hash does not match",
            )
        if expected in wanted:
            hashes_at[expected] = entry.hash
        prev_hash = entry.hash
    for count, checkpoint in enumerate(pinned):
        if not signature_holds(checkpoint):
            return Verification(
                checked, count, checkpoint.seq, f"checkpoint at entry {checkpoint.seq} has a bad signature"
            )
        found = hashes_at.get(checkpoint.seq)
        if found is None:
            return Verification(
                checked,
                count,
                checked + 1,
                f"entry {checked + 1} is missing: the log ends at entry {checked} but checkpoint at entry "
                f"{checkpoint.seq} was signed over it (entries were deleted from the end)",
            )
        if found != checkpoint.entry_hash:
            return Verification(
                checked,
                count,
                checkpoint.seq,
                f"entry {checkpoint.seq} does not match its signed checkpoint: the chain up to it was rewritten",
            )
    if head is not None and head != (checked, prev_hash):
        if head[0] > checked:
            reason = f"entry {checked + 1} is missing: the log ends at entry {checked} but its head is at {head[0]}"
            return Verification(checked, len(pinned), checked + 1, reason)
        return Verification(
            checked, len(pinned), checked, f"entry {checked} does not match the chain head (entry {head[0]})"
        )
    return Verification(checked, len(pinned))
