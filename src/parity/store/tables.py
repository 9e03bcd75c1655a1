"""Database tables (SQLAlchemy Core). Portable types only, so the same schema runs on SQLite and PostgreSQL.

Case histories are append-only: `return_actions` and `admission_actions` rows are inserted, never updated. The
case rows keep a denormalised status for queries and a version for optimistic concurrency.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every backend (SQLite keeps no time zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: give a time zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

schemes = Table(
    "schemes",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("version", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("content", JSON, nullable=False),
    Column("first_used_at", UtcDateTime, nullable=False),
)

arrivals = Table(
    "arrivals",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("boat_ref", String(64), nullable=False),
    Column("arrived_at", UtcDateTime, nullable=False),
    Column("place", String(200), nullable=False),
    Column("scheme_id", String(64), nullable=False),
)

people = Table(
    "people",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("arrival_id", String(36), ForeignKey("arrivals.id"), nullable=False, index=True),
    Column("given_names", Text, nullable=False),
    Column("family_name", Text, nullable=False),
    Column("date_of_birth", Date),
    Column("nationality", String(3), nullable=False),
    Column("sex", String(1), nullable=False),
    Column("documents", JSON, nullable=False),
    Column("biometric_ref", String(128)),
    Column("age_status", String(32), nullable=False),
    Column("grounds", JSON, nullable=False),
    Column("departed_from", String(3)),
    Column("transit_evidence", Text),
    Column("family_group", String(64)),
)


def _action_table(name: str, case_table: str) -> Table:
    return Table(
        name,
        metadata,
        Column("case_id", String(36), ForeignKey(f"{case_table}.id"), primary_key=True),
        Column("seq", Integer, primary_key=True, autoincrement=False),
        Column("kind", String(64), nullable=False),
        Column("at", UtcDateTime, nullable=False),
        Column("actor", String(128), nullable=False),
        Column("command_id", String(128), nullable=False, unique=True),
        Column("scheme_id", String(64), nullable=False),
        Column("scheme_version", String(64), nullable=False),
        Column("payload", JSON, nullable=False),
    )


return_cases = Table(
    "return_cases",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("person_id", String(36), ForeignKey("people.id"), nullable=False, unique=True),
    Column("arrival_id", String(36), ForeignKey("arrivals.id"), nullable=False),
    Column("scheme_id", String(64), nullable=False),
    Column("arrived_at", UtcDateTime, nullable=False),
    Column("nationality", String(3), nullable=False),
    Column("family_group", String(64)),
    Column("status", String(40), nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_return_cases_scheme_status", "scheme_id", "status"),
)
return_actions = _action_table("return_actions", "return_cases")

admission_cases = Table(
    "admission_cases",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("family_ref", String(64), nullable=False, unique=True),
    Column("scheme_id", String(64), nullable=False),
    Column("window_id", String(64), nullable=False),
    Column("submitted_at", UtcDateTime, nullable=False),
    Column("status", String(40), nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_admission_cases_scheme_status", "scheme_id", "status"),
)

admission_members = Table(
    "admission_members",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("case_id", String(36), ForeignKey("admission_cases.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("given_names", Text, nullable=False),
    Column("family_name", Text, nullable=False),
    Column("date_of_birth", Date),
    Column("nationality", String(3), nullable=False),
    Column("sex", String(1), nullable=False),
    Column("documents", JSON, nullable=False),
    Column("biometric_ref", String(128)),
    Column("is_main_applicant", Boolean, nullable=False),
    Column("exclusions", JSON, nullable=False),
    UniqueConstraint("case_id", "position"),
)
admission_actions = _action_table("admission_actions", "admission_cases")

ledgers = Table(
    "ledgers",
    metadata,
    Column("scheme_id", String(64), primary_key=True),
    Column("returned", Integer, nullable=False),
    Column("admitted", Integer, nullable=False),
    Column("committed", Integer, nullable=False),
    Column("version", Integer, nullable=False),
)

ledger_weeks = Table(
    "ledger_weeks",
    metadata,
    Column("scheme_id", String(64), ForeignKey("ledgers.scheme_id"), primary_key=True),
    Column("week_start", Date, primary_key=True),
    Column("returned", Integer, nullable=False),
    Column("clearances_issued", Integer, nullable=False),
    Column("admitted", Integer, nullable=False),
)

processed_commands = Table(
    "processed_commands",
    metadata,
    Column("command_id", String(128), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("result", JSON, nullable=False),
    Column("at", UtcDateTime, nullable=False),
)
