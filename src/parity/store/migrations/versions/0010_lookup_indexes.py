"""indexes on the columns retention and booking look rows up by: actions by kind, command results by name

Revision ID: 0010
Revises: 0009

Retention finds the answers to identity flags among the case actions by their kind, and the command results that
repeat free text by the command's name; booking a transfer counts the transfers booked by their kind. Without these
indexes each lookup scans the whole table, once per retention batch.
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_return_actions_kind", "return_actions", "kind"),
    ("ix_admission_actions_kind", "admission_actions", "kind"),
    ("ix_processed_commands_name", "processed_commands", "name"),
)


def upgrade() -> None:
    for name, table, column in INDEXES:
        op.create_index(name, table, [column])


def downgrade() -> None:
    for name, table, _column in INDEXES:
        op.drop_index(name, table_name=table)
