import itertools
import logging
from dataclasses import replace
from datetime import date

import duckdb
import pyarrow as pa
import pytest
from splink import DuckDBAPI, Linker

from parity.identity import IdentityRecord, SplinkIdentityResolver, live
from parity.identity.generator import LabelledRecord, generate_records
from parity.identity.intake import prepare_records
from parity.identity.model import NAME_FREQUENCY_COLUMN, IdentityModel
from parity.identity.model_input import model_rows_table
from parity.identity.scoring import CompiledScorer

TODAY = date(2026, 1, 1)

RETURNEE = IdentityRecord(
    "returned-2025-09", "Hossein", "Rezaei", date(1994, 3, 17), "IRN", "M", "K1234567", "FP-iran-1"
)


@pytest.fixture(scope="module")
def resolver(model: IdentityModel, labelled_register: list[LabelledRecord]) -> SplinkIdentityResolver:
    resolver = SplinkIdentityResolver(model, today=TODAY)
    resolver.add([labelled.record for labelled in labelled_register])
    resolver.add([RETURNEE])
    return resolver


def test_a_recrossing_under_another_spelling_finds_the_returnee_first(resolver: SplinkIdentityResolver) -> None:
    recrossing = IdentityRecord("arrival-2025-10", "Rezai", "Hosein", date(1994, 3, 17), "IRN", "M")
    result = resolver.check(recrossing)
    best = result.candidates[0]
    assert best.record_id == RETURNEE.record_id
    assert best.above_threshold
    assert best.decided_by == "match_weight"
    assert set(best.contributions) == {"name", "dob", "nationality", "sex", "document_number"}
    assert best.contributions["dob"] > 0
    assert result.model_version == resolver.model_version


def test_matching_fingerprints_decide_even_when_every_other_field_differs(resolver: SplinkIdentityResolver) -> None:
    disguised = IdentityRecord("arrival-2", "Dawit", "Tekle", None, "ERI", "M", biometric_id=RETURNEE.biometric_id)
    best = resolver.check(disguised).candidates[0]
    assert best.record_id == RETURNEE.record_id
    assert best.decided_by == "biometric"
    assert best.above_threshold


def test_different_fingerprints_decide_against_an_otherwise_identical_record(resolver: SplinkIdentityResolver) -> None:
    namesake = replace(RETURNEE, record_id="arrival-3", biometric_id="FP-someone-else")
    assert RETURNEE.record_id not in {c.record_id for c in resolver.check(namesake).candidates}
    without_fingerprints = replace(RETURNEE, record_id="arrival-4", biometric_id=None)
    assert resolver.check(without_fingerprints).candidates[0].record_id == RETURNEE.record_id


def test_a_record_with_nothing_to_match_on_is_refused_with_a_reason(resolver: SplinkIdentityResolver) -> None:
    empty = IdentityRecord("arrival-5", " ", "", None, "", "")
    result = resolver.check(empty)
    assert result.candidates == ()
    assert any("too little to match on" in issue for issue in result.issues)


def test_compiled_scorer_gives_splinks_own_match_weights(
    model: IdentityModel, labelled_register: list[LabelledRecord]
) -> None:
    rows = model_rows_table(prepare_records([r.record for r in labelled_register[:300]], TODAY).usable)
    settings = model.settings_for_register(rows.num_rows)
    connection = duckdb.connect()
    db_api = DuckDBAPI(connection)
    linker = Linker(db_api.register(rows), settings, log_level=logging.WARNING)
    frequencies = linker.table_management.compute_tf_table(NAME_FREQUENCY_COLUMN).as_record_list()
    lookup = {row[NAME_FREQUENCY_COLUMN]: row[f"tf_{NAME_FREQUENCY_COLUMN}"] for row in frequencies}
    # A probe whose name occurs more than once, so that the term-frequency adjustment is exercised too.
    names = rows.column(NAME_FREQUENCY_COLUMN).to_pylist()
    probe = next(i for i, name in enumerate(names) if names.count(name) > 1)
    left, right = rows.slice(probe, 1), rows
    splink_weights = {
        row["record_id_r"]: row["match_weight"]
        for row in linker.inference.score_pairs(left.to_pylist(), right.to_pylist()).as_record_list()
    }
    prior_weight = model.prior_weight_for_register(rows.num_rows)
    ours = CompiledScorer(model).score(left, right, prior_weight, {NAME_FREQUENCY_COLUMN: lookup})
    assert len(ours) == len(splink_weights) == rows.num_rows
    for pair in ours:
        assert pair.match_weight == pytest.approx(splink_weights[pair.right_id], abs=1e-9)
    assert max(pair.match_weight for pair in ours) > model.match_weight_threshold


def test_asking_for_a_minimum_weight_drops_only_pairs_under_it(
    model: IdentityModel, labelled_register: list[LabelledRecord]
) -> None:
    # The scorer filters pairs by a cheap bound on their weight before evaluating the costly levels: the pairs it
    # keeps must be exactly those at or above the minimum, or with agreeing fingerprints, with the same weights.
    rows = model_rows_table(prepare_records([r.record for r in labelled_register[:600]], TODAY).usable)
    names = rows.column(NAME_FREQUENCY_COLUMN).to_pylist()
    frequencies = {NAME_FREQUENCY_COLUMN: {name: names.count(name) / len(names) for name in names if name}}
    biometric = dict(zip(rows.column("record_id").to_pylist(), rows.column("biometric_id").to_pylist(), strict=True))
    scorer, prior, left = CompiledScorer(model), model.prior_weight_for_register(rows.num_rows), rows.slice(0, 40)
    every = scorer.score(left, rows, prior, frequencies)
    for minimum in (-5.0, 0.0, model.match_weight_threshold):
        found = {
            (p.left_id, p.right_id): p.match_weight
            for p in scorer.score(left, rows, prior, frequencies, minimum_weight=minimum)
        }
        expected = {(p.left_id, p.right_id): p.match_weight for p in every if p.match_weight >= minimum}
        assert {key: found[key] for key in expected} == expected
        assert all(biometric[a] is not None and biometric[a] == biometric[b] for a, b in found.keys() - expected.keys())
        assert 0 < len(expected) < len(every)


def test_scorer_refuses_a_model_with_untrained_levels(model: IdentityModel) -> None:
    settings = {**model.splink_settings, "comparisons": [dict(c) for c in model.splink_settings["comparisons"]]}
    first = settings["comparisons"][0]
    first["comparison_levels"] = [
        {k: v for k, v in lvl.items() if k != "m_probability"} for lvl in first["comparison_levels"]
    ]
    with pytest.raises(ValueError, match="untrained"):
        CompiledScorer(IdentityModel(settings, model.match_weight_threshold, model.reference_register_size))


def test_empty_register_finds_nothing(model: IdentityModel) -> None:
    assert SplinkIdentityResolver(model, today=TODAY).check(RETURNEE).candidates == ()


def test_records_added_one_at_a_time_are_found(model: IdentityModel) -> None:
    resolver = SplinkIdentityResolver(model, today=TODAY)
    resolver.add([RETURNEE])
    resolver.add([replace(RETURNEE, record_id="other", given_names="Ali", family_name="Karimi", biometric_id=None)])
    assert resolver.register_size == 2
    found = resolver.check(replace(RETURNEE, record_id="probe", biometric_id=None)).candidates
    assert found[0].record_id == RETURNEE.record_id
    assert pa.array([c.match_weight for c in found]).type == pa.float64()


def test_checking_records_together_gives_each_the_result_of_checking_it_alone(model: IdentityModel) -> None:
    register = generate_records(600, seed=13)
    resolver = SplinkIdentityResolver(model, today=TODAY)
    resolver.add([labelled.record for labelled in register[:500]])
    later = [labelled.record for labelled in register[500:]]
    together = resolver.check_all([*later, IdentityRecord("empty", "", "", None, "", "")])
    assert together[:-1] == [resolver.check(record) for record in later]
    assert sum(len(check.flagged) for check in together) > 10  # later records of people already in the register
    assert together[-1].candidates == ()
    assert "too little to match on" in together[-1].issues[-1]


def test_people_checked_together_then_added_get_what_each_checked_alone_gets(
    model: IdentityModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As intake and expressions of interest use the register: a boat or a family is checked together, then added,
    # and the next group meets it. Each record must get exactly what checking it alone gets (same candidates,
    # same weights and contributions, to the last bit) from a register built without checks in between, whose
    # keys are hashed as they are added rather than reused from the check. Small groups spread the register's rows
    # over several tables and a small threshold merges its keys often, so that a group's candidates come from
    # several tables in any order.
    monkeypatch.setattr(live, "_MERGE_PENDING_AT", 400)
    records = [labelled.record for labelled in generate_records(1_000, seed=17)]
    together, alone = SplinkIdentityResolver(model, today=TODAY), SplinkIdentityResolver(model, today=TODAY)
    for start in range(0, 400, 100):
        together.add(records[start : start + 100])
        alone.add(records[start : start + 100])
    sizes = itertools.cycle([1, 4, 2, 6, 3, 5])
    start, flagged, groups = 400, 0, 0
    while start < len(records):
        group = records[start : start + next(sizes)]
        start += len(group)
        checks = together.check_all(group)
        assert checks == [alone.check(record) for record in group]
        flagged += sum(len(check.flagged) for check in checks)
        together.add(group)
        alone.add(group)
        groups += 1
        if groups % 40 == 0:  # anonymised under retention
            gone = [record.record_id for record in records[start - 300 : start : 7]]
            together.remove(gone)
            alone.remove(gone)
    assert flagged > 50
