from datetime import date

import pytest

from parity.identity.clustering import ConstrainedClusters, dates_compatible
from parity.identity.normalise import normalise_record
from parity.identity.records import IdentityRecord

TODAY = date(2026, 1, 1)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((date(1990, 5, 5), False), (date(1990, 5, 5), False)),
        ((date(1990, 1, 31), False), (date(1990, 2, 1), False)),  # a day mistyped across a month end
        ((date(1990, 5, 5), False), (date(1980, 5, 5), False)),  # one digit of the year
        ((date(1990, 3, 7), False), (date(1990, 7, 3), False)),  # day and month swapped
        ((date(1990, 1, 1), True), (date(1990, 8, 17), False)),  # the year only, then the full date
        ((date(1990, 1, 1), True), (date(1991, 1, 1), True)),  # an age estimated a year apart
    ],
)
def test_dates_one_person_can_have(first: tuple[date, bool], second: tuple[date, bool]) -> None:
    assert dates_compatible(first, second)
    assert dates_compatible(second, first)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((date(1990, 5, 5), False), (date(1992, 8, 17), False)),
        ((date(1990, 1, 1), True), (date(1992, 1, 1), True)),  # siblings two years apart, years only
        ((date(1990, 1, 1), True), (date(1988, 6, 1), False)),
    ],
)
def test_dates_that_are_two_people(first: tuple[date, bool], second: tuple[date, bool]) -> None:
    assert not dates_compatible(first, second)


def person(born: date | None, sex: str = "F", biometric: str | None = None) -> IdentityRecord:
    return IdentityRecord("r", "Hoa", "Nguyen", born, "VNM", sex, biometric_id=biometric)


def clusters_of(*records: IdentityRecord) -> ConstrainedClusters:
    return ConstrainedClusters([normalise_record(r, TODAY) for r in records])


def test_a_record_without_a_date_does_not_chain_two_namesakes_born_years_apart() -> None:
    clusters = clusters_of(person(date(1994, 8, 18)), person(None), person(date(1962, 1, 1)))
    assert clusters.join(0, 1)
    assert not clusters.join(1, 2)
    assert clusters.root(0) == clusters.root(1) != clusters.root(2)


def test_a_link_between_two_dated_records_stands_whatever_the_dates_because_the_model_weighed_them() -> None:
    clusters = clusters_of(person(date(1994, 8, 18)), person(date(1962, 1, 1)), person(None))
    assert clusters.join(0, 1)
    assert clusters.join(1, 2)


def test_a_group_is_joined_when_one_of_its_dates_fits() -> None:
    # The first group already holds two dates for one person (one of them replaced); the undated record's
    # link to the second group is followed because 1994-08-18 fits 1994-08-19.
    clusters = clusters_of(person(date(1994, 8, 18)), person(date(1962, 1, 1)), person(None), person(date(1994, 8, 19)))
    assert clusters.join(0, 1)
    assert clusters.join(0, 2)
    assert clusters.join(2, 3)
    assert len({clusters.root(n) for n in range(4)}) == 1


def test_a_man_and_a_woman_or_two_fingerprints_are_never_one_cluster() -> None:
    clusters = clusters_of(person(None, "M"), person(None, ""), person(None, "F"))
    assert clusters.join(0, 1)
    assert not clusters.join(1, 2)
    fingerprints = clusters_of(person(None, biometric="FP-1"), person(None), person(None, biometric="FP-2"))
    assert fingerprints.join(0, 1)
    assert not fingerprints.join(1, 2)
