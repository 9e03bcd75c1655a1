"""The composition root: configuration in, adapters chosen, services out. Nothing else wires things together."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from parity.config import Settings
from parity.scheme import load_scheme
from parity.services.context import Services, SystemClock
from parity.services.ports import Clock
from parity.store.database import SqlUnitOfWorkFactory, make_engine
from parity.store.migrate import upgrade


def database(url: str, *, migrate: bool = True) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in {None, "", ":memory:"}:
        Path(parsed.database or "").parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    if migrate:
        upgrade(engine)
    return engine


def build_services(settings: Settings, clock: Clock | None = None, engine: Engine | None = None) -> Services:
    engine = engine or database(settings.database_url)
    services = Services(uow=SqlUnitOfWorkFactory(engine), clock=clock or SystemClock())
    for reference in settings.schemes:
        services.register(load_scheme(reference))
    return services
