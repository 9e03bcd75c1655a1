"""Two processes on one store (SQLite and PostgreSQL): each keeps its register in memory, and a record committed
through one becomes a candidate for the other's next check without a restart."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine
from tests.builders import record_boat

from parity.domain.identity_links import RecordSource
from parity.identity.live import SplinkIdentityResolver
from parity.identity.records import IdentityRecord
from parity.protection import FieldCipher
from parity.scheme import Scheme
from parity.services.context import Services, SettableClock
from parity.services.identity import identity_flags
from parity.services.ports import IndexedPerson
from parity.store.database import SqlUnitOfWorkFactory

HOSSEIN = {"given_names": "Hossein", "family_name": "Rezaei", "nationality": "IRN", "date_of_birth": date(1994, 3, 17)}
YONAS = {"given_names": "Yonas", "family_name": "Tesfay", "nationality": "ERI", "date_of_birth": date(1990, 5, 5)}


def process(
    engine: Engine, clock: SettableClock, cipher: FieldCipher, scheme: Scheme
) -> tuple[Services, SplinkIdentityResolver]:
    """What one API worker or CLI run holds: its own unit-of-work factory and its own in-memory register."""
    services = Services(uow=SqlUnitOfWorkFactory(engine, cipher), clock=clock)
    services.register(scheme)
    resolver = SplinkIdentityResolver(today=date(2026, 1, 1))
    services.identity = resolver
    return services, resolver


def arrive(services: Services, command_id: str, *people: dict[str, Any]) -> list[dict[str, Any]]:
    return list(record_boat(services, command_id, *people, at=services.clock.now() - timedelta(hours=4))["cases"])


def test_a_record_committed_by_another_process_is_a_candidate_without_a_restart(
    engine: Engine, clock: SettableClock, data_cipher: FieldCipher, uk_fr: Scheme
) -> None:
    (first, _), (second, _) = (process(engine, clock, data_cipher, uk_fr) for _ in range(2))
    # Both registers are filled from the store before the record that matters exists.
    arrive(first, "boat-1", YONAS)
    arrive(second, "boat-2", {**YONAS, "given_names": "Younas"})

    [original] = arrive(first, "boat-3", HOSSEIN)
    clock.current += timedelta(days=30)
    [again] = arrive(second, "boat-4", {**HOSSEIN, "given_names": "Hosein", "family_name": "Rezai"})

    [flag_id] = again["identity_flags"]
    [flag] = [f for f in identity_flags(second, again["case_id"]) if f.id == flag_id]
    with second.uow() as uow:
        candidate = uow.identity.located({flag.candidate_record_id})[flag.candidate_record_id]
    assert candidate.case_id == original["case_id"]


def test_records_are_numbered_in_commit_order_and_each_is_registered_once(
    engine: Engine, clock: SettableClock, data_cipher: FieldCipher, uk_fr: Scheme
) -> None:
    (first, first_register), (second, second_register) = (process(engine, clock, data_cipher, uk_fr) for _ in range(2))
    arrive(first, "boat-1", YONAS, HOSSEIN)
    arrive(second, "boat-2", {**YONAS, "given_names": "Younas"})
    arrive(first, "boat-3", {**HOSSEIN, "given_names": "Hosein"})

    with first.uow() as uow:
        assert [sequence for sequence, _ in uow.identity.indexed_after(0)] == [1, 2, 3, 4]
        assert [sequence for sequence, _ in uow.identity.indexed_after(2)] == [3, 4]
    # Each process read the index just before its last check, and added the people it checked itself.
    assert (first.identity_read_to, first_register.register_size) == (3, 4)
    assert (second.identity_read_to, second_register.register_size) == (2, 3)


def test_records_a_unit_of_work_adds_are_not_read_back_before_it_commits(
    engine: Engine, clock: SettableClock, data_cipher: FieldCipher, uk_fr: Scheme
) -> None:
    # An import records many boats in one transaction, checking each against what came before: reading its own
    # uncommitted records would move the reader past numbers that are given again if the import rolls back.
    services, _ = process(engine, clock, data_cipher, uk_fr)
    arrive(services, "boat-1", YONAS)
    ali = IdentityRecord("rolled-back", "Ali", "Karimi", None, "AFG", "M")
    with services.uow() as uow:
        uow.identity.add_people([IndexedPerson(RecordSource.ARRIVAL, "case-x", ali)], clock.now())
        assert [number for number, _ in uow.identity.indexed_after(0)] == [1]
        assert len(list(uow.identity.all_people())) == 2
    # Left without committing: rolled back, and its number is given to the next record.
    arrive(services, "boat-2", HOSSEIN)
    with services.uow() as uow:
        assert [(n, p.record.given_names) for n, p in uow.identity.indexed_after(1)] == [(2, "Hossein")]
