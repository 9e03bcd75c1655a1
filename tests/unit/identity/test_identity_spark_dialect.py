"""The Spark form of the model's DuckDB SQL (tests/integration/identity/test_identity_spark.py runs it on Spark)."""

import subprocess
import sys

from parity.identity.model import IdentityModel
from parity.identity.spark import spark_condition, spark_settings_for_register


def test_list_functions_become_spark_functions_and_string_functions_stay() -> None:
    assert (
        spark_condition("len(list_intersect(list_distinct(skeletons_l), list_distinct(skeletons_r))) >= 2")
        == "ARRAY_SIZE(ARRAY_INTERSECT(ARRAY_DISTINCT(skeletons_l), ARRAY_DISTINCT(skeletons_r))) >= 2"
    )
    assert spark_condition("least(len(skeletons_l), len(skeletons_r)) >= 2") == (
        "LEAST(ARRAY_SIZE(skeletons_l), ARRAY_SIZE(skeletons_r)) >= 2"
    )
    # A string's length is Spark's LENGTH too.
    assert spark_condition("abs(len(name_sorted_l) - length(name_sorted_r)) <= 1") == (
        "ABS(LENGTH(name_sorted_l) - LENGTH(name_sorted_r)) <= 1"
    )
    assert spark_condition('l."blocking_keys" = r."blocking_keys"') == "l.`blocking_keys` = r.`blocking_keys`"


def test_a_list_slice_keeps_duckdbs_bounds() -> None:
    assert spark_condition("list_slice(skeletons_l, len(skeletons_l) - 1, 2) = skeletons_r") == (
        "FILTER(skeletons_l, (element, position) -> "
        "position + 1 >= CASE WHEN ARRAY_SIZE(skeletons_l) - 1 < 0 "
        "THEN ARRAY_SIZE(skeletons_l) - 1 + SIZE(skeletons_l) + 1 ELSE ARRAY_SIZE(skeletons_l) - 1 END "
        "AND position + 1 <= CASE WHEN 2 < 0 THEN 2 + SIZE(skeletons_l) + 1 ELSE 2 END) = skeletons_r"
    )


def test_the_spark_settings_differ_from_the_model_only_in_their_sql() -> None:
    model = IdentityModel.bundled_default()
    duckdb_settings = model.settings_for_register(500)
    spark_settings = spark_settings_for_register(model, 500)

    def without_sql(settings: dict) -> dict:
        return {
            **{key: value for key, value in settings.items() if key not in {"sql_dialect", "comparisons"}},
            "blocking_rules_to_generate_predictions": [
                {**rule, "blocking_rule": None, "sql_dialect": None}
                for rule in settings["blocking_rules_to_generate_predictions"]
            ],
            "comparisons": [
                [{**level, "sql_condition": None} for level in comparison["comparison_levels"]]
                for comparison in settings["comparisons"]
            ],
        }

    assert spark_settings["sql_dialect"] == "spark"
    assert without_sql(spark_settings) == without_sql(duckdb_settings)
    assert model.settings_for_register(500) == duckdb_settings  # the model's own settings are left as they were
    conditions = " ".join(
        level["sql_condition"]
        for comparison in spark_settings["comparisons"]
        for level in comparison["comparison_levels"]
    )
    assert "LIST_" not in conditions.upper()


def test_the_package_imports_without_pyspark() -> None:
    # A fresh process: this one may have imported pyspark already. None in sys.modules makes its import fail.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.modules['pyspark'] = None; "
            "import parity.identity.spark, parity.identity.batch, parity.identity.live; print('ok')",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "ok", result.stderr
