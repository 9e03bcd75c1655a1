"""What lets batch re-linking reach a million records without changing its answer: crowded blocking keys are left
out (as the live check skips them), and pairs whose weight cannot reach the threshold are not handed to Splink."""

from __future__ import annotations

import logging
from datetime import date

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker

from parity.identity import relink
from parity.identity.blocking import MAX_BLOCK, without_crowded_keys
from parity.identity.generator import LabelledRecord
from parity.identity.intake import prepare_records
from parity.identity.model import IdentityModel
from parity.identity.model_input import MODEL_ROW_SCHEMA, model_rows_table
from parity.identity.scoring import weight_bound_sql

TODAY = date(2026, 1, 1)


def test_a_key_held_by_more_than_the_cap_is_left_out_of_every_record() -> None:
    crowded, shared = "t|md|1990", "p|md|hmd|SDN"
    keys = [[crowded, f"d|{n}"] for n in range(MAX_BLOCK + 1)] + [[shared, crowded], [shared]]
    rows = MODEL_ROW_SCHEMA.empty_table().select(["record_id", "blocking_keys"])
    rows = pa.table({"record_id": [str(n) for n in range(len(keys))], "blocking_keys": keys}, schema=rows.schema)

    uncrowded = without_crowded_keys(rows)

    kept = uncrowded.rows.column("blocking_keys").to_pylist()
    assert kept[0] == ["d|0"]
    assert kept[-2:] == [[shared], [shared]]
    assert (uncrowded.crowded_keys, uncrowded.pair_bound) == (1, 1)  # one pair, under the shared key
    assert uncrowded.rows.column("record_id").to_pylist() == rows.column("record_id").to_pylist()


def test_the_weight_bound_is_never_below_the_weight_splink_gives(
    model: IdentityModel, labelled_register: list[LabelledRecord]
) -> None:
    rows = model_rows_table(prepare_records([r.record for r in labelled_register], TODAY).usable)
    connection = duckdb.connect()
    linker = Linker(DuckDBAPI(connection).register(rows), model.settings_for_register(rows.num_rows))
    predictions = linker.inference.predict(warning_mode="never")
    # Splink keeps the compared columns and each side's term frequency (tf_<column>_l/_r) with every prediction,
    # under the names the bound reads.
    query = f"SELECT match_weight - ({weight_bound_sql(model)}) FROM {predictions.physical_name}"  # noqa: S608
    excesses = [row[0] for row in connection.execute(query).fetchall()]
    prior = model.prior_weight_for_register(rows.num_rows)
    assert len(excesses) > 5_000
    assert max(excesses) <= prior + 1e-9


def test_relinking_finds_exactly_the_links_splink_scores_above_the_threshold(
    model: IdentityModel, labelled_register: list[LabelledRecord]
) -> None:
    records = [r.record for r in labelled_register]
    rows = without_crowded_keys(model_rows_table(prepare_records(records, TODAY).usable)).rows
    connection = duckdb.connect()
    settings = model.settings_for_register(rows.num_rows)
    linker = Linker(DuckDBAPI(connection).register(rows), settings, log_level=logging.WARNING)
    stock = linker.inference.predict(threshold_match_weight=model.match_weight_threshold, warning_mode="never")
    fingerprinted = {r.record_id for r in records if r.biometric_id}
    expected = {
        (row["record_id_l"], row["record_id_r"]): row["match_weight"]
        for row in stock.as_record_list()
        # Where both records carry fingerprints, the fingerprints decide, not the weight.
        if not {row["record_id_l"], row["record_id_r"]} <= fingerprinted
    }

    result = relink(records, model, today=TODAY, chunks=3)

    found = {
        tuple(sorted((link.left_id, link.right_id))): link.match_weight
        for link in result.links
        if link.decided_by == "match_weight"
    }
    assert found.keys() == {tuple(sorted(pair)) for pair in expected}
    assert all(abs(found[tuple(sorted(pair))] - weight) < 1e-9 for pair, weight in expected.items())
