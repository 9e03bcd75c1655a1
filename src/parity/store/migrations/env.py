"""Alembic environment: runs the migrations on the connection or URL that `parity.store.migrate` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from parity.store.database import make_engine
from parity.store.tables import metadata


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    with make_engine(context.config.get_main_option("sqlalchemy.url") or "").connect() as new_connection:
        _run(new_connection)
        new_connection.commit()
