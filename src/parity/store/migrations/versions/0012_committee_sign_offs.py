"""the Joint Committee's sign-off of a week (rule 21)

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import parity.store.tables

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "committee_sign_offs",
        sa.Column("scheme_id", sa.String(length=64), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("signed_at", parity.store.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("signed_by", sa.String(length=128), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("scheme_version", sa.String(length=64), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("scheme_id", "week_start", name=op.f("pk_committee_sign_offs")),
    )


def downgrade() -> None:
    op.drop_table("committee_sign_offs")
