"""The audit trail: who did what to which record, when and from where, appended to the hash chain.

Writes are audited by `run_command` inside the command's own transaction, so a write and its entry are committed
together or not at all. Reads of personal data and refused requests are audited by the entrypoint through
`record_access`. Entries carry record ids only; the acting user and origin come from `acting()`, which the
entrypoint sets for each request or command (`acting_as`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from parity.audit.chain import AuditEvent, Checkpoint, Entry, Verification, chain_entry, verify_chain
from parity.audit.signing import CheckpointSigner
from parity.domain.errors import DomainError
from parity.domain.messages import Message
from parity.services.ports import UnitOfWork

if TYPE_CHECKING:
    from parity.services.context import Services

FIELD_LIMIT = 128  # the width of the log's text columns, and of each record id; longer values are cut, never refused


@dataclass
class Acting:
    """Who is acting and from where. Mutable so that an entrypoint can name the user once it has authenticated
    them, on the same object the request started with (context variables do not flow back out of threads)."""

    user_id: str = "system"
    role: str = "system"
    origin: str = "local"


_acting: ContextVar[Acting | None] = ContextVar("parity_acting", default=None)


def acting() -> Acting:
    found = _acting.get()
    return found if found is not None else Acting()


@contextmanager
def acting_as(who: Acting) -> Iterator[Acting]:
    token = _acting.set(who)
    try:
        yield who
    finally:
        _acting.reset(token)


@dataclass(frozen=True)
class AuditPolicy:
    """How the chain is anchored: every `checkpoint_every` entries the head is signed with `signer` (if any)."""

    signer: CheckpointSigner | None = None
    checkpoint_every: int = 1_000


class AuditKeyMissing(DomainError):
    code = "audit_key_missing"


def append(
    uow: UnitOfWork,
    policy: AuditPolicy,
    at: datetime,
    action: str,
    *,
    record_ids: Sequence[str],
    outcome: str,
    command_id: str | None = None,
) -> Entry:
    """Append one entry in `uow`'s transaction (the caller commits), with a signed checkpoint when one is due."""
    who = acting()
    event = AuditEvent(
        actor_id=who.user_id[:FIELD_LIMIT],
        role=who.role[:32],
        action=action[:FIELD_LIMIT],
        record_ids=tuple(record_id[:FIELD_LIMIT] for record_id in record_ids),
        origin=who.origin[:FIELD_LIMIT],
        outcome=outcome[:FIELD_LIMIT],
        command_id=command_id[:FIELD_LIMIT] if command_id else None,
    )
    seq, prev_hash = uow.audit.head()
    entry = chain_entry(seq, prev_hash, at, event)
    uow.audit.append(entry)
    if policy.signer is not None and entry.seq % policy.checkpoint_every == 0:
        uow.audit.add_checkpoint(policy.signer.sign(entry.seq, entry.hash, at))
    return entry


def record_ids_in(result: Mapping[str, Any]) -> list[str]:
    """The record ids a command's result names (`*_id` and `*_ids` keys, at any depth), in order, once each."""
    found: dict[str, None] = {}

    def walk(value: object, key: str = "") -> None:
        if isinstance(value, Mapping):
            for name, item in value.items():
                walk(item, str(name))
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item, key)
        elif isinstance(value, str) and (key.endswith("_id") or key.endswith("_ids")):
            found[value] = None

    walk(result)
    return list(found)


def record_access(services: Services, action: str, record_ids: Sequence[str], outcome: str = "read") -> None:
    """Audit a read of personal data, or a refused request, in a transaction of its own."""
    with services.uow() as uow:
        append(uow, services.audit, services.clock.now(), action, record_ids=record_ids, outcome=outcome)
        uow.commit()


def checkpoint(services: Services) -> Checkpoint | None:
    """Sign the chain's head now (`parity audit checkpoint`); None if the log is empty or the head is signed."""
    signer = _signer(services)
    with services.uow() as uow:
        seq, head_hash = uow.audit.head()
        if seq == 0 or any(c.seq == seq for c in uow.audit.checkpoints()):
            return None
        signed = signer.sign(seq, head_hash, services.clock.now())
        uow.audit.add_checkpoint(signed)
        uow.commit()
    return signed


def verify(services: Services) -> Verification:
    """Walk the whole chain and its checkpoints; the result names the first entry that does not hold."""
    signer = _signer(services)
    with services.uow() as uow:
        checkpoints = uow.audit.checkpoints()
        return verify_chain(uow.audit.entries(), checkpoints, signer.holds, head=uow.audit.head())


def latest_entries(services: Services, limit: int, before: int | None = None) -> list[Entry]:
    with services.uow() as uow:
        return uow.audit.latest(limit, before)


def _signer(services: Services) -> CheckpointSigner:
    if services.audit.signer is None:
        raise AuditKeyMissing(Message("no audit signing key is configured: set PARITY_AUDIT_SIGNING_KEY (see README)"))
    return services.audit.signer
