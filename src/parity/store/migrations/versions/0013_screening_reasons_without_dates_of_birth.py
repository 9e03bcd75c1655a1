"""screening reasons no longer quote a date of birth

Revision ID: 0013
Revises: 0012

An "age disputed" screening reason used to quote the person's date of birth and age. Reasons are kept in clear in
the case's history and in the recorded command's result, which retention does not clear, so the date of birth
outlived the anonymised identity. This revision rewrites those reasons, the English text and the message kept
beside it, to the wording that names no date of birth. The adult age is written as 18, the adult age of every
scheme that has run (a migration does not read scheme files, which may have changed since).
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

OLD_TEMPLATE = (
    "age disputed: recorded as an adult, but the date of birth %(born)s makes them %(age)s on arrival "
    "(%(day)s); not eligible until an age assessment is recorded (rule 3)"
)
NEW_TEMPLATE = (
    "age disputed: recorded as an adult, but the recorded date of birth makes them under %(adult_age)s on arrival "
    "(%(day)s); not eligible until an age assessment is recorded (rule 3)"
)
ADULT_AGE = 18
OLD_TEXT = re.compile(
    r"age disputed: recorded as an adult, but the date of birth \S+ makes them \S+ on arrival \((?P<day>[^)]*)\); "
    r"not eligible until an age assessment is recorded \(rule 3\)"
)
MARK = "but the date of birth "  # every row holding an old reason holds this


def _rewritten(value: Any) -> Any:
    if isinstance(value, dict):
        if value.get("template") == OLD_TEMPLATE:
            params = value.get("params", {})
            return {"template": NEW_TEMPLATE, "params": {"adult_age": ADULT_AGE, "day": params.get("day")}}
        return {key: _rewritten(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rewritten(item) for item in value]
    if isinstance(value, str):
        return OLD_TEXT.sub(lambda found: NEW_TEMPLATE % {"adult_age": ADULT_AGE, "day": found.group("day")}, value)
    return value


def _rewrite(table: sa.TableClause, column: str, keys: tuple[str, ...], *where: sa.ColumnElement[bool]) -> None:
    connection = op.get_bind()
    json = table.c[column]
    rows = connection.execute(
        sa.select(*(table.c[k] for k in keys), json).where(sa.cast(json, sa.Text).like(f"%{MARK}%"), *where)
    ).all()
    for row in rows:
        match = [table.c[k] == row[i] for i, k in enumerate(keys)]
        connection.execute(sa.update(table).where(*match).values({column: _rewritten(row[-1])}))


def upgrade() -> None:
    actions = sa.table(
        "return_actions", sa.column("case_id"), sa.column("seq"), sa.column("kind"), sa.column("payload", sa.JSON)
    )
    _rewrite(actions, "payload", ("case_id", "seq"), actions.c.kind == "screen_ineligible")
    commands = sa.table("processed_commands", sa.column("command_id"), sa.column("result", sa.JSON))
    _rewrite(commands, "result", ("command_id",))


def downgrade() -> None:
    """Nothing to undo: the dates of birth are not put back into the reasons."""
