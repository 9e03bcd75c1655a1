"""What every use case runs with: a unit-of-work factory, the schemes in force, a clock, a source of record ids;
plus retry and replay."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from parity.domain.errors import DomainError
from parity.domain.lifecycle import SchemeRef
from parity.domain.messages import Message
from parity.identity.port import IdentityResolver, NullIdentityResolver
from parity.scheme.model import Scheme
from parity.services.audit import AuditPolicy, append, record_ids_in
from parity.services.ports import Clock, ConcurrencyConflict, StoredCommand, UnitOfWork, UnitOfWorkFactory

T = TypeVar("T")
MAX_ATTEMPTS = 8


class IdempotencyConflict(DomainError):
    code = "idempotency_conflict"


class StaleVersion(DomainError):
    code = "stale_version"


class UnknownScheme(DomainError):
    code = "unknown_scheme"


def random_id() -> str:
    return str(uuid.uuid4())


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class SettableClock:
    """A clock that only moves when told to: for tests, the demo and replays of history."""

    current: datetime

    def now(self) -> datetime:
        return self.current


@dataclass
class Services:
    uow: UnitOfWorkFactory
    clock: Clock
    schemes: dict[str, Scheme] = field(default_factory=dict)
    # Identity resolution (issue 5): finds earlier records of the same person at intake and at expression of
    # interest. Null unless configured; filled from the store's identity index on first use (services.identity).
    identity: IdentityResolver = field(default_factory=NullIdentityResolver)
    # The number of the last identity index record the resolver's register has read (parity.services.identity).
    identity_read_to: int = 0
    # The audit chain (issue 3): every command appends an entry; checkpoints are signed with the configured key.
    audit: AuditPolicy = field(default_factory=AuditPolicy)
    # Where the ids of new case-work records come from (arrivals, people, cases, applicants, proposals, notices).
    # Ids are more than names: a selection round ranks families of equal priority who applied on the same day by
    # case id. A replay that must repeat itself exactly (the twin) passes a seeded source.
    new_id: Callable[[], str] = random_id

    def scheme(self, scheme_id: str) -> Scheme:
        found = self.schemes.get(scheme_id)
        if found is None:
            raise UnknownScheme(
                Message(
                    "scheme '%(scheme)s' is not loaded (loaded: %(loaded)s)",
                    scheme=scheme_id,
                    loaded=", ".join(self.schemes) or "none",
                )
            )
        return found

    def register(self, scheme: Scheme) -> None:
        """Put a scheme in force here, keeping its full text in the store so decisions under it can be read back."""
        with self.uow() as uow:
            uow.schemes.ensure(scheme, self.clock.now())
            uow.commit()
        self.schemes[scheme.id] = scheme


def scheme_ref(scheme: Scheme) -> SchemeRef:
    return SchemeRef(scheme.id, scheme.version)


def _jsonable(value: object) -> object:
    if isinstance(value, set | frozenset):
        return sorted(str(item) for item in value)  # sets have no order; their fingerprint must not depend on one
    return str(value)


def request_hash(name: str, request: Mapping[str, Any]) -> str:
    canonical = json.dumps({"name": name, "request": request}, sort_keys=True, separators=(",", ":"), default=_jsonable)
    return hashlib.sha256(canonical.encode()).hexdigest()


def with_retries(work: Callable[[], T]) -> T:
    """Run a read-then-write command again on fresh data when a concurrent writer got there first."""
    for _attempt in range(MAX_ATTEMPTS - 1):
        try:
            return work()
        except ConcurrencyConflict:
            continue
    return work()


def run_command(
    services: Services,
    command_id: str,
    name: str,
    request: Mapping[str, Any],
    handle: Callable[[UnitOfWork], Mapping[str, Any]],
) -> Mapping[str, Any]:
    """Carry out a command once: a repeat with the same id and request replays the first result and changes nothing.

    The command log and the audit entry (who, from `acting()`; which records, from the result) are written in the
    same transaction as the command's effects, so all happen or none. A replay is audited too, as replayed.
    """
    fingerprint = request_hash(name, request)

    def attempt() -> Mapping[str, Any]:
        with services.uow() as uow:
            stored = uow.commands.get(command_id)
            if stored is not None:
                if stored.name != name or stored.request_hash != fingerprint:
                    raise IdempotencyConflict(
                        Message(
                            "command id %(command)s was already used for a different request (%(name)s)",
                            command=command_id,
                            name=stored.name,
                        )
                    )
                _audit_and_commit(uow, stored.result, "replayed")
                return stored.result
            result = handle(uow)
            uow.commands.add(StoredCommand(command_id, name, fingerprint, result), services.clock.now())
            _audit_and_commit(uow, result, "done")
            return result

    def _audit_and_commit(uow: UnitOfWork, result: Mapping[str, Any], outcome: str) -> None:
        append(
            uow,
            services.audit,
            services.clock.now(),
            name,
            record_ids=record_ids_in(result),
            outcome=outcome,
            command_id=command_id,
        )
        uow.commit()

    return with_retries(attempt)
