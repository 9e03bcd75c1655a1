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

from parity.identity.calibration import probability_from_weight
from parity.identity.model import IdentityModel
from parity.identity.model_input import COMPARED_COLUMNS

# The model-row columns a scored table must have.
SCORED_COLUMNS = ["record_id", *COMPARED_COLUMNS]

# Room left under a weight bound for rounding: a pair within it of the minimum is scored, not filtered out.
BOUND_MARGIN = 1e-6
# Pairs from which the scorer filters by the weight bound first: under this, planning the larger query costs more
# than the costly levels it saves (measured on the live check at 100,000 and 1,000,000 records).
BOUND_FROM_PAIRS = 500
# Term frequencies by column, then by value: the share of register records holding that value.
TermFrequencies = Mapping[str, Mapping[str, float]]


@dataclass(frozen=True)
class ScoredPair:
    left_id: str
    right_id: str
    match_weight: float
    # 2^w / (1 + 2^w): uncalibrated; the live check shows the model file's calibrated probability instead.
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


def frequency_columns(model: IdentityModel) -> list[str]:
    """The columns whose term frequencies adjust the model's weights."""
    return sorted(
        {
            level.frequency_adjustment[0]
            for comparison in model.splink_settings["comparisons"]
            for level in _levels_of(model, comparison)
            if level.frequency_adjustment
        }
    )


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
        self.frequency_columns = frequency_columns(model)
        frequency_values = [f"{c}_l AS value_l_{c}, {c}_r AS value_r_{c}" for c in self.frequency_columns]
        selected = ["record_id_l", "record_id_r", "biometric_id_l = biometric_id_r AS same_biometric"]

        def query(bound: bool) -> str:
            # With ``bound``, pairs whose weight cannot reach the minimum asked for are filtered out by a cheap
            # bound (which reads each record's term frequencies) before the costly levels are evaluated: DuckDB
            # computes the selected columns only for the rows the filter keeps.
            where = f" WHERE ({weight_bound_sql(model)}) >= $floor OR biometric_id_l = biometric_id_r" if bound else ""
            # Only column names from the model row schema and SQL from the model file are interpolated.
            return f"SELECT {', '.join([*selected, *level_columns, *frequency_values])} FROM __parity_pairs{where}"  # noqa: S608

        # Parsed once: parsing the query cost a third of scoring a boat's candidates. Each run still binds it to
        # the pairs registered for that run.
        self._statements = {bound: self._connection.extract_statements(query(bound))[0] for bound in (False, True)}

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
        pairs = np.arange(left.num_rows * right.num_rows)
        return self._score(
            left.take(pairs // max(right.num_rows, 1)),
            right.take(pairs % max(right.num_rows, 1)),
            prior_weight,
            term_frequencies,
            minimum_weight,
        )

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
        return self._score(left, right, prior_weight, term_frequencies, minimum_weight)

    def _score(
        self,
        left: pa.Table,
        right: pa.Table,
        prior_weight: float,
        term_frequencies: TermFrequencies,
        minimum_weight: float,
    ) -> list[ScoredPair]:
        """Row i of ``left`` against row i of ``right``."""
        if left.num_rows == 0:
            return []
        connection = self._connection
        bound = minimum_weight > -math.inf and left.num_rows >= BOUND_FROM_PAIRS
        if bound:
            left, right = (
                self._with_frequencies(left, term_frequencies),
                self._with_frequencies(right, term_frequencies),
            )
        paired = ["record_id", *COMPARED_COLUMNS, *(frequency_column(c) for c in self.frequency_columns if bound)]
        # One table of pairs, each column twice (``<column>_l``, ``<column>_r``, as the model's SQL names them):
        # the columns are the input's own, not copies.
        pairs = pa.table(
            {f"{c}{side}": table.column(c) for side, table in (("_l", left), ("_r", right)) for c in paired}
        )
        connection.register("__parity_pairs", pairs)
        try:
            floor = {"floor": minimum_weight - prior_weight - BOUND_MARGIN} if bound else None
            result = connection.execute(self._statements[bound], floor).fetchnumpy()
        finally:
            connection.unregister("__parity_pairs")
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
                match_probability=probability_from_weight(float(totals[i])),
                contributions={name: float(values[i]) for name, values in contributions.items()},
                levels={name: self._levels[name][int(result[f"level_{name}"][i])].label for name in self._levels},
            )
            for i in kept
        ]

    def _with_frequencies(self, rows: pa.Table, term_frequencies: TermFrequencies) -> pa.Table:
        """``rows`` with each record's term frequency for the model's frequency columns (null when unknown)."""
        for column in self.frequency_columns:
            lookup = term_frequencies.get(column, {})
            names = rows.column(column).to_pylist()
            # Candidates share few names: each is looked up once.
            found = {name: lookup.get(name) for name in set(names) if name is not None}
            values = [None if name is None else found[name] for name in names]
            rows = rows.append_column(frequency_column(column), pa.array(values, pa.float64()))
        return rows

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


# SQL functions that dominate the cost of scoring a pair; ``weight_bound_sql`` does not evaluate a level calling one.
_COSTLY_SQL = ("damerau_levenshtein", "levenshtein", "jaro", "list_")


def frequency_column(column: str) -> str:
    """The column ``weight_bound_sql`` reads a record's term frequency for ``column`` from."""
    return f"tf_{column}"


# A level that cannot be chosen adds nothing to the bound.
_NO_WEIGHT = "-1e308"


def weight_bound_sql(model: IdentityModel) -> str:
    """A SQL expression no smaller than a pair's match weight less the prior, cheap to evaluate.

    It reads the paired model columns (``<column>_l``, ``<column>_r``) and each record's term frequency for the
    model's term-frequency columns (``tf_<column>_l``, ``_r``, see ``frequency_column``). Levels whose condition
    calls a costly function (edit distance, list operations) are not evaluated: where such a level might be the
    one chosen, the bound takes the larger of its weight and the bound of the levels after it. A pair whose
    bound plus the prior is under the threshold cannot be a link, so batch re-linking leaves it unscored.
    """
    parts = []
    for comparison in model.splink_settings["comparisons"]:
        levels = _levels_of(model, comparison)
        parts.append(_bound(comparison["comparison_levels"], levels))
    return " + ".join(f"({part})" for part in parts)


def _bound(sql_levels: list[dict[str, Any]], levels: list[_Level]) -> str:
    if not levels:
        return _NO_WEIGHT
    condition = sql_levels[0]["sql_condition"].strip()
    level = levels[0]
    weight = repr(level.weight)
    if level.frequency_adjustment is not None:
        column, adjustment_weight, log2_exact_u = level.frequency_adjustment
        tf = frequency_column(column)
        # Splink's adjustment (see ``CompiledScorer._contributions``); nothing when neither frequency is known.
        weight = f"{weight} + coalesce({adjustment_weight!r} * ({log2_exact_u!r} - log2(greatest({tf}_l, {tf}_r))), 0)"
    if condition.upper() == "ELSE":
        return weight
    rest = _bound(sql_levels[1:], levels[1:])
    if not _costly(condition):
        return f"CASE WHEN {condition} THEN {weight} ELSE {rest} END"
    # A costly condition's cheap conjuncts ("lengths differ by at most one AND edit distance <= 1") are still
    # necessary: where one fails, this level cannot be the one chosen.
    necessary = " AND ".join(f"({part})" for part in _conjuncts(condition) if not _costly(part)) or "true"
    return f"greatest(CASE WHEN {necessary} THEN {weight} ELSE {_NO_WEIGHT} END, {rest})"


def _costly(condition: str) -> bool:
    return any(function in condition.lower() for function in _COSTLY_SQL)


def _conjuncts(condition: str) -> list[str]:
    """The parts of ``condition`` joined by a top-level AND; the whole condition when a top-level OR (which binds
    less tightly) is there too, or when quotes make the split unsafe."""
    if "'" in condition or '"' in condition:
        return [condition]
    parts, depth, start = [], 0, 0
    upper = condition.upper()
    index = 0
    while index < len(condition):
        character = condition[index]
        if character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
        elif depth == 0 and upper.startswith(" OR ", index):
            return [condition]
        elif depth == 0 and upper.startswith(" AND ", index):
            parts.append(condition[start:index].strip())
            start = index + len(" AND ")
            index = start
            continue
        index += 1
    parts.append(condition[start:].strip())
    return parts
