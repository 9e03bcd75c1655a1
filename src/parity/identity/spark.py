"""Batch re-linking on Spark, for registers beyond one machine: the same model, pairs, weights and clusters.

The model file's comparison SQL is DuckDB SQL. ``spark_settings_for_register`` translates it to Spark SQL each time
it is needed, from the one model file: there is no second model to train, version or keep in step. Decisions made
on Spark therefore store the model file's own version (``IdentityModel.version``): the Spark settings are a
deterministic function of that file, and the weights they give are held equal to DuckDB's by
tests/integration/identity/test_identity_spark.py.

Splink scores every blocked pair on Spark, in slices (``predict_chunk``), and the links above the threshold (a few
per record) come back to the driver, which clusters them exactly as ``batch.relink`` does. The weight-bound pruning
of DuckDB re-linking (``batch._score``) is not on this path: it works on a DuckDB table of pairs.

pyspark is an optional dependency (the ``spark`` extra): this module imports it only inside its functions, so the
rest of the package never needs it.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import sqlglot
from splink import Linker
from sqlglot import exp

from parity.identity.batch import (
    ProgressCallback,
    RelinkResult,
    ScoredPairs,
    clustered,
    positional_rows,
    prepared_rows,
    slice_count,
)
from parity.identity.model import IdentityModel
from parity.identity.model_input import MODEL_ROW_SCHEMA
from parity.identity.records import IdentityRecord

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# Model-row columns holding lists (a comparison reads them as <column>_l and <column>_r).
_LIST_COLUMNS = frozenset(field.name for field in MODEL_ROW_SCHEMA if pa.types.is_list(field.type))

# sqlglot translates most of DuckDB's SQL to Spark's, but passes these DuckDB list functions through unchanged, and
# Spark SQL has none of them. Each becomes Spark SQL with DuckDB's meaning, over its arguments ({0}, {1}, ...).
# ``list_slice(list, begin, end)`` is 1-based and inclusive, a negative bound counting from the end and a begin below
# 1 meaning the first element; Spark's ``slice`` fails on a start of 0, which the model's suffix test reaches
# whenever the other name has one part more, so the slice is written as a filter on positions. (A NULL list gives
# NULL either way, whatever ``size`` makes of it.) sqlglot's own ``list_distinct`` -> ``array_distinct`` differs only
# for NULL elements (DuckDB drops them), which model rows' lists never hold.
_SPARK_FORM_OF_LIST_FUNCTION = {
    "list_slice": (
        "filter({0}, (element, position) -> "
        "position + 1 >= CASE WHEN {1} < 0 THEN {1} + size({0}) + 1 ELSE {1} END "
        "AND position + 1 <= CASE WHEN {2} < 0 THEN {2} + size({0}) + 1 ELSE {2} END)"
    ),
    # Both give each common element once.
    "list_intersect": "array_intersect({0}, {1})",
}
# DuckDB's ``len`` of a list (sqlglot's ``Length``, as for a string) counts its elements and is NULL for a NULL
# list; Spark's ``length`` takes only strings, and its ``size`` is -1 for a NULL list outside ANSI mode, which
# ``least`` would then pick over the other side's count. Spark's ``array_size`` is NULL there, as DuckDB's ``len``.
_SPARK_LIST_LENGTH = "array_size"

_SPARK_APP_NAME = "parity-identity-relink"


def spark_condition(duckdb_sql: str) -> str:
    """A comparison level's or blocking rule's DuckDB SQL condition as Spark SQL with the same meaning."""
    tree = sqlglot.parse_one(duckdb_sql, read="duckdb")
    list_lengths = {id(node) for node in tree.find_all(exp.Length) if _is_list(node.this)}
    # Descendants before their ancestors, so that each rewrite is built from arguments already in Spark SQL.
    for node in reversed(list(tree.dfs())):
        rewritten = _spark_form(node, list_lengths)
        if rewritten is None:
            continue
        if node is tree:
            tree = rewritten
        else:
            node.replace(rewritten)
    return tree.sql(dialect="spark")


def _is_list(node: exp.Expr) -> bool:
    """Whether a DuckDB expression of the model's SQL is a list: a list column, or a list function's result."""
    if isinstance(node, exp.Column):
        return node.name.removesuffix("_l").removesuffix("_r") in _LIST_COLUMNS
    if isinstance(node, exp.Anonymous):
        return node.name.lower() in _SPARK_FORM_OF_LIST_FUNCTION
    return isinstance(node, exp.ArrayDistinct)


def _spark_form(node: exp.Expr, list_lengths: set[int]) -> exp.Expr | None:
    if isinstance(node, exp.Length) and id(node) in list_lengths:
        # Kept as an anonymous function: sqlglot would write its own ``ArraySize`` as Spark's ``size``.
        return exp.Anonymous(this=_SPARK_LIST_LENGTH, expressions=[node.this])
    template = _SPARK_FORM_OF_LIST_FUNCTION.get(node.name.lower()) if isinstance(node, exp.Anonymous) else None
    if template is None:
        return None
    # The template is parsed with placeholders that are then replaced by the arguments themselves (already in
    # Spark form): printed and parsed again, an ``array_size`` argument would come back as ``size``.
    placeholders = [f"__parity_argument_{n}" for n in range(len(node.expressions))]
    rewritten = sqlglot.parse_one(template.format(*placeholders), read="spark")
    for column in list(rewritten.find_all(exp.Column)):
        if column.name in placeholders:
            column.replace(node.expressions[placeholders.index(column.name)].copy())
    return rewritten


def spark_settings_for_register(model: IdentityModel, register_size: int) -> dict[str, Any]:
    """``model.settings_for_register`` in Spark SQL: the same levels, m and u probabilities and prior, with every
    condition translated by ``spark_condition``. The threshold stays the model's (``model.match_weight_threshold``),
    and so does the version a decision records (``model.version``): see the module's docstring."""
    settings = copy.deepcopy(model.settings_for_register(register_size))
    settings["sql_dialect"] = "spark"
    for rule in settings["blocking_rules_to_generate_predictions"]:
        rule["blocking_rule"] = spark_condition(rule["blocking_rule"])
        rule["sql_dialect"] = "spark"
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level["sql_condition"] != "ELSE":
                level["sql_condition"] = spark_condition(level["sql_condition"])
    return settings


def local_spark_session(cores: int = 2) -> SparkSession:
    """A Spark session on this machine with Splink's UDF jar (``damerau_levenshtein``), without the web UI, and with
    as many shuffle partitions as cores: the default 200 would make a small register's run mostly scheduling."""
    from pyspark.sql import SparkSession
    from splink.internals.spark.jar_location import similarity_jar_location

    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(_SPARK_APP_NAME)
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(cores))
        .getOrCreate()
    )


def relink_on_spark(
    records: Sequence[IdentityRecord],
    model: IdentityModel,
    spark_session: SparkSession,
    *,
    today: date | None = None,
    progress: ProgressCallback | None = None,
    chunks: int | None = None,
) -> RelinkResult:
    """``batch.relink`` with Splink scoring on Spark: the same screening, blocking keys, threshold and clustering.

    ``spark_session`` must have Splink's UDF jar (``local_spark_session`` shows how). Splink scores the register in
    ``chunks`` slices of the left-hand records, reporting each (by default as many as ``relink`` uses).
    """
    from splink import SparkAPI

    report = progress or (lambda _stage, _done, _total: None)
    prepared, uncrowded = prepared_rows(records, today, report)
    rows = uncrowded.rows
    # Splink's default writes its intermediate tables as Parquet under the session's checkpoint directory, which a
    # session need not have; persisted, they stay in the executors' memory and disk until the session ends.
    db_api = SparkAPI(spark_session=spark_session, break_lineage_method="persist")  # type: ignore[no-untyped-call]
    # Registered under a name Splink makes up: a second re-linking on the same session must not meet the first's.
    linker = Linker(
        db_api.register(positional_rows(rows)),
        spark_settings_for_register(model, rows.num_rows),
        log_level=logging.WARNING,
    )
    slices = slice_count(uncrowded, chunks)
    found: list[pa.Table] = []
    for chunk in range(1, slices + 1):
        report("score", chunk - 1, slices)
        predictions = linker.inference.predict_chunk(
            left_chunk=(chunk, slices),
            threshold_match_weight=model.match_weight_threshold,
            warning_mode="never",
        )
        found.append(predictions.as_spark_dataframe().select("record_id_l", "record_id_r", "match_weight").toArrow())
        predictions.drop_table_from_database_and_remove_from_cache()
    report("score", slices, slices)
    scored = pa.concat_tables(found)
    return clustered(
        prepared,
        ScoredPairs(
            np.asarray(scored.column("record_id_l"), dtype=np.int64),
            np.asarray(scored.column("record_id_r"), dtype=np.int64),
            np.asarray(scored.column("match_weight"), dtype=np.float64),
        ),
        model,
        report,
    )
