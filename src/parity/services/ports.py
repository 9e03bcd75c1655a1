"""What the services need from the outside world, as protocols; adapters in `parity.store` implement them."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, Self

from parity.accounts.records import SessionRecord, TokenRecord, UserRecord
from parity.audit.chain import Checkpoint, Entry
from parity.domain.admissions import AdmissionCase, AdmissionStatus
from parity.domain.committee import SignOff
from parity.domain.decisions import CaseType, DecisionProposal, DecisionStatus
from parity.domain.identity_links import IdentityFlag, LinkedRecord, RecordSource
from parity.domain.ledger import Ledger
from parity.domain.messages import Message
from parity.domain.notices import SchemeNotice
from parity.domain.people import BoatArrival
from parity.domain.proposals import ProposalStatus, SelectionProposal
from parity.domain.returns import ReturnCase, ReturnStatus
from parity.identity.records import IdentityRecord
from parity.scheme.model import Scheme


class ConcurrencyConflict(Exception):
    """Someone else changed the record first; the command may be retried on fresh data."""


class NotFound(LookupError):
    """Nothing has that id. `message` says what was looked for, so that each reader gets it in their language; text
    given as a plain string is shown as it is in every language."""

    def __init__(self, message: Message | str) -> None:
        self.message = message if isinstance(message, Message) else Message(message)
        super().__init__(str(self.message))


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
    def recorded_boats(self, scheme_id: str, boat_refs: Collection[str]) -> dict[str, datetime]:
        """Which of these boats the scheme already holds (a boat reference is unique in a scheme), and when each
        arrived."""
        ...


class ReturnCaseRepository(Protocol):
    def add(self, case: ReturnCase, scheme_id: str) -> None: ...
    def add_many(self, cases: list[ReturnCase], scheme_id: str) -> None: ...
    def get(self, case_id: str) -> ReturnCase: ...
    def save(self, case: ReturnCase) -> None: ...
    def ids_by_status(self, scheme_id: str, statuses: frozenset[ReturnStatus]) -> list[str]: ...
    def count_by_status(self, scheme_id: str) -> dict[ReturnStatus, int]: ...
    def family_case_ids(self, arrival_id: str, family_group: str) -> list[str]: ...
    def booked_transfers(self, scheme_id: str) -> list[tuple[str, datetime]]:
        """The nationality and booked departure of every case of the scheme on a transfer not yet made."""
        ...

    def scheme_of(self, case_id: str) -> str: ...


class AdmissionCaseRepository(Protocol):
    def add(self, case: AdmissionCase, scheme_id: str) -> None: ...
    def case_of_family(self, family_ref: str) -> str | None:
        """The id of the case that holds this family reference (unique across schemes), if any."""
        ...

    def get(self, case_id: str) -> AdmissionCase: ...
    def save(self, case: AdmissionCase) -> None: ...
    def ids_by_status(self, scheme_id: str, statuses: frozenset[AdmissionStatus]) -> list[str]: ...
    def scheme_of(self, case_id: str) -> str: ...


class LedgerRepository(Protocol):
    def get(self, scheme_id: str) -> Ledger:
        """The ledger, locked until the transaction ends: for a command that may change it."""
        ...

    def read(self, scheme_id: str) -> Ledger:
        """The ledger as it stands, without a lock: for reports."""
        ...

    def save(self, ledger: Ledger) -> None: ...


class SelectionProposalRepository(Protocol):
    """Admissions selection proposals (issue 7). `save` stores a status change of an open proposal, and raises
    `ConcurrencyConflict` if it was approved or superseded meanwhile."""

    def add(self, proposal: SelectionProposal) -> None: ...
    def get(self, proposal_id: str) -> SelectionProposal: ...
    def save(self, proposal: SelectionProposal) -> None: ...
    def ids_by_status(self, scheme_id: str, status: ProposalStatus) -> list[str]: ...
    def latest(self, scheme_id: str | None, limit: int) -> list[SelectionProposal]: ...


class CommandLog(Protocol):
    """Commands already carried out, so that a repeated command (same client command id) replays safely."""

    def get(self, command_id: str) -> StoredCommand | None: ...
    def add(self, command: StoredCommand, at: datetime) -> None: ...


class SchemeRecords(Protocol):
    def ensure(self, scheme: Scheme, at: datetime) -> None: ...


class SchemeNoticeRepository(Protocol):
    def for_scheme(self, scheme_id: str) -> list[SchemeNotice]: ...
    def add(self, notice: SchemeNotice) -> None: ...


class CommitteeSignOffRepository(Protocol):
    def get(self, scheme_id: str, week_start: date) -> SignOff | None: ...
    def add(self, sign_off: SignOff) -> None: ...
    def signed_weeks(self, scheme_id: str) -> set[date]: ...


@dataclass(frozen=True)
class IndexedPerson:
    """A person record in the identity index (issue 5): where it comes from, its case, and what matching needs.

    ``record.record_id`` is the arriving person's id or the admission member's id.
    """

    source: RecordSource
    case_id: str  # the return case (arrival) or the admission case (application)
    record: IdentityRecord


@dataclass(frozen=True)
class DecidedWeights:
    """Decided identity flags reduced to what a refit of the probability shown needs (``parity identity
    calibrate-from-decisions``): each flag's match weight and whether the answer was "same person", oldest decision
    first. No flag, record, case or person id, and no name, leaves the store."""

    pairs: tuple[tuple[float, bool], ...]
    first_decided_at: datetime | None
    last_decided_at: datetime | None
    by_model_version: Mapping[str, int]  # how many of the pairs were decided under each model version

    @property
    def same_person(self) -> int:
        return sum(1 for _, same in self.pairs if same)

    @property
    def not_same_person(self) -> int:
        return len(self.pairs) - self.same_person


class IdentityRepository(Protocol):
    """The identity index and its flags (issue 5). Names, dates of birth and document numbers are read and
    written only here, so that encrypting them at rest touches one place."""

    def add_people(self, people: Sequence[IndexedPerson], at: datetime) -> None: ...
    def all_people(self) -> Iterator[IndexedPerson]: ...
    def indexed_after(self, sequence: int) -> Iterator[tuple[int, str, IndexedPerson | None]]:
        """Committed changes to the index after number ``sequence``, in commit order, each with its number and
        record id: the person indexed, or None for a record anonymised since (a record is numbered again when
        anonymised). Records this unit of work added and has not committed are left out. What a process's
        in-memory register has not seen yet: people to add, and records to remove."""
        ...

    def located(self, record_ids: Collection[str], *, include_anonymised: bool = True) -> dict[str, LinkedRecord]:
        """The indexed records among ``record_ids``, with their cases; ids not in the index are left out, and so
        are records anonymised under retention when ``include_anonymised`` is False (a new flag never names one)."""
        ...

    def add_flags(self, flags: Sequence[IdentityFlag]) -> None: ...
    def flag(self, flag_id: str) -> IdentityFlag: ...
    def save_decision(self, flag: IdentityFlag) -> None: ...
    def flags_for_case(self, case_id: str) -> list[IdentityFlag]: ...
    def people(self, record_ids: Collection[str]) -> dict[str, IndexedPerson]:
        """The indexed records among ``record_ids``; those not indexed, or anonymised, are left out."""
        ...

    def pending_flags(self, limit: int) -> list[IdentityFlag]:
        """Flags nobody has decided yet, oldest first; among flags raised together, the strongest match first."""
        ...

    def decided_weights(self, model_versions: Collection[str], *, since: datetime | None = None) -> DecidedWeights:
        """The decided flags raised under one of ``model_versions`` whose basis is the match weight (a flag decided
        by fingerprints says nothing about the weight), decided at or after ``since`` when given: (weight, same
        person) pairs, oldest decision first."""
        ...


# --- Accounts, decision approvals, case listings and the audit log (issue 3).
class AccountRepository(Protocol):
    """Users, their browser sessions and API tokens. Sessions and tokens are found by the hash of their secret."""

    def add_user(self, user: UserRecord) -> None: ...
    def user(self, user_id: str) -> UserRecord: ...
    def user_named(self, username: str) -> UserRecord | None: ...
    def users(self) -> list[UserRecord]: ...
    def save_user(self, user: UserRecord) -> None: ...
    def add_session(self, session: SessionRecord) -> None: ...
    def session(self, id_hash: str) -> SessionRecord | None: ...
    def touch_session(self, id_hash: str, at: datetime) -> None: ...
    def end_session(self, id_hash: str, at: datetime) -> None: ...
    def add_token(self, token: TokenRecord) -> None: ...
    def token(self, token_id: str) -> TokenRecord: ...
    def token_with_hash(self, token_hash: str) -> TokenRecord | None: ...
    def tokens(self, user_id: str | None) -> list[TokenRecord]: ...
    def revoke_token(self, token_id: str, at: datetime) -> None: ...


class DecisionProposalRepository(Protocol):
    """Removal and admission decisions awaiting a second person. `save` stores the decision of a proposal that is
    still open, and raises `ConcurrencyConflict` if someone decided it meanwhile."""

    def add(self, proposal: DecisionProposal) -> None: ...
    def get(self, proposal_id: str) -> DecisionProposal: ...
    def save(self, proposal: DecisionProposal) -> None: ...
    def page(
        self, case_type: CaseType, status: DecisionStatus | None, after: str | None, limit: int
    ) -> list[DecisionProposal]: ...


@dataclass(frozen=True)
class CaseSummary:
    """A case as listed: no personal data, only what a list needs to be filtered and paged."""

    case_id: str
    scheme_id: str
    status: str
    version: int
    opened_at: datetime  # arrival (return case) or submission (admission case)


class CaseListing(Protocol):
    """Pages of cases in id order, filtered by scheme and status; `after` is the last id of the previous page."""

    def returns_page(
        self, scheme_id: str | None, statuses: Collection[str], after: str | None, limit: int
    ) -> list[CaseSummary]: ...
    def admissions_page(
        self, scheme_id: str | None, statuses: Collection[str], after: str | None, limit: int
    ) -> list[CaseSummary]: ...
    def admission_counts(self, scheme_id: str) -> dict[str, int]: ...


class AuditLog(Protocol):
    """The append-only hash chain. `head` locks the chain's last position until the transaction ends, so that
    concurrent appenders queue; `append` adds the next entry and moves the head. Nothing updates or deletes."""

    def head(self) -> tuple[int, str]: ...
    def append(self, entry: Entry) -> None: ...
    def add_checkpoint(self, checkpoint: Checkpoint) -> None: ...
    def entries(self, after: int = 0) -> Iterator[Entry]: ...
    def latest(self, limit: int, before: int | None = None) -> list[Entry]: ...
    def checkpoints(self) -> list[Checkpoint]: ...


# --- Personal data at rest (issue 3 item 5): keys in use, re-encryption, retention and subject access.
@dataclass(frozen=True)
class HeldRecord:
    """A person record the store holds: an arriving person (and their return case) or an admission applicant."""

    record_id: str  # the arriving person's id or the admission member's id
    source: RecordSource
    case_id: str
    arrival_id: str | None  # arriving people only
    anonymised_at: datetime | None


@dataclass(frozen=True)
class ClosedCase:
    case_id: str
    source: RecordSource
    closed_at: datetime  # the time of the case's last action


@dataclass(frozen=True)
class AnonymisedCounts:
    people: int
    admission_members: int
    identity_records: int
    # Free text replaced: payloads (of actions, decision proposals, their commands' results) and identity-decision
    # reasons
    action_payloads: int


class PersonalDataStore(Protocol):
    """What the services ask of the encrypted personal data as a whole; no method returns a key or a ciphertext."""

    def key_usage(self) -> dict[str, int]:
        """How many stored values each key id protects (including ids no longer configured)."""
        ...

    def rows_to_reencrypt(self) -> int: ...
    def reencrypt(self, limit: int) -> int:
        """Re-encrypt under the active key up to ``limit`` rows holding a value under another key; how many."""
        ...

    def index_key_usage(self) -> dict[str, int]:
        """How many stored blind index values each index key id made (including ids no longer configured)."""
        ...

    def rows_to_reindex(self) -> int: ...
    def reindex(self, limit: int) -> int:
        """Recompute under the active index key the blind indexes of up to ``limit`` rows holding one under another
        index key; how many rows."""
        ...

    def held_record(self, record_id: str) -> HeldRecord | None: ...
    def records_with_document(self, number: str) -> list[HeldRecord]: ...
    def records_with_name(self, family_name: str, date_of_birth: date | None) -> list[HeldRecord]: ...
    def index_entries(self, record_ids: Collection[str]) -> list[IndexedPerson]: ...
    def flag_ids_involving(self, record_ids: Collection[str]) -> list[str]: ...
    def closed_cases_holding_personal_data(
        self, scheme_id: str, returns: frozenset[ReturnStatus], admissions: frozenset[AdmissionStatus]
    ) -> list[ClosedCase]: ...
    def anonymise(
        self, return_case_ids: Collection[str], admission_case_ids: Collection[str], at: datetime
    ) -> AnonymisedCounts:
        """Clear the personal data of these cases' people (their rows and identity index entries)."""
        ...


class UnitOfWork(Protocol):
    """One transaction: everything done through it is committed together or not at all."""

    arrivals: ArrivalRepository
    returns: ReturnCaseRepository
    admissions: AdmissionCaseRepository
    ledgers: LedgerRepository
    commands: CommandLog
    schemes: SchemeRecords
    identity: IdentityRepository
    notices: SchemeNoticeRepository
    sign_offs: CommitteeSignOffRepository
    proposals: SelectionProposalRepository
    accounts: AccountRepository
    decisions: DecisionProposalRepository
    case_listing: CaseListing
    audit: AuditLog
    personal_data: PersonalDataStore

    def __enter__(self) -> Self: ...
    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None: ...
    def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...
