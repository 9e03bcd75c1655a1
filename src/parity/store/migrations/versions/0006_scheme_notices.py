"""scheme notices (rule 24)

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import parity.store.tables

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scheme_notices",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("scheme_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("given_by", sa.String(length=3), nullable=False),
        sa.Column("given_at", parity.store.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("scheme_version", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheme_notices")),
    )
    op.create_index(op.f("ix_scheme_notices_scheme_id"), "scheme_notices", ["scheme_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_scheme_notices_scheme_id"), table_name="scheme_notices")
    op.drop_table("scheme_notices")
