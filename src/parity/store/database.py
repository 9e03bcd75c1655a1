"""Engines and transactions for SQLite (embedded, the default) and PostgreSQL (by URL)."""

from __future__ import annotations

from typing import Any, Self

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.pool import StaticPool

from parity.protection import FieldCipher
from parity.services.ports import (
    AccountRepository,
    AdmissionCaseRepository,
    ArrivalRepository,
    AuditLog,
    CaseListing,
    CommandLog,
    CommitteeSignOffRepository,
    ConcurrencyConflict,
    DecisionProposalRepository,
    IdentityRepository,
    LedgerRepository,
    PersonalDataStore,
    ReturnCaseRepository,
    SchemeNoticeRepository,
    SchemeRecords,
    SelectionProposalRepository,
)
from parity.store.accounts import SqlAccountRepository
from parity.store.audit import SqlAuditLog
from parity.store.decisions import SqlDecisionProposalRepository
from parity.store.identity import SqlIdentityRepository
from parity.store.listing import SqlCaseListing
from parity.store.personal_data import SqlPersonalData
from parity.store.proposals import SqlSelectionProposalRepository
from parity.store.repositories import (
    SqlAdmissionCaseRepository,
    SqlArrivalRepository,
    SqlCommandLog,
    SqlCommitteeSignOffs,
    SqlLedgerRepository,
    SqlReturnCaseRepository,
    SqlSchemeNotices,
    SqlSchemeRecords,
)

SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str) -> Engine:
    # A database error's message would otherwise quote the statement's values, some of them personal data, into
    # whichever log shows the error.
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, hide_parameters=True)
    in_memory = url in {"sqlite://", "sqlite:///:memory:", "sqlite+pysqlite:///:memory:"}
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        # An in-memory database lives in one connection, so everyone must share it.
        poolclass=StaticPool if in_memory else None,
        hide_parameters=True,
    )
    _use_sqlite_transactions(engine, wal=not in_memory)
    return engine


def _use_sqlite_transactions(engine: Engine, *, wal: bool) -> None:
    """Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, and take the write lock at BEGIN.

    BEGIN IMMEDIATE makes concurrent writers queue (up to the busy timeout) instead of failing part-way when two
    read-then-write transactions meet: with the ledger's version check, limits then hold under concurrency.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class SqlUnitOfWork:
    """One database transaction; rolled back unless `commit()` is called."""

    connection: Connection
    # Typed as the ports, so the type checker proves each repository fulfils its protocol.
    arrivals: ArrivalRepository
    returns: ReturnCaseRepository
    admissions: AdmissionCaseRepository
    ledgers: LedgerRepository
    commands: CommandLog
    schemes: SchemeRecords
    notices: SchemeNoticeRepository
    sign_offs: CommitteeSignOffRepository
    proposals: SelectionProposalRepository
    identity: IdentityRepository
    accounts: AccountRepository
    decisions: DecisionProposalRepository
    case_listing: CaseListing
    audit: AuditLog
    personal_data: PersonalDataStore

    def __init__(self, engine: Engine, cipher: FieldCipher) -> None:
        self.engine = engine
        self.cipher = cipher  # personal data is encrypted and decrypted in the repositories, with this

    def __enter__(self) -> Self:
        self.connection = self.engine.connect()
        self.connection.begin()
        self.arrivals = SqlArrivalRepository(self.connection, self.cipher)
        self.returns = SqlReturnCaseRepository(self.connection, self.cipher)
        self.admissions = SqlAdmissionCaseRepository(self.connection, self.cipher)
        self.ledgers = SqlLedgerRepository(self.connection)
        self.commands = SqlCommandLog(self.connection, self.cipher)
        self.schemes = SqlSchemeRecords(self.connection)
        self.notices = SqlSchemeNotices(self.connection)
        self.sign_offs = SqlCommitteeSignOffs(self.connection)
        self.proposals = SqlSelectionProposalRepository(self.connection, self.cipher)
        self.identity = SqlIdentityRepository(self.connection, self.cipher)
        self.accounts = SqlAccountRepository(self.connection, self.cipher)
        self.decisions = SqlDecisionProposalRepository(self.connection, self.cipher)
        self.case_listing = SqlCaseListing(self.connection)
        self.audit = SqlAuditLog(self.connection)
        self.personal_data = SqlPersonalData(self.connection, self.cipher)
        return self

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None:
        try:
            if self.connection.in_transaction():
                self.connection.rollback()
        finally:
            self.connection.close()
        if isinstance(exc, IntegrityError):
            # A unique key taken by a concurrent writer (a repeated command id, a first ledger row).
            raise ConcurrencyConflict(str(exc.orig)) from exc

    def commit(self) -> None:
        try:
            self.connection.commit()
        except IntegrityError as error:
            # A unique key taken by a concurrent writer (a repeated command id, a first ledger row).
            raise ConcurrencyConflict(str(error.orig)) from error
        except OperationalError as error:
            if "locked" in str(error.orig) or "could not serialize" in str(error.orig):
                raise ConcurrencyConflict(str(error.orig)) from error
            raise


class SqlUnitOfWorkFactory:
    def __init__(self, engine: Engine, cipher: FieldCipher) -> None:
        self.engine = engine
        self.cipher = cipher

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.cipher)
