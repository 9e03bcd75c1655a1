"""A boat is recorded once per scheme, a family reference names one expression of interest, and times, dates and
texts outside what can be stored or computed are refused by name, on SQLite and PostgreSQL, changing nothing."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, select, text
from tests.builders import person_input, utc

from parity.domain.errors import InvalidCommand
from parity.domain.people import BoatArrival, Sex
from parity.scheme import Scheme
from parity.services.applications import ApplicantInput, SubmitExpressionOfInterest, submit_expression_of_interest
from parity.services.arrivals_csv import parse_arrivals_csv
from parity.services.committee import committee_report
from parity.services.context import Services, SettableClock
from parity.services.intake import RecordArrival, import_arrivals, record_arrival
from parity.services.ports import ConcurrencyConflict
from parity.store import tables
from parity.store.migrate import alembic_config, upgrade

SCHEME = "uk-fr-2025"
POSTGRES_URL = os.environ.get("PARITY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
HEADER = "boat_ref,arrived_at,place,given_names,family_name,nationality,sex,age_status,grounds,departed_from"
ROWS = [
    "SB-0901-01,2025-09-01T04:10,Dover,Yonas,Tesfay,ERI,M,adult,protection_claim,FR",
    "SB-0901-01,2025-09-01T04:10,Dover,Sara,Karimi,IRN,F,adult,protection_claim,FR",
    "SB-0901-02,2025-09-01T05:00,Dover,Ali,Rezaei,IRN,M,adult,protection_claim,FR",
]


def boat(command_id: str, boat_ref: str = "SB-0901-01", scheme_id: str = SCHEME, **changes: object) -> RecordArrival:
    values: dict[str, object] = {
        "command_id": command_id,
        "actor": "officer",
        "scheme_id": scheme_id,
        "boat_ref": boat_ref,
        "arrived_at": utc(2025, 9, 1, 4),
        "place": "Dover",
        "people": (person_input(),),
    }
    return RecordArrival(**(values | changes))  # type: ignore[arg-type]


def counts(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as connection:
        return tuple(  # type: ignore[return-value]
            connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (tables.arrivals, tables.people, tables.return_cases)
        )


# --- 1. A boat is recorded once per scheme ---------------------------------------------------------------------


def test_a_boat_already_recorded_is_refused_by_its_reference_and_changes_nothing(
    services: Services, engine: Engine
) -> None:
    first = record_arrival(services, boat("first"))
    before = counts(engine)

    with pytest.raises(InvalidCommand, match="boat SB-0901-01 is already recorded under this scheme") as refused:
        record_arrival(services, boat("second", place="Folkestone", people=(person_input(), person_input())))

    assert "2025-09-01T04:00:00+00:00" in str(refused.value)
    assert counts(engine) == before == (1, 1, 1)
    # The same command again is a replay: the first result, nothing recorded.
    assert record_arrival(services, boat("first")) == first
    assert counts(engine) == before


def test_a_boat_reference_is_unique_within_a_scheme_not_across_schemes(services: Services, engine: Engine) -> None:
    record_arrival(services, boat("uk"))
    record_arrival(services, boat("eu", scheme_id="eu-tr-2016"))
    assert counts(engine)[0] == 2


def test_importing_the_same_rows_again_names_each_boat_and_its_line_and_changes_nothing(
    services: Services, uk_fr: Scheme, engine: Engine
) -> None:
    now = services.clock.now()
    parsed = parse_arrivals_csv("\n".join([HEADER, *ROWS]), uk_fr, "cli", now)
    result = import_arrivals(services, f"import:{parsed.file_hash}", SCHEME, parsed.arrivals)
    before = counts(engine)
    assert before == (2, 3, 3)

    # The same rows with one more newline: another file, another command, the same boats.
    again = parse_arrivals_csv("\n".join([HEADER, *ROWS]) + "\n", uk_fr, "cli", now)
    assert again.file_hash != parsed.file_hash
    with pytest.raises(InvalidCommand) as refused:
        import_arrivals(services, f"import:{again.file_hash}", SCHEME, again.arrivals)
    assert "line 2: boat SB-0901-01 is already recorded" in str(refused.value)
    assert "line 4: boat SB-0901-02 is already recorded" in str(refused.value)
    assert counts(engine) == before

    # One new boat among them: the file is refused whole, naming only the boat recorded before.
    mixed = parse_arrivals_csv(
        "\n".join([HEADER, "SB-0902-01,2025-09-01T06:00,Dover,Ali,Rezaei,IRN,M,adult,protection_claim,FR", ROWS[2]]),
        uk_fr,
        "cli",
        now,
    )
    with pytest.raises(InvalidCommand) as refused:
        import_arrivals(services, f"import:{mixed.file_hash}", SCHEME, mixed.arrivals)
    assert "line 3: boat SB-0901-02" in str(refused.value)
    assert "SB-0902-01" not in str(refused.value)
    assert counts(engine) == before

    # The first file's command again replays its result.
    assert import_arrivals(services, f"import:{parsed.file_hash}", SCHEME, parsed.arrivals) == result
    assert counts(engine) == before


def test_one_import_holding_a_boat_twice_is_refused(services: Services, engine: Engine) -> None:
    twice = [boat("import:x:a", line=2), boat("import:x:b", line=5, arrived_at=utc(2025, 9, 1, 6))]
    with pytest.raises(InvalidCommand, match="line 5: boat SB-0901-01 is already recorded"):
        import_arrivals(services, "import:x", SCHEME, twice)
    assert counts(engine) == (0, 0, 0)


def test_the_store_keeps_a_boat_reference_once_per_scheme(services: Services, uk_fr: Scheme) -> None:
    """The backstop for two intakes of one boat at the same moment: the second one's transaction fails, and is
    retried on fresh data, where intake then refuses it by name."""
    with services.uow() as uow:
        uow.arrivals.add(BoatArrival("a1", "SB-9", utc(2025, 9, 1, 4), "Dover"), uk_fr)
        uow.commit()

    def add_again() -> None:
        with services.uow() as uow:
            uow.arrivals.add(BoatArrival("a2", "SB-9", utc(2025, 9, 2, 4), "Deal"), uk_fr)
            uow.commit()

    with pytest.raises(ConcurrencyConflict):
        add_again()
    with services.uow() as uow:
        assert uow.arrivals.recorded_boats(SCHEME, ["SB-9", "SB-10"]) == {"SB-9": utc(2025, 9, 1, 4)}
        assert uow.arrivals.recorded_boats("eu-tr-2016", ["SB-9"]) == {}


def test_migration_0009_refuses_a_database_holding_a_boat_twice_and_changes_nothing(unmigrated: Engine) -> None:
    upgrade(unmigrated, "0008")
    insert = text(
        "insert into arrivals (id, boat_ref, arrived_at, place, scheme_id) values (:id, :ref, :at, 'Dover', :s)"
    )
    rows = [
        {"id": "a1", "ref": "SB-1", "at": utc(2025, 9, 1, 4), "s": SCHEME},
        {"id": "a2", "ref": "SB-1", "at": utc(2025, 9, 2, 4), "s": SCHEME},
        {"id": "a3", "ref": "SB-1", "at": utc(2025, 9, 2, 4), "s": "eu-tr-2016"},
        {"id": "a4", "ref": "SB-2", "at": utc(2025, 9, 2, 4), "s": SCHEME},
    ]
    with unmigrated.begin() as connection:
        connection.execute(insert, rows)

    with pytest.raises(RuntimeError, match=r"holds 1 boat\(s\) more than once: uk-fr-2025 SB-1 \(2 arrivals\)"):
        upgrade(unmigrated)

    with unmigrated.connect() as connection:
        assert connection.execute(text("select version_num from alembic_version")).scalar_one() == "0008"
        assert connection.execute(text("select count(*) from arrivals")).scalar_one() == 4
    with unmigrated.begin() as connection:
        connection.execute(text("delete from arrivals where id = 'a2'"))
    upgrade(unmigrated)
    with unmigrated.connect() as connection:
        head = ScriptDirectory.from_config(alembic_config(unmigrated)).get_current_head()
        assert connection.execute(text("select version_num from alembic_version")).scalar_one() == head


# --- 4. Arrival times and report weeks outside the scheme's range ------------------------------------------------


@pytest.mark.parametrize(
    "arrived_at",
    [
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(2020, 8, 5, 22, tzinfo=UTC),  # 23:00 in London, the day before five years before the start
        datetime(9999, 12, 31, 23, tzinfo=UTC),
    ],
)
def test_an_arrival_time_out_of_range_is_refused_naming_the_field(
    services: Services, engine: Engine, arrived_at: datetime
) -> None:
    expected = r"arrived_at: must lie between 2020-08-06 \(five years before the scheme came into force\) and now"
    with pytest.raises(InvalidCommand, match=expected):
        record_arrival(services, boat("early", arrived_at=arrived_at))
    assert counts(engine) == (0, 0, 0)


def test_an_arrival_before_the_scheme_came_into_force_is_still_recorded_and_screened_out(services: Services) -> None:
    result = record_arrival(services, boat("before", arrived_at=datetime(2020, 8, 5, 23, tzinfo=UTC)))
    assert result["cases"][0]["status"] == "ineligible"
    assert "outside the scheme's period in force" in result["cases"][0]["reasons"][0]


def test_a_committee_report_week_outside_the_schemes_period_is_refused(
    services: Services, clock: SettableClock
) -> None:
    for week in (date(1, 1, 1), date(2025, 7, 28), date(2026, 6, 15), date(9999, 12, 27)):
        with pytest.raises(InvalidCommand, match=r"outside the scheme's period: .* from 2025-08-04 to 2026-06-08"):
            committee_report(services, SCHEME, week)
    assert committee_report(services, SCHEME, date(2025, 8, 4)).returned == 0
    assert committee_report(services, SCHEME, date(2026, 6, 8)).returned == 0  # ahead, within the period
    clock.current = utc(2026, 9, 2)  # after the last day new cases may open, transfers go on: so do reports
    assert committee_report(services, SCHEME, date(2026, 8, 31)).returned == 0
    with pytest.raises(InvalidCommand, match="from 2016-03-14 to 2026-08-31"):
        committee_report(services, "eu-tr-2016", date(2026, 9, 7))  # no end: up to the current week


# --- 3 and 5. Texts that do not fit, dates of birth that cannot be ----------------------------------------------


def test_over_long_texts_are_refused_by_field_before_the_store_sees_them(services: Services, engine: Engine) -> None:
    command = boat(
        "long",
        boat_ref="SB-" + "9" * 62,
        place="D" * 201,
        people=(person_input(), person_input(family_group="F" * 65, biometric_ref="B" * 129, nationality="ERIT")),
    )
    with pytest.raises(InvalidCommand) as refused:
        record_arrival(services, command)
    message = str(refused.value)
    for expected in (
        "boat_ref: must be at most 64 character(s) long",
        "place: must be at most 200 character(s) long",
        "people.1.family_group: must be at most 64 character(s) long",
        "people.1.biometric_ref: must be at most 128 character(s) long",
        "people.1.nationality: must match the pattern ^[A-Z]{3}$",
    ):
        assert expected in message
    assert "people.0" not in message
    assert counts(engine) == (0, 0, 0)


def test_a_date_of_birth_after_the_arrival_is_refused_naming_the_person_and_field(
    services: Services, engine: Engine
) -> None:
    command = boat("born", people=(person_input(), person_input(date_of_birth=date(2025, 9, 2))))
    with pytest.raises(InvalidCommand, match=r"people\.1\.date_of_birth: is impossible: before 1900-01-01 or after"):
        record_arrival(services, command)
    assert counts(engine) == (0, 0, 0)
    record_arrival(services, boat("born on the day", people=(person_input(date_of_birth=date(2025, 9, 1)),)))


# --- 6. A family reference names one expression of interest -------------------------------------------------------


def applicant(given: str, born: date, *, main: bool) -> ApplicantInput:
    return ApplicantInput(given, "Rahimi", born, "AFG", Sex.FEMALE, main, "passport", f"P-{given}")


def test_a_second_expression_of_interest_with_a_family_ref_in_use_is_refused_naming_it(
    services: Services, engine: Engine
) -> None:
    family = [applicant("Amina", date(1988, 6, 1), main=True), applicant("Farid", date(2015, 2, 9), main=False)]
    first = submit_expression_of_interest(services, SubmitExpressionOfInterest("eoi-1", "cw", SCHEME, "FAM-7", family))
    assert len(first["member_ids"]) == 2  # members share the reference by applying together

    late = [applicant("Zahra", date(1990, 1, 1), main=True)]
    with pytest.raises(InvalidCommand, match="family_ref FAM-7 is already the reference of another expression"):
        submit_expression_of_interest(services, SubmitExpressionOfInterest("eoi-2", "cw", SCHEME, "FAM-7", late))

    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(tables.admission_cases)).scalar_one() == 1
        assert connection.execute(select(func.count()).select_from(tables.admission_members)).scalar_one() == 2
    replay = submit_expression_of_interest(services, SubmitExpressionOfInterest("eoi-1", "cw", SCHEME, "FAM-7", family))
    assert replay == first
    other = submit_expression_of_interest(services, SubmitExpressionOfInterest("eoi-3", "cw", SCHEME, "FAM-8", late))
    assert other["family_ref"] == "FAM-8"
    with services.uow() as uow:
        assert uow.admissions.case_of_family("FAM-7") == first["case_id"]
        assert uow.admissions.case_of_family("FAM-9") is None


def test_now_is_the_latest_arrival_time(services: Services, clock: SettableClock) -> None:
    with pytest.raises(InvalidCommand, match=r"arrived_at .* is in the future"):
        record_arrival(services, boat("soon", arrived_at=clock.now() + timedelta(hours=1)))
    record_arrival(services, boat("now", arrived_at=clock.now()))


# --- Concurrent writers: the unique keys are the backstop, intake's check the answer ----------------------------


def test_concurrent_intakes_of_one_boat_record_it_once_and_refuse_the_others_by_name(
    services: Services, engine: Engine
) -> None:
    def intake(number: int) -> str:
        try:
            record_arrival(services, boat(f"officer-{number}"))
        except InvalidCommand as refused:
            return str(refused)
        return "recorded"

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = sorted(pool.map(intake, range(4)))
    assert outcomes[0].startswith("boat SB-0901-01 is already recorded")
    assert outcomes[1:] == [outcomes[0], outcomes[0], "recorded"]
    assert counts(engine) == (1, 1, 1)


def test_concurrent_expressions_of_interest_under_one_family_ref_open_one_case(services: Services) -> None:
    def submit(number: int) -> str:
        members = [applicant(f"Amina{number}", date(1988, 6, 1), main=True)]
        command = SubmitExpressionOfInterest(f"e{number}", "cw", SCHEME, "F-1", members)
        try:
            submit_expression_of_interest(services, command)
        except InvalidCommand as refused:
            return str(refused)
        return "submitted"

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = sorted(pool.map(submit, range(4)))
    assert outcomes[0].startswith("family_ref F-1 is already the reference of another expression of interest")
    assert outcomes[1:] == [outcomes[0], outcomes[0], "submitted"]


def test_an_expression_of_interest_with_an_impossible_date_of_birth_is_refused_naming_the_member(
    services: Services, engine: Engine, clock: SettableClock
) -> None:
    today = clock.current.date()
    family = [
        applicant("Amina", date(1988, 6, 1), main=True),
        applicant("Farid", today + timedelta(days=1), main=False),
        applicant("Zahra", date(1899, 12, 31), main=False),
    ]
    with pytest.raises(InvalidCommand) as refused:
        submit_expression_of_interest(services, SubmitExpressionOfInterest("eoi-born", "cw", SCHEME, "FAM-B", family))
    assert str(refused.value) == (
        f"members.1.date_of_birth: is impossible: before 1900-01-01 or after today, {today}; "
        f"members.2.date_of_birth: is impossible: before 1900-01-01 or after today, {today}"
    )
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(tables.admission_cases)).scalar_one() == 0
