"""identity decision reasons encrypted: `identity_flags.decision_reason` becomes an AES-GCM ciphertext

Revision ID: 0008
Revises: 0007

The reason an officer gives for "same person / not the same person" is free text that often names people, so the
store now encrypts it like the other personal data (`parity.store.protected.IDENTITY_FLAGS`). The column is text
already; only its content changes. A migration holds no data keys, so it cannot encrypt reasons written before:
as with migration 0005 (Parity has no production deployment yet), it refuses to run, changing nothing, if any
decided flag holds a reason. Recreate the database (or export and re-import its data) instead.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _refuse_if_reasons_held(why: str) -> None:
    held = op.get_bind().execute(sa.text("select 1 from identity_flags where decision_reason is not null limit 1"))
    if held.first() is not None:
        raise RuntimeError(f"{why}: recreate the database (or export and re-import its data) and run it again")


def upgrade() -> None:
    _refuse_if_reasons_held(
        "migration 0008 encrypts identity decision reasons and assumes none is stored yet, but identity_flags holds some"
    )


# Tables whose JSON payloads this version seals (`$sealed`, see `parity.store.protected`): code before it reads a
# sealed payload without its free text.
SEALED_PAYLOADS = ("return_actions", "admission_actions", "decision_proposals")


def downgrade() -> None:
    _refuse_if_reasons_held(
        "downgrading past 0008 would leave encrypted identity decision reasons that older code reads"
    )
    connection = op.get_bind()
    for table in SEALED_PAYLOADS:
        sealed = sa.text(f"select 1 from {table} where cast(payload as text) like :sealed limit 1")  # noqa: S608
        if connection.execute(sealed, {"sealed": '%"$sealed": "%'}).first() is not None:
            raise RuntimeError(
                f"downgrading past 0008 would leave encrypted free text in {table} that older code cannot read: "
                "recreate the database instead"
            )
