"""Synthetic people are as old as asked on the day they are drawn for, counted in calendar years: a 365-day year
made some "adults" 17, whom screening rightly found age-disputed (rule 3)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from parity.simulate.synthetic import SyntheticPeople


def age_on(day: date, born: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@given(
    seed=st.integers(0, 2**32),
    day=st.dates(date(2000, 1, 1), date(2040, 12, 31)),
    ages=st.tuples(st.integers(0, 60), st.integers(0, 60)).map(sorted),
)
def test_a_synthetic_date_of_birth_gives_an_age_within_the_bounds(seed: int, day: date, ages: list[int]) -> None:
    youngest, oldest = ages
    born = SyntheticPeople(seed)._born(day, youngest, oldest)
    assert youngest <= age_on(day, born) <= oldest
