"""What the services need from the outside world, as protocols; adapters in `parity.store` implement them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, Self

from parity.domain.admissions import AdmissionCase, AdmissionStatus
from parity.domain.ledger import Ledger
from parity.domain.people import BoatArrival
from parity.domain.returns import ReturnCase, ReturnStatus
from parity.scheme.model import Scheme


class ConcurrencyConflict(Exception):
    """Someone else changed the record first; the command may be retried on fresh data."""


class NotFound(LookupError):
    pass


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass(frozen=True)
class StoredCommand:
    command_id: str
    name: str
    request_hash: str
    result: Mapping[str, Any]


class ArrivalRepository(Protocol):
    def add(self, arrival: BoatArrival, scheme: Scheme) -> None: ...
    def get(self, arrival_id: str) -> BoatArrival: ...


class ReturnCaseRepository(Protocol):
    def add(self, case: ReturnCase, scheme_id: str) -> None: ...
    def add_many(self, cases: list[ReturnCase], scheme_id: str) -> None: ...
    def get(self, case_id: str) -> ReturnCase: ...
    def save(self, case: ReturnCase) -> None: ...
    def ids_by_status(self, scheme_id: str, statuses: frozenset[ReturnStatus]) -> list[str]: ...
    def count_by_status(self, scheme_id: str) -> dict[ReturnStatus, int]: ...
    def scheme_of(self, case_id: str) -> str: ...


class AdmissionCaseRepository(Protocol):
    def add(self, case: AdmissionCase, scheme_id: str) -> None: ...
    def get(self, case_id: str) -> AdmissionCase: ...
    def save(self, case: AdmissionCase) -> None: ...
    def ids_by_status(self, scheme_id: str, statuses: frozenset[AdmissionStatus]) -> list[str]: ...
    def scheme_of(self, case_id: str) -> str: ...


class LedgerRepository(Protocol):
    def get(self, scheme_id: str) -> Ledger: ...
    def save(self, ledger: Ledger) -> None: ...


class CommandLog(Protocol):
    """Commands already carried out, so that a repeated command (same client command id) replays safely."""

    def get(self, command_id: str) -> StoredCommand | None: ...
    def add(self, command: StoredCommand, at: datetime) -> None: ...


class SchemeRecords(Protocol):
    def ensure(self, scheme: Scheme, at: datetime) -> None: ...


class UnitOfWork(Protocol):
    """One transaction: everything done through it is committed together or not at all."""

    arrivals: ArrivalRepository
    returns: ReturnCaseRepository
    admissions: AdmissionCaseRepository
    ledgers: LedgerRepository
    commands: CommandLog
    schemes: SchemeRecords

    def __enter__(self) -> Self: ...
    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None: ...
    def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...
