"""Blind index key rotation: a new active index key, every blind index recomputed under it in batches (resumably,
each batch audited), lookups finding every person under the old key or the new one meanwhile, anonymised rows left
alone, and the old index key then retirable (from the command line too, with the old key file and environment
formats still working unchanged)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from tests.personal_data_support import YONAS, apply_as_family, arrive_people
from typer.testing import CliRunner

from parity.bootstrap import build_services
from parity.cli import app
from parity.config import Settings
from parity.protection import FieldCipher, Keyring
from parity.protection.cipher import index_key_of
from parity.protection.key_file import read_key_file, write_key_file
from parity.protection.keyring import INDEX_KEY_ID_LENGTH, ORIGINAL_INDEX_KEY, encode_secret, keyring_setting
from parity.services.context import Services, SettableClock
from parity.services.keys import index_key_usage, reindex_personal_data
from parity.store import tables as t
from parity.store.database import SqlUnitOfWorkFactory

runner = CliRunner()


class Interrupted(Exception):
    pass


HAILE = {
    "family_name": "Haile",
    "date_of_birth": date(1990, 1, 2),
    "document_type": "passport",
    "document_number": "H-100",
}
KIDANE = {"family_name": "Kidane"}  # no document, no date of birth: a name index only
GONE = {"family_name": "Gone", "document_type": "passport", "document_number": "G1"}


def _seed(services: Services) -> dict[str, str]:
    """Three arriving people, a family of two applicants, and one arriving person anonymised under retention; the
    record ids by name."""
    [(_, yonas), (_, haile), (_, kidane)] = arrive_people(services, "b1", YONAS, HAILE, KIDANE)
    _, [amina, farid] = apply_as_family(services, "FAM-1")
    [(gone_case, gone)] = arrive_people(services, "b2", GONE)
    with services.uow() as uow:
        uow.personal_data.anonymise([gone_case], [], services.clock.now())
        uow.commit()
    return {"yonas": yonas, "haile": haile, "kidane": kidane, "amina": amina, "farid": farid, "gone": gone}


def _found(services: Services) -> dict[str, list[str]]:
    """Each seeded person looked up by document and by family name with date of birth: the record ids found."""
    lookups = {
        "yonas by document": lambda pd: pd.records_with_document("ER 045 1277"),
        "yonas by name": lambda pd: pd.records_with_name("tesfamariam", date(1995, 3, 2)),
        "haile by document": lambda pd: pd.records_with_document("h100"),
        "haile by name": lambda pd: pd.records_with_name("HAILE", date(1990, 1, 2)),
        "kidane by name": lambda pd: pd.records_with_name("Kidane", None),
        "amina by document": lambda pd: pd.records_with_document("AF1234567"),
        "amina by name": lambda pd: pd.records_with_name("Rahimi", date(1988, 6, 1)),
        "farid by document": lambda pd: pd.records_with_document("AF7654321"),
        "gone by document": lambda pd: pd.records_with_document("G1"),
    }
    with services.uow() as uow:
        return {what: [r.record_id for r in lookup(uow.personal_data)] for what, lookup in lookups.items()}


def _expected(ids: dict[str, str]) -> dict[str, list[str]]:
    return {
        "yonas by document": [ids["yonas"]],
        "yonas by name": [ids["yonas"]],
        "haile by document": [ids["haile"]],
        "haile by name": [ids["haile"]],
        "kidane by name": [ids["kidane"]],
        "amina by document": [ids["amina"]],
        "amina by name": [ids["amina"]],
        "farid by document": [ids["farid"]],
        "gone by document": [],  # anonymised: nothing left to find them by
    }


def _stored_indexes(engine: Engine) -> dict[str, tuple[str | None, str | None]]:
    """Every person's (name index, document index) as stored, by record id."""
    with engine.connect() as connection:
        return {
            row.id: (row.name_index, row.document_index)
            for table in (t.people, t.admission_members)
            for row in connection.execute(select(table.c.id, table.c.name_index, table.c.document_index))
        }


def _with(services: Services, engine: Engine, keyring: Keyring) -> Services:
    """The same store, as a process configured with `keyring` sees it."""
    return Services(
        uow=SqlUnitOfWorkFactory(engine, FieldCipher(keyring)), clock=services.clock, schemes=services.schemes
    )


def test_rotation_recomputes_every_index_under_the_new_key_and_lookups_find_everyone(
    services: Services, engine: Engine, data_cipher: FieldCipher
) -> None:
    ids = _seed(services)
    before = index_key_usage(services)
    stored_before = _stored_indexes(engine)
    keyring = data_cipher.keyring.with_new_index_key()
    rotated = _with(services, engine, keyring)
    new_key = keyring.index_active
    seen: list[tuple[int, int]] = []

    rows = reindex_personal_data(rotated, batch=2, progress=lambda done, total: seen.append((done, total)))

    # 3 arriving people and 2 applicants, two per transaction; the anonymised person holds no index
    assert rows == 5
    assert seen == [(2, 5), (4, 5), (5, 5)]
    # Yonas, Haile, Amina and Farid have both indexes, Kidane a name index only
    assert before == {ORIGINAL_INDEX_KEY: 9}
    assert index_key_usage(rotated) == {new_key: 9}
    stored = _stored_indexes(engine)
    assert stored[ids["gone"]] == (None, None)
    assert {index_key_of(value) for pair in stored.values() for value in pair if value is not None} == {new_key}
    # Every index recomputed, none added or dropped: a row without a document still has no document index.
    assert {
        record_id: tuple(
            None if was is None else value != was for value, was in zip(pair, stored_before[record_id], strict=True)
        )
        for record_id, pair in stored.items()
    } == {record_id: tuple(None if was is None else True for was in pair) for record_id, pair in stored_before.items()}
    assert _found(rotated) == _expected(ids)
    # The old index key is no longer needed: a keyring without it finds everyone too.
    assert _found(_with(services, engine, keyring.without_index_key(ORIGINAL_INDEX_KEY))) == _expected(ids)
    # The data did not move: the values are under the same data key, and still read.
    with rotated.uow() as uow:
        assert uow.personal_data.key_usage() == {data_cipher.active_key: sum(uow.personal_data.key_usage().values())}
        assert uow.personal_data.rows_to_reindex() == 0
        audited = [entry.event.action for entry in uow.audit.latest(10)]
    assert audited.count("reindex_personal_data") == 3
    assert reindex_personal_data(rotated) == 0  # nothing left: a further run changes and records nothing


def test_mid_rotation_lookups_find_rows_under_the_old_key_and_the_new_one(
    services: Services, engine: Engine, data_cipher: FieldCipher
) -> None:
    ids = _seed(services)
    keyring = data_cipher.keyring.with_new_index_key()
    rotated = _with(services, engine, keyring)
    new_key = keyring.index_active

    def stop_after_first_batch(done: int, total: int) -> None:
        raise Interrupted

    with pytest.raises(Interrupted):
        reindex_personal_data(rotated, batch=2, progress=stop_after_first_batch)
    halfway = index_key_usage(rotated)
    found_halfway = _found(rotated)
    only_new = _found(_with(services, engine, keyring.without_index_key(ORIGINAL_INDEX_KEY)))
    # Someone recorded meanwhile by a process already on the new key is found too.
    [(_, late)] = arrive_people(
        rotated, "b3", {"family_name": "Late", "document_type": "passport", "document_number": "L1"}
    )
    with rotated.uow() as uow:
        late_found = [r.record_id for r in uow.personal_data.records_with_document("L1")]
    finished = reindex_personal_data(rotated, batch=2)

    assert halfway[new_key] > 0
    assert halfway[ORIGINAL_INDEX_KEY] > 0
    assert found_halfway == _expected(ids)
    assert only_new != _expected(ids)  # the rows not yet re-indexed are found only through the old key
    assert late_found == [late]
    assert finished == 3  # 5 rows: 2 done before the interruption; the late arrival was indexed under the new key
    assert index_key_usage(rotated) == {new_key: 11}
    assert _found(rotated) == _expected(ids)


def test_a_data_key_rotation_leaves_the_indexes_as_they_are(
    services: Services, engine: Engine, data_cipher: FieldCipher
) -> None:
    ids = _seed(services)
    stored = _stored_indexes(engine)
    rotated = _with(services, engine, data_cipher.keyring.with_new_active_key())

    with rotated.uow() as uow:
        assert uow.personal_data.rows_to_reindex() == 0
    assert reindex_personal_data(rotated) == 0
    assert _stored_indexes(engine) == stored
    assert _found(rotated) == _expected(ids)


@pytest.fixture
def cli_env(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The command line on the test's database (SQLite or PostgreSQL) with a key file of its own, in the shape key
    files had before index keys had ids; its path."""
    path = tmp_path / "data-keys.json"
    keyring = Keyring.generate()
    path.write_text(
        json.dumps(
            {
                "active": keyring.active,
                "keys": {keyring.active: encode_secret(keyring.keys[keyring.active])},
                "index_key": encode_secret(keyring.index_secret),
            }
        )
    )
    path.chmod(0o600)
    monkeypatch.setenv("PARITY_DATA_KEY_FILE", str(path))
    monkeypatch.setenv("PARITY_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("PARITY_SCHEMES", "uk-fr-2025,eu-tr-2016")
    monkeypatch.setenv("PARITY_IDENTITY", "none")
    return path


def _said(output: str) -> str:
    """What the command line said, its lines joined (the console wraps them at its width)."""
    return " ".join(output.split())


def _services(clock: SettableClock) -> Services:
    return build_services(Settings.from_environment(), clock)


def test_rotate_index_list_and_retire_index_from_the_command_line(
    cli_env: Path, engine: Engine, clock: SettableClock, tmp_path: Path
) -> None:
    ids = _seed(_services(clock))
    with engine.connect() as connection:
        legacy = connection.execute(select(t.people.c.document_index).where(t.people.c.id == ids["yonas"])).scalar_one()

    listed = runner.invoke(app, ["keys", "list"])
    too_early = runner.invoke(app, ["keys", "retire-index", ORIGINAL_INDEX_KEY])
    rotated = runner.invoke(app, ["keys", "rotate-index", "--batch-size", "2"])
    new_key = read_key_file(cli_env).index_active
    active_refused = runner.invoke(app, ["keys", "retire-index", new_key])
    relisted = runner.invoke(app, ["keys", "list"])
    retired = runner.invoke(app, ["keys", "retire-index", ORIGINAL_INDEX_KEY])
    exported = runner.invoke(
        app, ["subject-access", "export", "--document", "ER0451277", "--out", str(tmp_path / "y.json")]
    )

    # An unrotated configuration stores indexes as it always did: 64 hex digits, no key id.
    assert len(legacy) == 64
    assert index_key_of(legacy) == ORIGINAL_INDEX_KEY
    assert listed.exit_code == 0, listed.output
    assert "index key id" in _said(listed.output)
    assert f"{ORIGINAL_INDEX_KEY} " in _said(listed.output)
    assert too_early.exit_code == 1
    assert "is the active index key" in _said(too_early.output)
    assert rotated.exit_code == 0, rotated.output
    assert f"New active index key {new_key}" in _said(rotated.output)
    assert f"Re-indexed 5 rows under index key {new_key}" in _said(rotated.output)
    assert f"No values are left under {ORIGINAL_INDEX_KEY}: retire with `parity keys retire-index" in _said(
        rotated.output
    )
    assert active_refused.exit_code == 1
    assert "is the active index key" in _said(active_refused.output)
    assert relisted.exit_code == 0, relisted.output
    assert f"{new_key} │ active │ 9" in _said(relisted.output)
    assert retired.exit_code == 0, retired.output
    assert set(read_key_file(cli_env).index_keys) == {new_key}
    assert exported.exit_code == 0, exported.output
    assert json.loads((tmp_path / "y.json").read_text(encoding="utf-8"))["records"][0]["record_id"] == ids["yonas"]
    with engine.connect() as connection:
        audited = connection.execute(select(t.audit_entries.c.action)).scalars().all()
    assert audited.count("reindex_personal_data") == 3


def test_an_index_key_still_indexing_rows_is_not_retired_until_the_rotation_is_resumed(
    cli_env: Path, clock: SettableClock
) -> None:
    _seed(_services(clock))
    old = read_key_file(cli_env)
    write_key_file(cli_env, old.with_new_index_key())  # a rotation stopped right after its new key was written

    early = runner.invoke(app, ["keys", "retire-index", ORIGINAL_INDEX_KEY])
    resumed = runner.invoke(app, ["keys", "rotate-index", "--resume"])
    retired = runner.invoke(app, ["keys", "retire-index", ORIGINAL_INDEX_KEY])

    assert early.exit_code == 1
    assert f"index key {ORIGINAL_INDEX_KEY} still protects 9 values" in _said(early.output)
    assert "rotate-index --resume" in _said(early.output)
    assert resumed.exit_code == 0, resumed.output
    assert "Re-indexed 5 rows" in _said(resumed.output)
    assert retired.exit_code == 0, retired.output
    assert ORIGINAL_INDEX_KEY not in read_key_file(cli_env).index_keys


def test_index_rotation_with_keys_from_the_environment(
    cli_env: Path, clock: SettableClock, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    keyring = read_key_file(cli_env)
    data_keys, index_key, _ = keyring_setting(keyring)
    monkeypatch.delenv("PARITY_DATA_KEY_FILE")
    monkeypatch.setenv("PARITY_DATA_KEYS", data_keys)
    monkeypatch.setenv("PARITY_DATA_INDEX_KEY", str(index_key))  # the settings as they were before index key ids
    ids = _seed(_services(clock))
    asked = runner.invoke(app, ["keys", "rotate-index"])
    new = keyring.with_new_index_key()
    monkeypatch.setenv("PARITY_DATA_INDEX_KEYS", f"{new.index_active}:{encode_secret(new.index_secret)}")

    resumed = runner.invoke(app, ["keys", "rotate-index", "--resume"])
    retired = runner.invoke(app, ["keys", "retire-index", ORIGINAL_INDEX_KEY])
    monkeypatch.delenv("PARITY_DATA_INDEX_KEY")
    exported = runner.invoke(
        app,
        [
            "subject-access",
            "export",
            "--family-name",
            "Haile",
            "--born",
            "1990-01-02",
            "--out",
            str(tmp_path / "h.json"),
        ],
    )

    assert asked.exit_code == 1
    assert "put a new index key first in PARITY_DATA_INDEX_KEYS" in _said(asked.output)
    assert resumed.exit_code == 0, resumed.output
    assert f"Re-indexed 5 rows under index key {new.index_active}" in _said(resumed.output)
    assert retired.exit_code == 0, retired.output
    assert "unset PARITY_DATA_INDEX_KEY" in _said(retired.output)
    assert exported.exit_code == 0, exported.output
    assert json.loads((tmp_path / "h.json").read_text(encoding="utf-8"))["records"][0]["record_id"] == ids["haile"]


def test_indexes_under_the_longest_index_key_id_fit_their_columns(
    services: Services, engine: Engine, data_cipher: FieldCipher
) -> None:
    ids = _seed(services)
    longest = "x" * INDEX_KEY_ID_LENGTH
    keyring = data_cipher.keyring
    rotated = _with(
        services, engine, Keyring(keyring.keys, keyring.active, {**keyring.index_keys, longest: b"k" * 32}, longest)
    )

    reindexed = reindex_personal_data(rotated)

    assert reindexed == 5
    assert {len(value) for pair in _stored_indexes(engine).values() for value in pair if value is not None} == {64}
    assert _found(rotated) == _expected(ids)
    # The old keyring alone finds no one: every index is now under the new key.
    assert _found(services) == {what: [] for what in _expected(ids)}
