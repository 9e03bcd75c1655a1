"""Public data shipped with Parity (provenance and licence in README.md beside this file)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from importlib import resources
from typing import NamedTuple


class SmallBoatDay(NamedTuple):
    day: date
    people: int
    boats: int


def small_boat_days(first: date = date.min, last: date = date.max) -> Iterator[SmallBoatDay]:
    """The Home Office daily series of small-boat arrivals, from `first` to `last` inclusive (all of it by default)."""
    with resources.files(__name__).joinpath("uk_small_boats_daily.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            day = date.fromisoformat(row["date"])
            if first <= day <= last:
                yield SmallBoatDay(day, int(row["migrants_arrived"]), int(row["boats_arrived"]))
