"""Personal data is ciphertext in the tables, plain through the store, bound to its row, and findable by blind index."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select, text, update
from tests.builders import utc
from tests.personal_data_support import PLAINTEXT, YONAS, apply_as_family, arrive_people, raw_cells

from parity.accounts.roles import Role
from parity.bootstrap import database
from parity.domain.identity_links import RecordSource
from parity.domain.people import IdentityDocument
from parity.protection import FieldCipher, Keyring, TamperedValue, UnknownKey
from parity.services.accounts import create_user
from parity.services.context import Services, SettableClock
from parity.store import tables
from parity.store.database import SqlUnitOfWorkFactory
from parity.store.migrate import upgrade


def test_names_dates_and_documents_are_ciphertext_at_rest_and_plain_through_the_store(
    services: Services, engine: Engine
) -> None:
    [(case_id, person_id)] = arrive_people(services, "b1", YONAS)
    family_case, [amina, _farid] = apply_as_family(services, "FAM-1")

    stored = list(raw_cells(engine))
    assert stored  # the rows are there ...
    leaks = [value for value in PLAINTEXT if any(value in cell for cell in stored)]
    assert leaks == []  # ... and no name, date of birth, document, biometric or evidence is in clear
    with services.uow() as uow:
        arrival = uow.arrivals.get(uow.returns.get(case_id).arrival_id)
        application = uow.admissions.get(family_case)
        indexed = {p.record.record_id: p.record for p in uow.identity.all_people()}
    [person] = arrival.people
    assert person.id == person_id
    assert (person.identity.given_names, person.identity.family_name) == ("Yonas", "Tesfamariam")
    assert person.identity.date_of_birth == date(1995, 3, 2)
    assert person.identity.documents == (IdentityDocument("passport", "ER0451277"),)
    assert person.identity.biometric_ref == "BIO-77123"
    assert person.transit_evidence == "Interview: stayed in the Loon-Plage camp"
    assert application.member(amina).identity.family_name == "Rahimi"
    assert indexed[person_id].document_number == "ER0451277"
    assert indexed[amina].date_of_birth == date(1988, 6, 1)


def test_a_ciphertext_copied_onto_another_persons_row_is_refused(services: Services, engine: Engine) -> None:
    [(first_case, first), (_second_case, second)] = arrive_people(
        services, "b1", YONAS, {"given_names": "Senait", "family_name": "Haile"}
    )
    people = tables.people
    with engine.begin() as connection:
        theirs = connection.execute(select(people.c.family_name).where(people.c.id == second)).scalar_one()
        connection.execute(update(people).where(people.c.id == first).values(family_name=theirs))

    with services.uow() as uow, pytest.raises(TamperedValue, match=f"people.family_name/{first}"):
        uow.arrivals.get(uow.returns.get(first_case).arrival_id)


def test_a_store_with_other_keys_cannot_read_the_data(services: Services, engine: Engine, clock: SettableClock) -> None:
    [(case_id, _person)] = arrive_people(services, "b1", YONAS)
    stranger = Services(uow=SqlUnitOfWorkFactory(engine, FieldCipher(Keyring.generate())), clock=clock)

    with stranger.uow() as uow, pytest.raises(UnknownKey, match="is not configured"):
        uow.arrivals.get(uow.returns.get(case_id).arrival_id)


def test_blind_indexes_find_every_record_of_a_document_or_a_name_and_date_of_birth(services: Services) -> None:
    [(case_id, person_id)] = arrive_people(services, "b1", YONAS)
    family_case, [amina, farid] = apply_as_family(services, "FAM-1", document_number="ER 045-1277")
    arrive_people(services, "b2", {**YONAS, "date_of_birth": date(1996, 3, 2), "document_number": "X1"})

    with services.uow() as uow:
        by_document = uow.personal_data.records_with_document("er0451277")
        by_name = uow.personal_data.records_with_name("TESFAMARIAM", date(1995, 3, 2))
        by_other_name = uow.personal_data.records_with_name("Rahimi", date(2015, 2, 9))
        unknown = uow.personal_data.records_with_document("ZZ999")

    assert {(r.record_id, r.source, r.case_id) for r in by_document} == {
        (person_id, RecordSource.ARRIVAL, case_id),
        (amina, RecordSource.ADMISSION, family_case),
    }
    assert [r.record_id for r in by_name] == [person_id]
    assert [r.record_id for r in by_other_name] == [farid]
    assert unknown == []


def test_migration_0005_refuses_a_database_that_already_holds_personal_data(tmp_path: Path) -> None:
    engine = database(f"sqlite:///{tmp_path / 'old.db'}", migrate=False)
    upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "insert into arrivals (id, boat_ref, arrived_at, place, scheme_id) "
                "values ('a1', 'SB-1', '2025-09-01 04:00:00', 'Dover', 'uk-fr-2025')"
            )
        )
        connection.execute(
            insert(tables.metadata.tables["people"]).values(
                id="p1",
                arrival_id="a1",
                given_names="Yonas",
                family_name="Tesfamariam",
                nationality="ERI",
                sex="M",
                documents="[]",
                age_status="adult",
                grounds=["protection_claim"],
            )
        )

    with pytest.raises(RuntimeError, match="assumes the table people is empty"):
        upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("select family_name from people")).scalar_one() == "Tesfamariam"
    engine.dispose()


def test_anonymised_identity_records_no_longer_fill_the_matcher(services: Services, clock: SettableClock) -> None:
    [(case_id, person_id), (_other_case, other)] = arrive_people(services, "b1", YONAS, {"family_name": "Haile"})
    with services.uow() as uow:
        uow.personal_data.anonymise([case_id], [], utc(2027, 3, 3))
        uow.commit()

    with services.uow() as uow:
        assert [p.record.record_id for p in uow.identity.all_people()] == [other]
        assert uow.personal_data.held_record(person_id).anonymised_at == utc(2027, 3, 3)  # type: ignore[union-attr]


def test_a_users_second_factor_secret_is_ciphertext_at_rest(services: Services, engine: Engine) -> None:
    created = create_user(services, "create-amira", "amira.k", Role.UK_CASEWORKER, "correct horse battery 42")
    assert created.totp_secret
    with engine.connect() as connection:
        stored = connection.execute(select(tables.users.c.totp_secret)).scalar_one()
    assert created.totp_secret not in stored
    with services.uow() as uow:
        user = uow.accounts.user_named("amira.k")
    assert user is not None
    assert user.totp_secret == created.totp_secret


def test_migration_0008_refuses_a_database_holding_identity_decision_reasons_in_clear(tmp_path: Path) -> None:
    engine = database(f"sqlite:///{tmp_path / 'old.db'}", migrate=False)
    upgrade(engine, "0007")
    with engine.begin() as connection:
        connection.execute(
            text(
                "insert into identity_records (record_id, source, case_id, nationality, sex, indexed_at, sequence) "
                "values (:record_id, 'arrival', :case_id, 'IRN', 'M', '2025-09-01 04:00:00', :sequence)"
            ),
            [{"record_id": f"r{n}", "case_id": f"c{n}", "sequence": n} for n in (1, 2)],
        )
        connection.execute(
            text(
                "insert into identity_flags (id, record_id, candidate_record_id, model_version, match_weight, "
                "match_probability, basis, contributions, levels, raised_at, status, decision_reason) values "
                "('f1', 'r2', 'r1', 'm1', 5.0, 0.9, 'model', '{}', '{}', '2025-09-01 04:00:00', 'same_person', "
                "'Hossein Rezaei: same scar in both photographs')"
            )
        )

    with pytest.raises(RuntimeError, match="identity_flags holds some"):
        upgrade(engine)
    with engine.connect() as connection:
        assert "Rezaei" in connection.execute(text("select decision_reason from identity_flags")).scalar_one()
    engine.dispose()
