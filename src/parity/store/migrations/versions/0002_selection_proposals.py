"""selection proposals: families proposed for invitation, approved by a second person (issue 7)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import parity.store.tables

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "selection_proposals",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("scheme_id", sa.String(length=64), nullable=False),
        sa.Column("scheme_version", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("inputs_hash", sa.String(length=64), nullable=False),
        sa.Column("solver_status", sa.String(length=64), nullable=False),
        sa.Column("objective", sa.Float(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("places_filled", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("window_id", sa.String(length=64), nullable=True),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("proposed_by", sa.String(length=128), nullable=False),
        sa.Column("proposed_at", parity.store.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("superseded_by", sa.String(length=36), nullable=True),
        sa.Column("approved_by", sa.String(length=128), nullable=True),
        sa.Column("approved_at", parity.store.tables.UtcDateTime(timezone=True), nullable=True),
        sa.Column("approval", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selection_proposals")),
    )
    with op.batch_alter_table("selection_proposals", schema=None) as batch_op:
        batch_op.create_index("ix_selection_proposals_scheme_status", ["scheme_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("selection_proposals", schema=None) as batch_op:
        batch_op.drop_index("ix_selection_proposals_scheme_status")
    op.drop_table("selection_proposals")
