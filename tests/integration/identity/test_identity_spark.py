"""Re-linking on a local Spark session gives DuckDB's links, weights and clusters.

Spark needs Java. Where it is missing these tests are skipped, except where PARITY_REQUIRE_SPARK=1 (CI), where
that fails the run.
"""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
import pytest
from splink import SparkAPI
from typer.testing import CliRunner

from parity.cli import app
from parity.identity import IdentityRecord, RelinkResult, relink
from parity.identity.generator import LabelledRecord
from parity.identity.intake import prepare_records
from parity.identity.model import IdentityModel
from parity.identity.model_input import model_rows_table
from parity.identity.spark import local_spark_session, relink_on_spark, spark_settings_for_register

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

TODAY = date(2026, 1, 1)
RECORDS = 500


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        message = "Java not found (install Debian's default-jre-headless package)"
        if os.environ.get("PARITY_REQUIRE_SPARK") == "1":
            pytest.fail(message)
        pytest.skip(message)
    session = local_spark_session(cores=1)
    yield session
    session.stop()


def _links(result: RelinkResult) -> dict[tuple[str, str, str], float]:
    return {(link.left_id, link.right_id, link.decided_by): link.match_weight for link in result.links}


def test_relinking_on_spark_gives_the_links_weights_and_clusters_of_duckdb(
    spark: SparkSession, model: IdentityModel, labelled_register: list[LabelledRecord]
) -> None:
    records = [labelled.record for labelled in labelled_register[:RECORDS]]
    seen: list[tuple[str, int, int]] = []

    on_spark = relink_on_spark(records, model, spark, today=TODAY, chunks=2, progress=lambda *a: seen.append(a))
    on_duckdb = relink(records, model, today=TODAY)

    assert on_spark.cluster_of == on_duckdb.cluster_of
    spark_links, duckdb_links = _links(on_spark), _links(on_duckdb)
    assert spark_links.keys() == duckdb_links.keys()
    assert sum(basis == "match_weight" for _, _, basis in duckdb_links) >= 60
    # Links the fingerprints decide weigh infinity on both.
    assert all(
        math.isclose(spark_links[link], weight, rel_tol=0, abs_tol=1e-9) for link, weight in duckdb_links.items()
    )
    assert (on_spark.model_version, on_spark.refused_links) == (model.version, on_duckdb.refused_links)
    assert [s for s in seen if s[0] == "score"] == [("score", 0, 2), ("score", 1, 2), ("score", 2, 2)]


# Names whose parts are left out, reordered, misspelt or shared; dates exact, placeholder, swapped or missing: each
# level of the model is taken by at least one pair of them.
HAND_MADE = [
    IdentityRecord("a", "Yonas Tesfay", "Gebremedhin", date(1990, 5, 7), "ERI", "M", "P1234567"),
    IdentityRecord("b", "Yonas", "Tesfay", date(1990, 7, 5), "ERI", "M", "P1234576"),
    IdentityRecord("c", "Tesfay", "Gebremedhin", date(1990, 1, 1), "ERI", "M"),
    IdentityRecord("d", "Yonas Tesfay Gebremedhin", "Haile", date(1991, 1, 1), "ETH", "M"),
    IdentityRecord("e", "Younas", "Tesfai", None, "", "", "P1234567"),
    IdentityRecord("f", "Thi Lan", "Nguyen", date(2001, 3, 4), "VNM", "F"),
    IdentityRecord("g", "Lan", "Nguyen Thi", date(2001, 4, 3), "VNM", "F"),
    IdentityRecord("h", "", "", None, "", "", "D-1"),
    IdentityRecord("i", "Tesfay", "Gebremedhin", date(1990, 1, 1), "ERI", "M"),
    IdentityRecord("j", "Thi Lan", "Nguyen", date(2001, 3, 4), "VNM", "F"),
]


def _pairs() -> pa.Table:
    rows = model_rows_table(prepare_records(HAND_MADE, TODAY).usable).to_pylist()
    pairs: list[dict[str, Any]] = []
    for number, (left, right) in enumerate((left, right) for left in rows for right in rows if left is not right):
        pair: dict[str, Any] = {"pair": number}
        pair.update({f"{column}_l": value for column, value in left.items()})
        pair.update({f"{column}_r": value for column, value in right.items()})
        pairs.append(pair)
    # DuckDB's and Spark's list functions differ most on a NULL list, which model rows never hold.
    pairs[0] = {**pairs[0], "skeletons_l": None}
    return pa.Table.from_pylist(pairs)


def test_each_translated_condition_decides_every_hand_made_pair_as_duckdb_does(
    spark: SparkSession, model: IdentityModel
) -> None:
    SparkAPI(spark_session=spark)  # registers Splink's UDFs (damerau_levenshtein) on the session
    pairs = _pairs()
    spark.createDataFrame(pairs).createOrReplaceTempView("hand_made_pairs")
    connection = duckdb.connect()
    connection.register("hand_made_pairs", pairs)
    translated = spark_settings_for_register(model, RECORDS)
    checked = 0
    for comparison, spark_comparison in zip(
        model.splink_settings["comparisons"], translated["comparisons"], strict=True
    ):
        for level, spark_level in zip(
            comparison["comparison_levels"], spark_comparison["comparison_levels"], strict=True
        ):
            if level["sql_condition"] == "ELSE":
                continue
            # Splink takes a level where its condition is true: NULL and false alike pass on to the next level (and
            # the UDF damerau_levenshtein gives a number for a NULL string, where DuckDB's gives NULL). Conditions
            # come from the model file, not from input.
            query = "SELECT coalesce(({}), false) FROM hand_made_pairs ORDER BY pair"
            on_duckdb = [row[0] for row in connection.execute(query.format(level["sql_condition"])).fetchall()]
            on_spark = [row[0] for row in spark.sql(query.format(spark_level["sql_condition"])).collect()]
            assert any(on_duckdb), f"no hand-made pair is at level {level['label_for_charts']!r}"
            assert on_spark == on_duckdb, level["label_for_charts"]
            checked += 1
    assert checked == sum(len(c["comparison_levels"]) - 1 for c in model.splink_settings["comparisons"])


def test_the_relink_command_on_spark_writes_the_clusters_duckdb_gives(
    spark: SparkSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The command's session is this module's (Spark has one per process), which later tests still need.
    monkeypatch.setattr(spark, "stop", lambda: None)
    register, runner = tmp_path / "register.csv", CliRunner()
    generated = runner.invoke(app, ["identity", "generate", str(register), "--records", "300", "--seed", "5"])
    assert generated.exit_code == 0, generated.output
    written = {}
    for backend in ("duckdb", "spark"):
        clusters = tmp_path / f"{backend}.csv"
        relinked = runner.invoke(app, ["identity", "relink", str(register), str(clusters), "--backend", backend])
        assert relinked.exit_code == 0, relinked.output
        written[backend] = clusters.read_text(encoding="utf-8")
    assert written["spark"] == written["duckdb"]
    assert written["spark"].count("\n") == 301
