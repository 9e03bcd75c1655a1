"""boat reference unique per scheme: `arrivals` holds each (scheme_id, boat_ref) once

Revision ID: 0009
Revises: 0008

A boat reference names one boat (`SB-2025-09-01-03`); the same boat recorded twice opened every case on it twice.
Intake now refuses a boat already recorded, and this unique index is its backstop. A database that already holds
a boat twice cannot take the index: the migration then refuses to run, changing nothing, and names the boats, so
that the duplicate arrivals and their cases can be reviewed (and one of each withdrawn or renamed) first.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

INDEX = "uq_arrivals_scheme_id_boat_ref"
NAMED = 20  # most duplicate boats named in the refusal


def upgrade() -> None:
    duplicates = (
        op.get_bind()
        .execute(
            sa.text(
                "select scheme_id, boat_ref, count(*) from arrivals group by scheme_id, boat_ref "
                "having count(*) > 1 order by scheme_id, boat_ref"
            )
        )
        .all()
    )
    if duplicates:
        named = ", ".join(f"{scheme} {boat} ({count} arrivals)" for scheme, boat, count in duplicates[:NAMED])
        more = f" and {len(duplicates) - NAMED} more" if len(duplicates) > NAMED else ""
        raise RuntimeError(
            f"migration 0009 makes a boat reference unique in its scheme, but arrivals holds {len(duplicates)} boat(s) "
            f"more than once: {named}{more}. Nothing was changed: review those arrivals and their cases, keep one "
            "record of each boat (or give the others their own references), and run it again"
        )
    op.create_index(INDEX, "arrivals", ["scheme_id", "boat_ref"], unique=True)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="arrivals")
