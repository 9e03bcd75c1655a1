"""Records removed from the live register (anonymised under retention): never candidates again, no longer counted in
name frequencies, and the records left still found, whatever the order of additions and removals."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parity.identity import IdentityRecord, SplinkIdentityResolver, live
from parity.identity.generator import generate_records
from parity.identity.live import ValueFrequencies
from parity.identity.model import IdentityModel

TODAY = date(2026, 1, 1)
RETURNEE = IdentityRecord("returned-1", "Hossein", "Rezaei", date(1994, 3, 17), "IRN", "M", "K1234567", "FP-iran-1")
RECROSSING = IdentityRecord("arrival-1", "Hosein", "Rezai", date(1994, 3, 17), "IRN", "M")
# Several records per person, so that most records are candidates for others.
POOL = [labelled.record for labelled in generate_records(24, seed=7)]


# Other people, never removed: in a register of only a few records a name's frequency is so high that the model
# rightly weighs an exact match of it at nothing, and even a record's copy would not be shown.
BACKGROUND = [
    replace(labelled.record, record_id=f"background:{labelled.record.record_id}")
    for labelled in generate_records(60, seed=8)
]


@pytest.fixture(scope="module")
def shared_resolver(model: IdentityModel) -> SplinkIdentityResolver:
    resolver = SplinkIdentityResolver(model, today=TODAY)
    resolver.add(BACKGROUND)
    return resolver


def _candidate_ids(resolver: SplinkIdentityResolver, record: IdentityRecord) -> set[str]:
    return {candidate.record_id for candidate in resolver.check(record).candidates}


def test_a_removed_record_is_no_longer_a_candidate_nor_held(model: IdentityModel) -> None:
    resolver = SplinkIdentityResolver(model, today=TODAY)
    resolver.add([RETURNEE, *POOL])
    assert RETURNEE.record_id in _candidate_ids(resolver, RECROSSING)

    resolver.remove([RETURNEE.record_id])

    assert RETURNEE.record_id not in _candidate_ids(resolver, RECROSSING)
    assert resolver.register_size == len(POOL)
    held = resolver.register_rows
    assert RETURNEE.record_id not in held.column("record_id").to_pylist()
    assert RETURNEE.biometric_id not in held.column("biometric_id").to_pylist()
    # The records left are still found under their own keys.
    assert POOL[0].record_id in _candidate_ids(resolver, replace(POOL[0], record_id="copy-of-first"))


def test_removing_ids_the_register_does_not_hold_changes_nothing(model: IdentityModel) -> None:
    resolver = SplinkIdentityResolver(model, today=TODAY)
    resolver.add([RETURNEE])
    before = resolver.check(RECROSSING)

    resolver.remove(["never-added", "never-added"])
    resolver.remove([])

    assert resolver.register_size == 1
    assert resolver.check(RECROSSING) == before


def test_an_id_added_again_after_removal_is_a_new_record(model: IdentityModel) -> None:
    resolver = SplinkIdentityResolver(model, today=TODAY)
    resolver.add([RETURNEE])
    resolver.remove([RETURNEE.record_id])

    assert resolver.add([RETURNEE]) == []

    assert resolver.register_size == 1
    assert _candidate_ids(resolver, RECROSSING) == {RETURNEE.record_id}


def test_removed_records_no_longer_count_in_name_frequencies(model: IdentityModel) -> None:
    # Namesakes born on other days make the name common; a match on a common name is worth less.
    namesakes = [
        replace(RETURNEE, record_id=f"namesake-{n}", date_of_birth=date(1960 + n, 1, 2), document_number=None)
        for n in range(30)
    ]
    resolver = SplinkIdentityResolver(model, today=TODAY)
    resolver.add([RETURNEE, *POOL])
    alone = resolver.check(RECROSSING).candidates[0].contributions["name"]
    resolver.add(namesakes)
    crowded = resolver.check(RECROSSING).candidates[0].contributions["name"]

    resolver.remove([namesake.record_id for namesake in namesakes])

    assert crowded < alone
    assert resolver.check(RECROSSING).candidates[0].contributions["name"] == pytest.approx(alone)


def test_value_frequencies_forget_removed_values() -> None:
    frequencies = ValueFrequencies()
    frequencies.add(["rzi", "rzi", "krm", None])
    frequencies.remove(["rzi", None])
    assert dict(frequencies) == {"rzi": 0.5, "krm": 0.5}
    frequencies.remove(["rzi"])
    assert dict(frequencies) == {"krm": 1.0}


_examples = itertools.count()
_every_id_used: list[str] = []

# Each step adds or removes some records of the pool, by index.
steps = st.lists(st.tuples(st.booleans(), st.sets(st.integers(0, len(POOL) - 1), max_size=8)), max_size=8)


@settings(max_examples=40)
@given(steps=steps)
def test_after_any_additions_and_removals_candidates_are_live_records_and_every_live_record_is_found(
    shared_resolver: SplinkIdentityResolver, steps: list[tuple[bool, set[int]]]
) -> None:
    # Building a resolver takes a second, so examples share one: each starts by removing everything, with ids of
    # its own. Small thresholds make a few records enough to merge keys in between, and records added a few at a time
    # spread over several tables.
    resolver, example = shared_resolver, next(_examples)
    resolver.remove(_every_id_used)
    assert resolver.register_size == len(BACKGROUND)
    records = [replace(record, record_id=f"{example}:{record.record_id}") for record in POOL]
    _every_id_used.extend(record.record_id for record in records)
    live_ids: set[str] = set()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(live, "_MERGE_PENDING_AT", 40)
        patch.setattr(live, "_PENDING_PARTS", 2)
        for adding, chosen in steps:
            ids = [records[i].record_id for i in sorted(chosen)]
            if adding:
                refused = {r.record_id for r in resolver.add([records[i] for i in sorted(chosen)])}
                live_ids |= set(ids) - refused
            else:
                resolver.remove(ids)
                live_ids -= set(ids)

    assert resolver.register_size == len(BACKGROUND) + len(live_ids)
    copies = [replace(record, record_id=f"copy-of:{record.record_id}") for record in records]
    for record, check in zip(records, resolver.check_all(copies), strict=True):
        found = {c.record_id for c in check.candidates if not c.record_id.startswith("background:")}
        assert found <= live_ids
        assert (record.record_id in found) == (record.record_id in live_ids)
