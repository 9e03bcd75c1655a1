"""entry clearances given back unused, by week

Revision ID: 0011
Revises: 0010

A clearance withdrawn or expired before its holder arrived gives its places back. The running totals always counted
that, but the weeks did not, so the weekly balance (the committee's report, the dashboard) stayed where it was while
the ledger's own balance moved. Releases recorded before this revision are not put back into their weeks: where
there were any, the weekly balances stay below the ledger's by those places (`parity ledger` prints both; the
running totals were always right).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_weeks") as batch:
        batch.add_column(sa.Column("clearances_released", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("ledger_weeks") as batch:
        batch.drop_column("clearances_released")
