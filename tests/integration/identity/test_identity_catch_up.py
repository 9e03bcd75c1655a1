"""Two processes on one store (SQLite and PostgreSQL): each keeps its register in memory, and a record committed
through one becomes a candidate for the other's next check without a restart; a record anonymised under retention
through one leaves the other's register before its next check."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine
from tests.builders import record_boat
from tests.personal_data_support import UNACCOMPANIED_MINOR

from parity.domain.identity_links import RecordSource
from parity.identity.live import SplinkIdentityResolver
from parity.identity.records import IdentityRecord
from parity.protection import FieldCipher
from parity.scheme import Scheme
from parity.services.context import Services, SettableClock
from parity.services.identity import identity_flags
from parity.services.ports import IndexedPerson
from parity.services.retention import apply_retention
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
        assert [sequence for sequence, _, _ in uow.identity.indexed_after(0)] == [1, 2, 3, 4]
        assert [sequence for sequence, _, _ in uow.identity.indexed_after(2)] == [3, 4]
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
        assert [number for number, _, _ in uow.identity.indexed_after(0)] == [1]
        assert len(list(uow.identity.all_people())) == 2
    # Left without committing: rolled back, and its number is given to the next record.
    arrive(services, "boat-2", HOSSEIN)
    with services.uow() as uow:
        assert [(n, p and p.record.given_names) for n, _, p in uow.identity.indexed_after(1)] == [(2, "Hossein")]


def test_a_record_anonymised_through_another_process_leaves_the_register_and_is_never_flagged(
    engine: Engine, clock: SettableClock, data_cipher: FieldCipher, uk_fr: Scheme
) -> None:
    (first, first_register), (second, _) = (process(engine, clock, data_cipher, uk_fr) for _ in range(2))
    # An unaccompanied minor's case is closed at once; 18 months on (uk-fr-2025 retention) it is anonymised.
    [minor] = arrive(first, "boat-1", {**HOSSEIN, **UNACCOMPANIED_MINOR})
    arrive(first, "boat-2", YONAS)
    recrossing = {**HOSSEIN, "given_names": "Hosein", "family_name": "Rezai"}
    probe = IdentityRecord("probe", "Hosein", "Rezai", HOSSEIN["date_of_birth"], "IRN", "M")
    assert minor["person_id"] in {c.record_id for c in first_register.check(probe).flagged}

    clock.current += timedelta(days=550)
    [applied] = apply_retention(second, ["uk-fr-2025"])

    assert applied.identity_records == 1
    with first.uow() as uow:
        # Indexed as number 1, numbered 3 when anonymised: a process that has read to 2 learns of it, without the data.
        assert list(uow.identity.indexed_after(2)) == [(3, minor["person_id"], None)]
        # Still located for the flags already raised, never for a new one.
        assert minor["person_id"] in uow.identity.located({minor["person_id"]})
        assert uow.identity.located({minor["person_id"]}, include_anonymised=False) == {}
    [again] = arrive(first, "boat-3", recrossing)
    assert again["identity_flags"] == []
    assert minor["person_id"] not in {c.record_id for c in first_register.check(probe).candidates}
    assert first_register.register_size == 2  # Yonas and the new arrival
