"""Key rotation: a new active key, every value re-encrypted under it in batches (resumably), the old key retirable."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from tests.personal_data_support import YONAS, apply_as_family, arrive_people

from parity.protection import FieldCipher, UnknownKey
from parity.services.context import Services, SettableClock
from parity.services.keys import key_usage, reencrypt_personal_data
from parity.store.database import SqlUnitOfWorkFactory
from parity.store.protected import PROTECTED_TABLES


class Interrupted(Exception):
    pass


def _stored_key_ids(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return {
            value.partition(":")[0]
            for protected in PROTECTED_TABLES
            for name in protected.columns
            for value in connection.execute(select(protected.table.c[name])).scalars()
            if value is not None
        }


def _rotated(services: Services, engine: Engine, old: FieldCipher) -> tuple[Services, FieldCipher]:
    """The same store, as a process restarted with a new active key sees it."""
    cipher = FieldCipher(old.keyring.with_new_active_key())
    return Services(uow=SqlUnitOfWorkFactory(engine, cipher), clock=services.clock, schemes=services.schemes), cipher


def test_rotation_reencrypts_every_value_in_batches_and_the_old_key_can_then_go(
    services: Services, engine: Engine, data_cipher: FieldCipher, clock: SettableClock
) -> None:
    cases = arrive_people(services, "b1", YONAS, {"family_name": "Haile"}, {"family_name": "Kidane"})
    family_case, members = apply_as_family(services, "FAM-1")
    old_key = data_cipher.active_key
    before = key_usage(services)
    rotated, cipher = _rotated(services, engine, data_cipher)
    new_key = cipher.active_key
    seen: list[tuple[int, int]] = []

    rows = reencrypt_personal_data(rotated, batch=2, progress=lambda done, total: seen.append((done, total)))

    # 3 people + 2 members + 5 identity records + the 3 protection claims made on arrival (their evidence is free
    # text), two per transaction
    assert rows == 13
    assert [done for done, _ in seen] == [2, 4, 6, 8, 10, 12, 13]
    assert {total for _, total in seen} == {13}
    assert before == {old_key: sum(before.values())}
    assert key_usage(rotated) == {new_key: sum(before.values())}
    assert _stored_key_ids(engine) == {new_key}
    retired = Services(
        uow=SqlUnitOfWorkFactory(engine, FieldCipher(cipher.keyring.without(old_key))),
        clock=clock,
    )
    with retired.uow() as uow:
        people = uow.arrivals.get(uow.returns.get(cases[0][0]).arrival_id).people
        assert sorted(p.identity.family_name for p in people) == ["Haile", "Kidane", "Tesfamariam"]
        assert uow.admissions.get(family_case).member(members[0]).identity.given_names == "Amina"
        assert len(list(uow.identity.all_people())) == 5
    with services.uow() as uow, pytest.raises(UnknownKey, match=new_key):
        uow.arrivals.get(uow.returns.get(cases[0][0]).arrival_id)  # the old keyring alone no longer reads them
    with rotated.uow() as uow:
        audited = [entry.event.action for entry in uow.audit.latest(10)]
    assert audited.count("reencrypt_personal_data") == 7


def test_an_interrupted_rotation_resumes_where_it_stopped(
    services: Services, engine: Engine, data_cipher: FieldCipher
) -> None:
    arrive_people(services, "b1", YONAS, {"family_name": "Haile"}, {"family_name": "Kidane"})
    rotated, cipher = _rotated(services, engine, data_cipher)
    new_key = cipher.active_key

    def stop_after_first_batch(done: int, total: int) -> None:
        raise Interrupted

    with pytest.raises(Interrupted):
        reencrypt_personal_data(rotated, batch=4, progress=stop_after_first_batch)
    halfway = key_usage(rotated)
    finished = reencrypt_personal_data(rotated, batch=4)

    assert halfway[new_key] > 0
    assert halfway[data_cipher.active_key] > 0
    assert finished == 5  # 9 rows (3 people, 3 identity records, 3 claims on arrival): 4 done before the interruption
    assert _stored_key_ids(engine) == {new_key}
    assert reencrypt_personal_data(rotated) == 0  # nothing left: a further run changes and records nothing
