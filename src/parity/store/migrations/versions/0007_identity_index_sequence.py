"""identity index sequence: each indexed record numbered in commit order, so other processes can catch up

Revision ID: 0007
Revises: 0006

Each process keeps the identity register in memory. Numbering the index's rows lets it read, before a check, only
the rows committed since the last one it read. Numbers are taken from `identity_index_head` under a row lock, so
they follow commit order with no gaps (see `parity.store.identity`). Existing rows are numbered in the order they
were indexed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("identity_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sequence", sa.BigInteger(), nullable=True))
    op.execute(
        "UPDATE identity_records SET sequence = numbered.n "
        "FROM (SELECT record_id, row_number() OVER (ORDER BY indexed_at, record_id) AS n FROM identity_records) "
        "AS numbered WHERE identity_records.record_id = numbered.record_id"
    )
    with op.batch_alter_table("identity_records", schema=None) as batch_op:
        batch_op.alter_column("sequence", existing_type=sa.BigInteger(), nullable=False)
        batch_op.create_index(batch_op.f("ix_identity_records_sequence"), ["sequence"], unique=True)
    head = op.create_table(
        "identity_index_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_index_head")),
    )
    op.bulk_insert(head, [{"id": 1, "sequence": 0}])
    op.execute("UPDATE identity_index_head SET sequence = (SELECT coalesce(max(sequence), 0) FROM identity_records)")


def downgrade() -> None:
    op.drop_table("identity_index_head")
    with op.batch_alter_table("identity_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_records_sequence"))
        batch_op.drop_column("sequence")
