"""personal data at rest: encrypted identity columns, blind indexes, anonymisation (issue 3 item 5)

Revision ID: 0005
Revises: 0004

Names, dates of birth, documents, biometric references and transit evidence in `people`, `admission_members` and
`identity_records` become AES-GCM ciphertexts (text); names become nullable so that retention can anonymise them;
`people` and `admission_members` gain blind indexes and `anonymised_at`.

Existing rows are not encrypted by this migration: Parity has no production deployment yet, so it assumes these
tables are empty, and refuses to run (changing nothing) if they are not. Recreate the database (or export and
re-import the data) instead. The downgrade assumes empty tables too: ciphertexts cannot be cast back to dates.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

import parity.store.tables

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

PERSON_TABLES = ("people", "admission_members")
TABLES = (*PERSON_TABLES, "identity_records")


def _refuse_unless_empty() -> None:
    connection = op.get_bind()
    for table in TABLES:
        if connection.execute(sa.text(f"select 1 from {table} limit 1")).first() is not None:  # noqa: S608
            raise RuntimeError(
                f"migration 0005 encrypts personal data and assumes the table {table} is empty, but it holds rows: "
                "recreate the database (or export and re-import its data) and run the upgrade again"
            )


def _to_ciphertext(
    batch_op: BatchOperations, column: str, existing: sa.types.TypeEngine[Any], *, nullable: bool
) -> None:
    batch_op.alter_column(
        column,
        existing_type=existing,
        type_=sa.Text(),
        existing_nullable=nullable,
        nullable=True,
        postgresql_using=f"{column}::text",
    )


def upgrade() -> None:
    _refuse_unless_empty()
    for table in PERSON_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            _to_ciphertext(batch_op, "given_names", sa.Text(), nullable=False)
            _to_ciphertext(batch_op, "family_name", sa.Text(), nullable=False)
            _to_ciphertext(batch_op, "date_of_birth", sa.Date(), nullable=True)
            _to_ciphertext(batch_op, "documents", sa.JSON(), nullable=False)
            _to_ciphertext(batch_op, "biometric_ref", sa.String(length=128), nullable=True)
            batch_op.add_column(sa.Column("name_index", sa.String(length=64), nullable=True))
            batch_op.add_column(sa.Column("document_index", sa.String(length=64), nullable=True))
            batch_op.add_column(
                sa.Column("anonymised_at", parity.store.tables.UtcDateTime(timezone=True), nullable=True)
            )
            batch_op.create_index(batch_op.f(f"ix_{table}_name_index"), ["name_index"], unique=False)
            batch_op.create_index(batch_op.f(f"ix_{table}_document_index"), ["document_index"], unique=False)
    with op.batch_alter_table("identity_records", schema=None) as batch_op:
        _to_ciphertext(batch_op, "given_names", sa.Text(), nullable=False)
        _to_ciphertext(batch_op, "family_name", sa.Text(), nullable=False)
        _to_ciphertext(batch_op, "date_of_birth", sa.Date(), nullable=True)
        _to_ciphertext(batch_op, "document_number", sa.String(length=64), nullable=True)
        _to_ciphertext(batch_op, "biometric_ref", sa.String(length=128), nullable=True)


def _from_ciphertext(
    batch_op: BatchOperations, column: str, original: sa.types.TypeEngine[Any], *, nullable: bool, using: str
) -> None:
    batch_op.alter_column(
        column,
        existing_type=sa.Text(),
        type_=original,
        existing_nullable=True,
        nullable=nullable,
        postgresql_using=f"{column}::{using}",
    )


def downgrade() -> None:
    _refuse_unless_empty()
    with op.batch_alter_table("identity_records", schema=None) as batch_op:
        _from_ciphertext(batch_op, "given_names", sa.Text(), nullable=False, using="text")
        _from_ciphertext(batch_op, "family_name", sa.Text(), nullable=False, using="text")
        _from_ciphertext(batch_op, "date_of_birth", sa.Date(), nullable=True, using="date")
        _from_ciphertext(batch_op, "document_number", sa.String(length=64), nullable=True, using="varchar(64)")
        _from_ciphertext(batch_op, "biometric_ref", sa.String(length=128), nullable=True, using="varchar(128)")
    for table in PERSON_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_document_index"))
            batch_op.drop_index(batch_op.f(f"ix_{table}_name_index"))
            batch_op.drop_column("anonymised_at")
            batch_op.drop_column("document_index")
            batch_op.drop_column("name_index")
            _from_ciphertext(batch_op, "given_names", sa.Text(), nullable=False, using="text")
            _from_ciphertext(batch_op, "family_name", sa.Text(), nullable=False, using="text")
            _from_ciphertext(batch_op, "date_of_birth", sa.Date(), nullable=True, using="date")
            _from_ciphertext(batch_op, "documents", sa.JSON(), nullable=False, using="json")
            _from_ciphertext(batch_op, "biometric_ref", sa.String(length=128), nullable=True, using="varchar(128)")
