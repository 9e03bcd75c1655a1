"""Clustering links into people without letting a chain of weak links join records that cannot be one person.

Connected components over the links at or above the threshold is single-linkage: one record with no date of birth
whose name matches two namesakes joins them. Each group therefore carries what its members say about the person,
and two groups are never joined when that would put in one cluster

* two different biometric references (the fingerprints decide when both records have them);
* a man and a woman (sex is recorded from the person in front of the clerk, and is rarely wrong);
* by a link between records that do not both have a date of birth, groups none of whose dates could be one
  person's (see ``dates_compatible``): the namesakes bridged by a record with no date stay apart.

A link between two records that both have a date stands even when the dates disagree: the model has weighed them,
and registers do hold wholly different dates for one person (an age disputed, a date replaced). Checking every
pair of dates in a group instead cost recall on the generator and on FEBRL (docs/identity.md). Links are taken
strongest first by the caller, so a conflict is settled in favour of the better evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from parity.identity.normalise import NormalisedRecord

# A recorded date of birth: the date, and whether it is a 1 January placeholder for a year or an age.
RecordedBirth = tuple[date, bool]

# Days two real dates may lie apart and still be one person's mistyped day ("1990-01-31" for "1990-02-01").
_MISTYPED_DAY_SPAN = 31
_SEXES_THAT_CONFLICT = frozenset({"M", "F"})


def dates_compatible(first: RecordedBirth, second: RecordedBirth) -> bool:
    """Whether two recorded dates of birth can belong to one person.

    A placeholder stands for a year that is itself often an estimate a year out, so it is compatible with any
    date within a year of it. Two real dates are compatible when one could be a typing error for the other: a
    few days apart, one digit different, or day and month swapped.
    """
    (first_date, first_placeholder), (second_date, second_placeholder) = first, second
    if first_date == second_date:
        return True
    if first_placeholder or second_placeholder:
        return abs(first_date.year - second_date.year) <= 1
    if abs((first_date - second_date).days) <= _MISTYPED_DAY_SPAN:
        return True
    if first_date.year == second_date.year and (first_date.month, first_date.day) == (
        second_date.day,
        second_date.month,
    ):
        return True
    differing = sum(a != b for a, b in zip(first_date.isoformat(), second_date.isoformat(), strict=True))
    return differing <= 1


class ConstrainedClusters:
    """Union-find over record positions (their order in ``records``) that refuses conflicting joins."""

    def __init__(self, records: Sequence[NormalisedRecord]) -> None:
        self._parent = list(range(len(records)))
        self._biometric = [r.biometric_id for r in records]
        self._sex = [r.sex if r.sex in _SEXES_THAT_CONFLICT else None for r in records]
        self._births: list[tuple[RecordedBirth, ...]] = [
            ((r.date_of_birth, r.dob_is_placeholder),) if r.date_of_birth else () for r in records
        ]
        self._has_birth = [bool(births) for births in self._births]

    def root(self, position: int) -> int:
        parent = self._parent
        while parent[position] != position:
            parent[position] = parent[parent[position]]
            position = parent[position]
        return position

    def join(self, left: int, right: int) -> bool:
        """Join the two groups unless their members conflict (see the module); False when refused."""
        a, b = self.root(left), self.root(right)
        if a == b:
            return True
        if _differ(self._biometric[a], self._biometric[b]) or _differ(self._sex[a], self._sex[b]):
            return False
        births_a, births_b = self._births[a], self._births[b]
        weighed_by_the_model = self._has_birth[left] and self._has_birth[right]
        if not weighed_by_the_model and _no_date_in_common(births_a, births_b):
            return False
        keep, drop = (a, b) if a < b else (b, a)
        self._parent[drop] = keep
        self._biometric[keep] = self._biometric[a] or self._biometric[b]
        self._sex[keep] = self._sex[a] or self._sex[b]
        self._births[keep] = tuple(dict.fromkeys((*births_a, *births_b)))
        self._births[drop] = ()
        return True


def _no_date_in_common(first: tuple[RecordedBirth, ...], second: tuple[RecordedBirth, ...]) -> bool:
    """Both groups have dates and none of one group's could be one person's with any of the other's."""
    return bool(first and second) and not any(dates_compatible(x, y) for x in first for y in second)


def _differ(first: str | None, second: str | None) -> bool:
    return first is not None and second is not None and first != second
