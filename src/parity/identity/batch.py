"""Batch re-linking of a whole register: Splink scores the blocked pairs on DuckDB, then records are clustered.

Blocking keys held by more than ``blocking.MAX_BLOCK`` records are dropped first, as the live check skips them;
blocked pairs whose cheap upper bound on the match weight cannot reach the threshold are not scored; Splink scores
the rest, in slices of a bounded number of pairs. A million records take about eleven minutes and three gigabytes
on two cores (docs/identity.md, "Batch re-linking" and "Benchmarks").

Clustering is connected components in which two groups are never joined if that would put in one cluster two
different biometric references, a man and a woman, or dates of birth that cannot be one person's
(``clustering.ConstrainedClusters``): single-linkage chaining is how unrelated people end up merged. Links are
taken strongest first, so a conflict is settled in favour of the better evidence.
"""

from __future__ import annotations

import logging
import math
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
from splink import DuckDBAPI, Linker

from parity.identity.blocking import UncrowdedRows, without_crowded_keys
from parity.identity.clustering import ConstrainedClusters
from parity.identity.intake import PreparedRecords, prepare_records
from parity.identity.model import IdentityModel
from parity.identity.model_input import COMPARED_COLUMNS, model_rows_table
from parity.identity.normalise import NormalisedRecord
from parity.identity.port import DecisionBasis
from parity.identity.records import IdentityRecord, RejectedRecord
from parity.identity.scoring import BOUND_MARGIN, frequency_column, frequency_columns, weight_bound_sql

# progress(stage, done, total): stages are "normalise", "score" and "cluster".
ProgressCallback = Callable[[str, int, int], None]

# Pair-key hits per slice when the caller does not choose the number of slices: DuckDB holds one slice's hits at
# once (16 bytes each), so this bounds the memory of scoring whatever the register's size.
_PAIRS_PER_SLICE = 25_000_000
# DuckDB's memory ceiling for scoring; past it, it spills to a temporary directory instead of growing.
_DUCKDB_MEMORY_LIMIT = "3GB"
# Model rows are built this many records at a time: the rows as Python dicts cost ten times the Arrow table.
_ROWS_AT_A_TIME = 100_000
_CLUSTER_PROGRESS_EVERY = 100_000


@dataclass(frozen=True)
class Link:
    left_id: str
    right_id: str
    match_weight: float
    decided_by: DecisionBasis


@dataclass
class RelinkResult:
    """Cluster id for every usable record (rejected records are left out, never merged)."""

    model_version: str
    cluster_of: dict[str, str]
    links: list[Link]
    rejected: list[RejectedRecord]
    issues: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Links not followed because they would have joined records that cannot be one person (see clustering.py).
    refused_links: int = 0


@dataclass(frozen=True)
class ScoredPairs:
    """Pairs at or above the threshold, as record positions (Splink compares positions, see ``positional_rows``)."""

    left: npt.NDArray[np.int64]
    right: npt.NDArray[np.int64]
    match_weight: npt.NDArray[np.float64]


def relink(
    records: Sequence[IdentityRecord],
    model: IdentityModel,
    *,
    today: date | None = None,
    progress: ProgressCallback | None = None,
    chunks: int | None = None,
) -> RelinkResult:
    """Score and cluster all ``records``; Splink scores the register in ``chunks`` slices, reporting each (by
    default as many as keep a slice under ``_PAIRS_PER_SLICE`` blocked pairs)."""
    report = progress or (lambda _stage, _done, _total: None)
    prepared, uncrowded = prepared_rows(records, today, report)
    scored = _score(uncrowded.rows, model, slice_count(uncrowded, chunks), report)
    return clustered(prepared, scored, model, report)


def prepared_rows(
    records: Sequence[IdentityRecord], today: date | None, report: ProgressCallback
) -> tuple[PreparedRecords, UncrowdedRows]:
    """The records screened and normalised, and the usable ones' model rows without their crowded keys."""
    report("normalise", 0, len(records))
    prepared = prepare_records(records, today)
    report("normalise", len(records), len(records))
    return prepared, without_crowded_keys(_model_rows(prepared.usable))


def slice_count(uncrowded: UncrowdedRows, chunks: int | None) -> int:
    return chunks or max(1, math.ceil(uncrowded.pair_bound / _PAIRS_PER_SLICE))


def clustered(
    prepared: PreparedRecords, scored: ScoredPairs, model: IdentityModel, report: ProgressCallback
) -> RelinkResult:
    """Cluster the usable records by the scored pairs and their fingerprints, strongest link first."""
    usable = prepared.usable
    record_ids = [r.record_id for r in usable]
    biometrics = [r.biometric_id for r in usable]
    links = _decided_links(scored, biometrics)
    clusters = ConstrainedClusters(usable)
    blocked = 0
    for done, (left, right, _weight, _basis) in enumerate(links):
        if done % _CLUSTER_PROGRESS_EVERY == 0:
            report("cluster", done, len(links))
        if not clusters.join(left, right):
            blocked += 1
    report("cluster", len(links), len(links))
    return RelinkResult(
        model_version=model.version,
        cluster_of={record_id: record_ids[clusters.root(n)] for n, record_id in enumerate(record_ids)},
        links=[Link(record_ids[left], record_ids[right], weight, basis) for left, right, weight, basis in links],
        rejected=prepared.rejected,
        issues={r.record_id: r.issues for r in usable if r.issues},
        refused_links=blocked,
    )


def _model_rows(usable: list[NormalisedRecord]) -> pa.Table:
    parts = [
        model_rows_table(usable[start : start + _ROWS_AT_A_TIME]) for start in range(0, len(usable), _ROWS_AT_A_TIME)
    ]
    return pa.concat_tables([model_rows_table([]), *parts]).combine_chunks()


def positional_rows(rows: pa.Table) -> pa.Table:
    """The rows with their position as the id Splink sees: its pair tables and joins then carry integers, not
    strings, which at a million records is the difference between fitting in memory and not."""
    column = rows.schema.get_field_index("record_id")
    return rows.set_column(column, "record_id", pa.array(np.arange(rows.num_rows, dtype=np.int64)))


def _score(rows: pa.Table, model: IdentityModel, slices: int, report: ProgressCallback) -> ScoredPairs:
    """Splink's ``predict`` on each of ``slices`` slices of the blocked pairs, keeping pairs at the threshold.

    Pairs are blocked here, by the model's one exploding rule (a shared blocking key), and a pair whose cheap
    upper bound on the match weight (``scoring.weight_bound_sql``) is under the threshold is not handed to
    Splink: it cannot be a link, and most blocked pairs are namesakes born years apart. Splink scores the rest.
    """
    spill = tempfile.mkdtemp(prefix="parity-relink-")
    connection = duckdb.connect(config={"memory_limit": _DUCKDB_MEMORY_LIMIT, "temp_directory": spill})
    try:
        connection.execute("SET preserve_insertion_order = false")
        positional = positional_rows(rows)
        db_api = DuckDBAPI(connection)
        linker = Linker(
            db_api.register(positional, table_name="__parity_rows"),
            model.settings_for_register(rows.num_rows),
            log_level=logging.WARNING,
        )
        _stage_bounding_tables(connection, positional, model)
        floor = model.match_weight_threshold - model.prior_weight_for_register(rows.num_rows) - BOUND_MARGIN
        found: list[dict[str, npt.NDArray[np.generic]]] = []
        for chunk in range(slices):
            report("score", chunk, slices)
            pairs = f"__parity_pairs_{chunk}"
            for statement in _slice_sql(pairs, chunk, slices, model, floor):
                connection.execute(statement)
            linker.table_management.register_blocked_pairs_for_predict(db_api.register(pairs, table_name=pairs))
            predictions = linker.inference.predict(
                threshold_match_weight=model.match_weight_threshold, warning_mode="never"
            )
            # Table names here are generated, not input.
            query = f"SELECT record_id_l, record_id_r, match_weight FROM {predictions.physical_name}"  # noqa: S608
            found.append(connection.execute(query).fetchnumpy())
            predictions.drop_table_from_database_and_remove_from_cache()
            connection.execute(f"DROP TABLE {pairs}")
        report("score", slices, slices)
    finally:
        connection.close()
        shutil.rmtree(spill, ignore_errors=True)
    return ScoredPairs(
        _joined(found, "record_id_l", np.int64),
        _joined(found, "record_id_r", np.int64),
        _joined(found, "match_weight", np.float64),
    )


def _stage_bounding_tables(connection: duckdb.DuckDBPyConnection, positional: pa.Table, model: IdentityModel) -> None:
    """``__parity_keys`` (position, key): the exploded blocking keys; ``__parity_bounded``: the compared columns
    and each record's term frequencies (computed as Splink computes them), by position."""
    connection.register("__parity_positional", positional)
    frequencies = frequency_columns(model)
    joins = " ".join(
        f"LEFT JOIN (SELECT {c}, count(*) / (SELECT count({c}) FROM __parity_positional) AS {frequency_column(c)} "  # noqa: S608
        f"FROM __parity_positional WHERE {c} IS NOT NULL GROUP BY {c}) USING ({c})"
        for c in frequencies
    )
    connection.execute(
        "CREATE TABLE __parity_keys AS "
        "SELECT record_id AS position, unnest(blocking_keys) AS key FROM __parity_positional"
    )
    compared = ", ".join(COMPARED_COLUMNS)
    tf = "".join(f", {frequency_column(c)}" for c in frequencies)
    connection.execute(
        f"CREATE TABLE __parity_bounded AS SELECT record_id AS position, {compared}{tf} "  # noqa: S608
        f"FROM __parity_positional {joins}"
    )
    connection.unregister("__parity_positional")


def _slice_sql(pairs: str, chunk: int, slices: int, model: IdentityModel, floor: float) -> list[str]:
    """Statements leaving in ``pairs`` the blocked pairs of one slice (left record's position modulo ``slices``)
    whose weight bound reaches ``floor``, as Splink's blocked-pair table (match_key, join_key_l, join_key_r).

    A pair sharing several keys is bounded once per key and made distinct after the bound: few pairs pass it, and
    DuckDB bounds a pair in less time than it takes to make it distinct.
    """
    columns = [*COMPARED_COLUMNS, *(frequency_column(c) for c in frequency_columns(model))]
    paired = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in columns)
    # Only generated table names, model-row column names and the model file's own SQL are interpolated.
    return [
        "CREATE OR REPLACE TEMP TABLE __parity_slice AS "  # noqa: S608
        "SELECT l.position AS a, r.position AS b FROM __parity_keys l "
        "JOIN __parity_keys r ON l.key = r.key AND l.position < r.position "
        f"WHERE l.position % {slices} = {chunk}",
        f"CREATE TABLE {pairs} AS SELECT DISTINCT '0' AS match_key, a AS join_key_l, b AS join_key_r FROM ("  # noqa: S608
        f"SELECT p.a, p.b, {paired} FROM __parity_slice p "
        "JOIN __parity_bounded l ON l.position = p.a JOIN __parity_bounded r ON r.position = p.b"
        f") WHERE {weight_bound_sql(model)} >= {floor!r}",
        "DROP TABLE __parity_slice",
    ]


def _joined(parts: list[dict[str, npt.NDArray[np.generic]]], column: str, dtype: type[np.generic]) -> npt.NDArray[Any]:
    return np.concatenate([np.empty(0, dtype), *(np.asarray(part[column], dtype=dtype) for part in parts)])


_DecidedLink = tuple[int, int, float, DecisionBasis]


def _decided_links(scored: ScoredPairs, biometrics: Sequence[str | None]) -> list[_DecidedLink]:
    """Apply the biometric rule to scored pairs, and add pairs the fingerprints join whatever their weight."""
    has_biometric = np.array([bio is not None for bio in biometrics], dtype=bool)
    # Pairs with fingerprints on both sides are decided below, by the fingerprints alone.
    by_weight = ~(has_biometric[scored.left] & has_biometric[scored.right])
    links: list[_DecidedLink] = [
        (int(left), int(right), float(weight), "match_weight")
        for left, right, weight in zip(
            scored.left[by_weight], scored.right[by_weight], scored.match_weight[by_weight], strict=True
        )
    ]
    by_biometric: dict[str, list[int]] = {}
    for position, bio in enumerate(biometrics):
        if bio:
            by_biometric.setdefault(bio, []).append(position)
    for members in by_biometric.values():
        first = members[0]
        links.extend((first, other, math.inf, "biometric") for other in members[1:])
    # Strongest first; ties broken by position so that the clustering does not depend on the order DuckDB returns
    # rows.
    links.sort(key=lambda link: (-link[2], link[0], link[1]))
    return links
