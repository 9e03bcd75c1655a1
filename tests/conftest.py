"""Shared fixtures: the real bundled schemes, a settable clock, and stores on SQLite and PostgreSQL.

PostgreSQL tests use the server at PARITY_TEST_POSTGRES_URL (default: 127.0.0.1:5432, database `test`). Each test
gets a schema of its own, so runs never see each other's data. In CI a missing server fails the run
(PARITY_REQUIRE_POSTGRES=1); elsewhere those tests are skipped with the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import Engine, create_engine, text

from parity.bootstrap import database
from parity.protection import FieldCipher, Keyring
from parity.protection.key_file import read_key_file, write_key_file
from parity.scheme import Scheme, load_scheme
from parity.services.context import Services, SettableClock
from parity.store.database import SqlUnitOfWorkFactory, make_engine

POSTGRES_URL = os.environ.get("PARITY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def uk_fr() -> Scheme:
    return load_scheme("uk-fr-2025")


@pytest.fixture(scope="session")
def eu_tr() -> Scheme:
    return load_scheme("eu-tr-2016")


@pytest.fixture(scope="session")
def data_key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Personal data in test databases is encrypted, as everywhere, with a keyring made for the test session."""
    path = tmp_path_factory.mktemp("keys") / "data-keys.json"
    write_key_file(path, Keyring.generate())
    return path


@pytest.fixture(scope="session")
def data_cipher(data_key_file: Path) -> FieldCipher:
    return FieldCipher(read_key_file(data_key_file))


@pytest.fixture(autouse=True)
def _data_keys_of_the_session(monkeypatch: pytest.MonkeyPatch, data_key_file: Path) -> None:
    """The CLI and `build_services` in tests use the session's keys, not a key file in the working tree's var/."""
    monkeypatch.delenv("PARITY_DATA_KEYS", raising=False)
    monkeypatch.delenv("PARITY_DATA_INDEX_KEY", raising=False)
    monkeypatch.delenv("PARITY_DATA_INDEX_KEYS", raising=False)
    monkeypatch.setenv("PARITY_DATA_KEY_FILE", str(data_key_file))


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(datetime(2025, 9, 1, 8, 0, tzinfo=UTC))


def _postgres_engine(make: Callable[[str], Engine] = database) -> Iterator[Engine]:
    """An engine, made by `make` (migrating by default), on a fresh schema of the test PostgreSQL server."""
    admin = create_engine(POSTGRES_URL)
    try:
        with admin.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as error:
        admin.dispose()
        if os.environ.get("PARITY_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required but not reachable at {POSTGRES_URL}: {error}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}")
    schema = f"parity_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(text(f"create schema {schema}"))
    engine = make(f"{POSTGRES_URL}?options=-csearch_path%3D{schema}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f"drop schema {schema} cascade"))
        admin.dispose()


def _empty_database(backend: str, tmp_path: Path, make: Callable[[str], Engine]) -> Iterator[Engine]:
    """An engine made by `make` on a SQLite file or on a fresh PostgreSQL schema."""
    if backend == "sqlite":
        engine = make(f"sqlite:///{tmp_path / 'parity.db'}")
        yield engine
        engine.dispose()
    else:
        yield from _postgres_engine(make)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database: a SQLite file (WAL) or a fresh PostgreSQL schema."""
    yield from _empty_database(request.param, tmp_path, database)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def unmigrated(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database on which no migration has run yet (for testing a migration)."""
    yield from _empty_database(request.param, tmp_path, make_engine)


@pytest.fixture
def services(engine: Engine, clock: SettableClock, uk_fr: Scheme, eu_tr: Scheme, data_cipher: FieldCipher) -> Services:
    services = Services(uow=SqlUnitOfWorkFactory(engine, data_cipher), clock=clock)
    services.register(uk_fr)
    services.register(eu_tr)
    return services


@pytest.fixture
def memory_services(clock: SettableClock, uk_fr: Scheme, eu_tr: Scheme, data_cipher: FieldCipher) -> Services:
    """The in-memory store: SQLite held in memory, for fast service-level tests."""
    services = Services(uow=SqlUnitOfWorkFactory(database("sqlite://"), data_cipher), clock=clock)
    services.register(uk_fr)
    services.register(eu_tr)
    return services


# The machine is shared and noisy, and `holidays` builds each year's table on first use: time limits per example
# would fail for reasons that have nothing to do with correctness.
settings.register_profile("parity", deadline=None)
settings.load_profile("parity")
