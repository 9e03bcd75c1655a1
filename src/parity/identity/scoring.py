"""Scoring a small slice of candidate pairs with a trained model's match weights, outside Splink.

Splink's ``score_pairs`` rebuilds and re-plans its SQL pipeline on every call (about 60 ms here), too slow for a
live check. This module compiles the model's own comparison levels (their SQL conditions, m and u probabilities
and term-frequency adjustments, read from the model file) into one DuckDB query once, and runs it on each probe
and its candidates. The weights are the ones Splink computes for the same pair; a test holds the two to equality.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from parity.identity.model import IdentityModel
from parity.identity.model_input import MODEL_ROW_SCHEMA

_COMPARED_COLUMNS = [name for name in MODEL_ROW_SCHEMA.names if name not in {"record_id", "blocking_keys"}]
# The model-row columns a scored table must have.
SCORED_COLUMNS = ["record_id", *_COMPARED_COLUMNS]

# Term frequencies by column, then by value: the share of register records holding that value.
TermFrequencies = Mapping[str, Mapping[str, float]]


@dataclass(frozen=True)
class ScoredPair:
    left_id: str
    right_id: str
    match_weight: float
    match_probability: float
    # Each comparison's contribution (log2 Bayes factor) to the match weight, and the level it fell in.
    contributions: dict[str, float]
    levels: dict[str, str]


@dataclass(frozen=True)
class _Level:
    label: str
    weight: float
    # (column, weight, log2 of the u probability of exact agreement on that column) for term-frequency levels.
    frequency_adjustment: tuple[str, float, float] | None


def _case(levels: list[dict[str, Any]], value_of_position: list[str]) -> str:
    branches = []
    for level, value in zip(levels, value_of_position, strict=True):
        condition = level["sql_condition"]
        branches.append(f"ELSE {value}" if condition.strip().upper() == "ELSE" else f"WHEN {condition} THEN {value}")
    return "CASE " + " ".join(branches) + " END"


def _exact_agreement_u(levels: list[dict[str, Any]], column: str) -> float:
    """The u probability Splink's term-frequency adjustment is relative to: that of exact agreement on ``column``."""
    for level in levels:
        if level["sql_condition"].replace(" ", "") == f"{column}_l={column}_r":
            return float(level["u_probability"])
    raise ValueError(f"term-frequency column {column} has no exact-agreement level")


def _levels_of(model: IdentityModel, comparison: dict[str, Any]) -> list[_Level]:
    levels = comparison["comparison_levels"]
    compiled = []
    for level in levels:
        if level.get("is_null_level"):
            compiled.append(_Level(level["label_for_charts"], 0.0, None))
            continue
        if "m_probability" not in level or "u_probability" not in level:
            raise ValueError(f"model {model.version}: level {level['label_for_charts']!r} is untrained")
        adjustment = None
        column = level.get("tf_adjustment_column")
        if column and level["sql_condition"].strip().upper() != "ELSE":
            exact_u = _exact_agreement_u(levels, column)
            adjustment = (column, float(level.get("tf_adjustment_weight", 1.0)), math.log2(exact_u))
        weight = math.log2(level["m_probability"] / level["u_probability"])
        compiled.append(_Level(level["label_for_charts"], weight, adjustment))
    return compiled


class CompiledScorer:
    """Scores left x right pairs of model rows (see ``model_input``) with one model.

    DuckDB evaluates the model's level conditions (its SQL is the model's own); the weights of the chosen levels,
    the term-frequency adjustment and the sum are computed with NumPy, which costs less than asking DuckDB to
    plan a larger query on every check.
    """

    def __init__(self, model: IdentityModel, connection: duckdb.DuckDBPyConnection | None = None) -> None:
        self.model_version = model.version
        self._connection = connection or duckdb.connect()
        # For each comparison, its levels indexed by the position the SQL reports.
        self._levels: dict[str, list[_Level]] = {}
        level_columns = []
        for comparison in model.splink_settings["comparisons"]:
            name = comparison["output_column_name"]
            self._levels[name] = _levels_of(model, comparison)
            positions = [str(position) for position in range(len(self._levels[name]))]
            level_columns.append(_case(comparison["comparison_levels"], positions) + f" AS level_{name}")
        self._weights = {name: np.array([lvl.weight for lvl in levels]) for name, levels in self._levels.items()}
        self.frequency_columns = sorted(
            {
                lvl.frequency_adjustment[0]
                for levels in self._levels.values()
                for lvl in levels
                if lvl.frequency_adjustment
            }
        )
        paired_columns = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in _COMPARED_COLUMNS)
        frequency_values = [f"{c}_l AS value_l_{c}, {c}_r AS value_r_{c}" for c in self.frequency_columns]
        selected = ["record_id_l", "record_id_r", "biometric_id_l = biometric_id_r AS same_biometric"]
        # Only column names from the model row schema and SQL conditions from the model file are interpolated.
        sql = (
            f"SELECT {', '.join([*selected, *level_columns, *frequency_values])} "  # noqa: S608
            f"FROM (SELECT l.record_id AS record_id_l, r.record_id AS record_id_r, {paired_columns} "
            "FROM __parity_left l {join} __parity_right r)"
        )
        self._sql = sql.format(join="CROSS JOIN")
        # Row i of the left table against row i of the right: many probes, each with its own candidates.
        self._aligned_sql = sql.format(join="POSITIONAL JOIN")

    def score(
        self,
        left: pa.Table,
        right: pa.Table,
        prior_weight: float,
        term_frequencies: TermFrequencies,
        minimum_weight: float = -math.inf,
    ) -> list[ScoredPair]:
        """Left x right pairs scoring at least ``minimum_weight``, and any whose biometric references agree
        (the fingerprints decide those, whatever the weight). Prior and term frequencies are the register's."""
        return self._score(self._sql, left, right, prior_weight, term_frequencies, minimum_weight)

    def score_aligned(
        self,
        left: pa.Table,
        right: pa.Table,
        prior_weight: float,
        term_frequencies: TermFrequencies,
        minimum_weight: float = -math.inf,
    ) -> list[ScoredPair]:
        """As ``score``, for the pairs (row i of ``left``, row i of ``right``) only; the tables are as long."""
        if left.num_rows != right.num_rows:
            raise ValueError(f"aligned tables differ in length: {left.num_rows} and {right.num_rows} rows")
        return self._score(self._aligned_sql, left, right, prior_weight, term_frequencies, minimum_weight)

    def _score(  # noqa: PLR0917 (the public methods' arguments, passed through)
        self,
        sql: str,
        left: pa.Table,
        right: pa.Table,
        prior_weight: float,
        term_frequencies: TermFrequencies,
        minimum_weight: float,
    ) -> list[ScoredPair]:
        if left.num_rows == 0 or right.num_rows == 0:
            return []
        connection = self._connection
        connection.register("__parity_left", left)
        connection.register("__parity_right", right)
        try:
            result = connection.execute(sql).fetchnumpy()
        finally:
            connection.unregister("__parity_left")
            connection.unregister("__parity_right")
        contributions = {
            name: self._contributions(
                name, np.asarray(result[f"level_{name}"], dtype=np.int64), result, term_frequencies
            )
            for name in self._levels
        }
        totals = prior_weight + np.sum(list(contributions.values()), axis=0)
        same_biometric = np.asarray(result["same_biometric"], dtype=object) == True  # noqa: E712 - NULL is not True
        kept = np.flatnonzero((totals >= minimum_weight) | same_biometric)
        return [
            ScoredPair(
                left_id=str(result["record_id_l"][i]),
                right_id=str(result["record_id_r"][i]),
                match_weight=float(totals[i]),
                match_probability=_probability(float(totals[i])),
                contributions={name: float(values[i]) for name, values in contributions.items()},
                levels={name: self._levels[name][int(result[f"level_{name}"][i])].label for name in self._levels},
            )
            for i in kept
        ]

    def _contributions(
        self,
        name: str,
        positions: npt.NDArray[np.int64],
        result: dict[str, Any],
        term_frequencies: TermFrequencies,
    ) -> npt.NDArray[np.float64]:
        weights = self._weights[name][positions]
        for index, level in enumerate(self._levels[name]):
            if level.frequency_adjustment is None:
                continue
            rows = np.flatnonzero(positions == index)
            if len(rows) == 0:
                continue
            column, adjustment_weight, log2_exact_u = level.frequency_adjustment
            lookup = term_frequencies.get(column, {})
            for row in rows:
                values = (result[f"value_l_{column}"][row], result[f"value_r_{column}"][row])
                known = [tf for value in values if value is not None and (tf := lookup.get(value)) is not None]
                # Splink: weight x (log2 u_exact - log2 max(tf_l, tf_r)); nothing when neither is known.
                if known:
                    weights[row] += adjustment_weight * (log2_exact_u - math.log2(max(known)))
        return weights


def _probability(match_weight: float) -> float:
    # 2^w / (1 + 2^w), written to stay finite for large weights of either sign.
    if match_weight >= 0:
        return float(1 / (1 + 2.0 ** (-match_weight)))
    odds = float(2.0**match_weight)
    return odds / (1 + odds)
