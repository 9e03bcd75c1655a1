"""identity index and identity flags: the live check's register and its candidate matches (issue 5)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import parity.store.tables

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_records",
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("given_names", sa.Text(), nullable=False),
        sa.Column("family_name", sa.Text(), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("nationality", sa.String(length=3), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("document_number", sa.String(length=64), nullable=True),
        sa.Column("biometric_ref", sa.String(length=128), nullable=True),
        sa.Column("indexed_at", parity.store.tables.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_identity_records")),
    )
    with op.batch_alter_table("identity_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identity_records_case_id"), ["case_id"], unique=False)

    op.create_table(
        "identity_flags",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("candidate_record_id", sa.String(length=36), nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=False),
        sa.Column("basis", sa.String(length=16), nullable=False),
        sa.Column("contributions", sa.JSON(), nullable=False),
        sa.Column("levels", sa.JSON(), nullable=False),
        sa.Column("raised_at", parity.store.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("decided_at", parity.store.tables.UtcDateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decision_command_id", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(
            ["candidate_record_id"],
            ["identity_records.record_id"],
            name=op.f("fk_identity_flags_candidate_record_id_identity_records"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["identity_records.record_id"], name=op.f("fk_identity_flags_record_id_identity_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_flags")),
        sa.UniqueConstraint("record_id", "candidate_record_id", name=op.f("uq_identity_flags_record_id")),
    )
    with op.batch_alter_table("identity_flags", schema=None) as batch_op:
        batch_op.create_index("ix_identity_flags_status", ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("identity_flags", schema=None) as batch_op:
        batch_op.drop_index("ix_identity_flags_status")
    op.drop_table("identity_flags")
    with op.batch_alter_table("identity_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_records_case_id"))
    op.drop_table("identity_records")
