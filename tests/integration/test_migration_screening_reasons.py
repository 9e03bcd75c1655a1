"""Migration 0013: "age disputed" reasons kept before it quoted a date of birth in clear, in the case's history and in
the recorded command's result; upgrading rewrites both to the wording that names none, and leaves the rest."""

from __future__ import annotations

import json
from datetime import date

from alembic import command
from sqlalchemy import Engine, select, update
from tests.builders import record_boat

from parity.domain.messages import restore_all
from parity.protection import FieldCipher
from parity.scheme import Scheme
from parity.services.context import Services, SettableClock
from parity.store import tables as t
from parity.store.database import SqlUnitOfWorkFactory
from parity.store.migrate import alembic_config, upgrade

OLD = (
    "age disputed: recorded as an adult, but the date of birth %(born)s makes them %(age)s on arrival "
    "(%(day)s); not eligible until an age assessment is recorded (rule 3)"
)


def _as_written_before(value: object) -> object:
    """A stored reason as the code before 0013 wrote it: the date of birth and the age in the text and the message."""
    if isinstance(value, dict):
        if str(value.get("template", "")).startswith("age disputed: recorded as an adult"):
            day = value["params"]["day"]
            return {"template": OLD, "params": {"born": {"date": "2011-04-23"}, "age": 14, "day": day}}
        return {key: _as_written_before(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_written_before(item) for item in value]
    if isinstance(value, str) and value.startswith("age disputed: recorded as an adult"):
        return OLD % {"born": "2011-04-23", "age": 14, "day": "2025-09-01"}
    return value


def test_old_reasons_lose_the_date_of_birth_and_keep_their_meaning(
    unmigrated: Engine, clock: SettableClock, uk_fr: Scheme, data_cipher: FieldCipher
) -> None:
    upgrade(unmigrated)
    services = Services(uow=SqlUnitOfWorkFactory(unmigrated, data_cipher), clock=clock)
    services.register(uk_fr)
    [case] = record_boat(services, "old", {"date_of_birth": date(2011, 4, 23)}, {})["cases"][:1]
    with unmigrated.begin() as connection:
        for table, column in ((t.return_actions, "payload"), (t.processed_commands, "result")):
            for row in connection.execute(select(table)).mappings():
                keys = [c == row[c.name] for c in table.primary_key.columns]
                connection.execute(update(table).where(*keys).values({column: _as_written_before(row[column])}))
    command.stamp(alembic_config(unmigrated), "0012")
    with unmigrated.connect() as connection:
        assert "2011-04-23" in json.dumps(connection.execute(select(t.processed_commands.c.result)).scalars().all())

    upgrade(unmigrated)

    with unmigrated.connect() as connection:
        stored = json.dumps(
            [
                connection.execute(select(t.return_actions.c.payload)).scalars().all(),
                connection.execute(select(t.processed_commands.c.result)).scalars().all(),
            ]
        )
        [screened] = connection.execute(
            select(t.return_actions.c.payload).where(
                t.return_actions.c.case_id == case["case_id"], t.return_actions.c.kind == "screen_ineligible"
            )
        ).scalars()
    assert "2011-04-23" not in stored
    assert "makes them 14" not in stored
    disputed = [m for m in restore_all(screened, "reasons") if m.template.startswith("age disputed")]
    assert [str(m) for m in disputed] == [
        "age disputed: recorded as an adult, but the recorded date of birth makes them under 18 on arrival "
        "(2025-09-01); not eligible until an age assessment is recorded (rule 3)"
    ]
    assert disputed[0].template in json.dumps(screened)  # the English text and the kept message agree
    assert screened["reasons"] == [str(m) for m in restore_all(screened, "reasons")]
