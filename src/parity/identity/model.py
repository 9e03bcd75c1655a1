"""The Splink model: its comparisons, training, and the versioned model file.

A model file is JSON: ``{"format": ..., "match_weight_threshold": ..., "splink_settings": {...}}``, with an optional
``"calibration"`` section for the probability shown (``calibration``). Its version
is the first 16 hex digits of the SHA-256 of its canonical JSON text, so two files with the same parameters have
the same version and any change to a parameter or threshold changes it. Every decision stores that version.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections import Counter
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from parity.identity.calibration import Calibration, probability_from_weight
from parity.identity.port import DEFAULT_MATCH_WEIGHT_THRESHOLD

MODEL_FORMAT = "parity-identity-model/1"
DEFAULT_MODEL_RESOURCE = "default_model.json"
# The probability given to a comparison level that training never observed (see `_fill_unobserved_levels`).
UNOBSERVED_LEVEL_PROBABILITY = 1e-3

# Agreement on a common name ("Mohammed Ahmed") is weaker evidence than on a rare one: the levels of full or
# near-full agreement are adjusted by how frequent the name's skeleton is in the register (Splink
# term-frequency adjustment).
NAME_FREQUENCY_COLUMN = "skeleton_sorted"
_NAME_FREQUENCY = {"tf_adjustment_column": NAME_FREQUENCY_COLUMN, "tf_adjustment_weight": 1.0}
# Comparisons whose u probabilities are estimated among namesakes (see `_estimate_u_among_namesakes`).
_NAMESAKE_CONDITIONED = ("nationality", "sex")

_NAME_LEVELS = [
    {
        "sql_condition": "name_sorted_l IS NULL OR name_sorted_r IS NULL",
        "is_null_level": True,
        "label_for_charts": "name missing",
    },
    {"sql_condition": "name_ordered_l = name_ordered_r", "label_for_charts": "same name", **_NAME_FREQUENCY},
    {
        "sql_condition": "name_sorted_l = name_sorted_r OR name_compact_l = name_compact_r",
        "label_for_charts": "same names, other order or spacing",
        **_NAME_FREQUENCY,
    },
    {
        "sql_condition": "skeleton_sorted_l = skeleton_sorted_r",
        "label_for_charts": "transliteration variant",
        **_NAME_FREQUENCY,
    },
    {
        # One record holds fewer of the names, in the same order: an Ethiopic father's or grandfather's name
        # left out, a Vietnamese middle name dropped.
        "sql_condition": "least(len(skeletons_l), len(skeletons_r)) >= 2 AND ("
        "list_slice(skeletons_l, 1, len(skeletons_r)) = skeletons_r "
        "OR list_slice(skeletons_r, 1, len(skeletons_l)) = skeletons_l "
        "OR list_slice(skeletons_l, len(skeletons_l) - len(skeletons_r) + 1, len(skeletons_l)) = skeletons_r "
        "OR list_slice(skeletons_r, len(skeletons_r) - len(skeletons_l) + 1, len(skeletons_r)) = skeletons_l)",
        "label_for_charts": "one name contains the other",
        **_NAME_FREQUENCY,
    },
    {
        # The length test is implied by the distance; it is there so that the costly distance is computed only
        # for pairs that can pass it (the same holds for the other edit-distance levels).
        "sql_condition": "abs(length(name_sorted_l) - length(name_sorted_r)) <= 1 "
        "AND damerau_levenshtein(name_sorted_l, name_sorted_r) <= 1",
        "label_for_charts": "one-letter difference",
        **_NAME_FREQUENCY,
    },
    {
        # Short skeletons ("amr", "amd") differ by one letter between unrelated names; long ones rarely do.
        "sql_condition": "least(length(skeleton_sorted_l), length(skeleton_sorted_r)) >= 8 "
        "AND abs(length(skeleton_sorted_l) - length(skeleton_sorted_r)) <= 1 "
        "AND damerau_levenshtein(skeleton_sorted_l, skeleton_sorted_r) <= 1",
        "label_for_charts": "one-letter difference after transliteration",
        **_NAME_FREQUENCY,
    },
    {
        # The pattern of siblings and of a heavily misspelt own name alike; the data decide its weight.
        "sql_condition": "len(list_intersect(list_distinct(skeletons_l), list_distinct(skeletons_r))) >= 2",
        "label_for_charts": "two names shared",
    },
    {"sql_condition": "len(list_intersect(skeletons_l, skeletons_r)) >= 1", "label_for_charts": "one name shared"},
    {"sql_condition": "ELSE", "label_for_charts": "different names"},
]

_DOB_LEVELS = [
    {
        "sql_condition": "dob_l IS NULL OR dob_r IS NULL",
        "is_null_level": True,
        "label_for_charts": "date of birth unknown",
    },
    {"sql_condition": "dob_l = dob_r AND NOT dob_placeholder_l", "label_for_charts": "same date"},
    {"sql_condition": "dob_l = dob_r", "label_for_charts": "same 1 January placeholder"},
    {
        "sql_condition": "substr(dob_l, 1, 4) = substr(dob_r, 1, 4) AND (dob_placeholder_l OR dob_placeholder_r)",
        "label_for_charts": "same year, one a placeholder",
    },
    {
        # An age estimated a year apart on two occasions.
        "sql_condition": "dob_placeholder_l AND dob_placeholder_r "
        "AND abs(CAST(substr(dob_l, 1, 4) AS INTEGER) - CAST(substr(dob_r, 1, 4) AS INTEGER)) = 1",
        "label_for_charts": "placeholders one year apart",
    },
    {
        # Typing errors in a real date; between placeholders a one-digit difference is a different year.
        "sql_condition": "NOT dob_placeholder_l AND NOT dob_placeholder_r AND (damerau_levenshtein(dob_l, dob_r) <= 1 "
        "OR (substr(dob_l, 1, 4) = substr(dob_r, 1, 4) AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
        "AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)))",
        "label_for_charts": "one digit or day and month swapped",
    },
    {
        "sql_condition": "abs(CAST(substr(dob_l, 1, 4) AS INTEGER) - CAST(substr(dob_r, 1, 4) AS INTEGER)) <= 2",
        "label_for_charts": "within two years",
    },
    {"sql_condition": "ELSE", "label_for_charts": "different dates"},
]


def _exact_comparison(column: str, label: str) -> dict[str, Any]:
    return {
        "output_column_name": column,
        "comparison_levels": [
            {
                "sql_condition": f"{column}_l IS NULL OR {column}_r IS NULL",
                "is_null_level": True,
                "label_for_charts": f"{label} missing",
            },
            {"sql_condition": f"{column}_l = {column}_r", "label_for_charts": f"same {label}"},
            {"sql_condition": "ELSE", "label_for_charts": f"different {label}"},
        ],
    }


_DOCUMENT_LEVELS = [
    {
        "sql_condition": "document_number_l IS NULL OR document_number_r IS NULL",
        "is_null_level": True,
        "label_for_charts": "document missing",
    },
    {"sql_condition": "document_number_l = document_number_r", "label_for_charts": "same document"},
    {
        "sql_condition": "abs(length(document_number_l) - length(document_number_r)) <= 1 "
        "AND damerau_levenshtein(document_number_l, document_number_r) <= 1",
        "label_for_charts": "one character differs",
    },
    {"sql_condition": "ELSE", "label_for_charts": "different document"},
]


def untrained_settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=[
            {"output_column_name": "name", "comparison_levels": _NAME_LEVELS},
            {"output_column_name": "dob", "comparison_levels": _DOB_LEVELS},
            _exact_comparison("nationality", "nationality"),
            _exact_comparison("sex", "sex"),
            {"output_column_name": "document_number", "comparison_levels": _DOCUMENT_LEVELS},
        ],
        blocking_rules_to_generate_predictions=[block_on("blocking_keys", arrays_to_explode=["blocking_keys"])],
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
    )


@dataclass(frozen=True)
class IdentityModel:
    """A trained model: Splink settings with m and u probabilities, and the threshold decisions use.

    The prior (``probability_two_random_records_match``) in ``splink_settings`` holds for a register of
    ``reference_register_size`` records. The chance that a random register record is the same person as a given
    record falls as the register grows (each person has a handful of records however large the register), so
    ``settings_for_register`` rescales it; without that, a threshold tuned on one register size merges too
    eagerly in a larger register and misses too much in a smaller one.
    """

    splink_settings: dict[str, Any]
    match_weight_threshold: float
    reference_register_size: int
    # How the probability shown with a candidate is computed from its weight (``calibration``); None: 2^w/(1+2^w).
    # It changes no weight and no flag.
    calibration: Calibration | None = None

    def to_json(self) -> str:
        document: dict[str, Any] = {
            "format": MODEL_FORMAT,
            "match_weight_threshold": self.match_weight_threshold,
            "reference_register_size": self.reference_register_size,
            "splink_settings": self.splink_settings,
        }
        # Absent rather than null, so that a model without one keeps the version it had before the section existed.
        if self.calibration is not None:
            document["calibration"] = self.calibration.to_document()
        return json.dumps(document, sort_keys=True, indent=1)

    def match_probability(self, match_weight: float, register_size: int) -> float:
        """The probability shown with a candidate of ``match_weight`` found in a register of ``register_size``."""
        if self.calibration is None:
            return probability_from_weight(match_weight)
        return self.calibration.probability(match_weight, register_size)

    def prior_for_register(self, register_size: int) -> float:
        reference_prior = float(self.splink_settings["probability_two_random_records_match"])
        scaled = reference_prior * (self.reference_register_size - 1) / max(register_size - 1, 1)
        return min(scaled, 0.5)

    def prior_weight_for_register(self, register_size: int) -> float:
        prior = self.prior_for_register(register_size)
        return math.log2(prior / (1 - prior))

    def settings_for_register(self, register_size: int) -> dict[str, Any]:
        """Splink settings with the prior for a register of ``register_size`` records."""
        return {**self.splink_settings, "probability_two_random_records_match": self.prior_for_register(register_size)}

    @property
    def version(self) -> str:
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()[:16]

    @property
    def weights_version(self) -> str:
        """The version of this model without its calibration section: what decides the weights, the threshold and
        so the flags. Models that differ only in their calibration share it (the bundled model's is
        ``12295d49235e4b4a``)."""
        return replace(self, calibration=None).version

    def versions_with_these_weights(self) -> frozenset[str]:
        """The model versions known to raise the same flags with the same weights as this one: its own, its weights
        version, and those its calibration's provenance lists (``weights_of_model``; ``models_with_these_weights``,
        which a refit from decided flags keeps). A flag stores the full version it was raised under, which cannot
        be turned back into the weights, so this is the list a refit selects flags by. The provenance's list is
        ignored if it names other weights (a file whose weights were edited after it was calibrated)."""
        known = {self.version, self.weights_version}
        provenance = self.calibration.provenance if self.calibration is not None else {}
        if provenance.get("weights_of_model") == self.weights_version:
            listed = provenance.get("models_with_these_weights", [])
            known.update(str(version) for version in listed if isinstance(version, str))
        return frozenset(known)

    def save(self, directory_or_file: Path) -> Path:
        """Write the model; given a directory, the file is named after the version."""
        target = directory_or_file
        if target.is_dir():
            target = target / f"identity-model-{self.version}.json"
        target.write_text(self.to_json() + "\n", encoding="utf-8")
        return target

    @classmethod
    def from_json(cls, text: str, source: str = "<model>") -> IdentityModel:
        document = json.loads(text)
        if not isinstance(document, dict) or document.get("format") != MODEL_FORMAT:
            raise ValueError(f"{source} is not a {MODEL_FORMAT} model file")
        calibration = document.get("calibration")
        return cls(
            splink_settings=document["splink_settings"],
            match_weight_threshold=float(document["match_weight_threshold"]),
            reference_register_size=int(document["reference_register_size"]),
            calibration=None if calibration is None else Calibration.from_document(calibration, source),
        )

    @classmethod
    def load(cls, path: Path) -> IdentityModel:
        return cls.from_json(path.read_text(encoding="utf-8"), str(path))

    @classmethod
    def bundled_default(cls) -> IdentityModel:
        text = resources.files("parity.identity.models").joinpath(DEFAULT_MODEL_RESOURCE).read_text(encoding="utf-8")
        return cls.from_json(text, DEFAULT_MODEL_RESOURCE)


def train_model(
    rows: pa.Table,
    labels: list[str] | None = None,
    *,
    seed: int = 7,
    max_pairs_for_u: float = 2e6,
    match_weight_threshold: float = DEFAULT_MATCH_WEIGHT_THRESHOLD,
) -> IdentityModel:
    """Estimate the model from model rows (see ``model_input``).

    With ``labels`` (the true person of each row, as the synthetic generator provides), m probabilities come
    from the labelled pairs, the prior from the labelled pair count, and the u probabilities of nationality and
    sex from pairs of different people with the same name (see ``_estimate_u_among_namesakes``). Without labels,
    m and the prior come from expectation maximisation over blocked pairs. Other u probabilities come from
    random pairs.
    """
    db_api = DuckDBAPI(duckdb.connect())
    training_rows = rows if labels is None else rows.append_column("true_person_id", pa.array(labels, pa.string()))
    linker = Linker(db_api.register(training_rows), untrained_settings(), log_level=logging.WARNING)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs_for_u, seed=seed)
    if labels is None:
        linker.training.estimate_probability_two_random_records_match(
            [block_on("name_sorted", "dob"), block_on("document_number")], recall=0.7
        )
        # Each comparison is estimated under a rule that does not block on it.
        for rule in (block_on("dob"), block_on("name_sorted"), block_on("document_number")):
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
    else:
        linker.training.estimate_m_from_label_column("true_person_id")
    settings = linker.misc.save_model_to_json()
    # A random per-run identifier would give two identical trainings different versions.
    settings.pop("linker_uid", None)
    if labels is not None:
        _estimate_u_among_namesakes(settings, rows, labels)
        settings["probability_two_random_records_match"] = _share_of_pairs_that_match(labels)
    _fill_unobserved_levels(settings)
    return IdentityModel(settings, match_weight_threshold, reference_register_size=rows.num_rows)


def _fill_unobserved_levels(settings: dict[str, Any]) -> None:
    """Give levels never seen in training a small probability instead of none.

    Splink leaves such a level untrained, and a level that never occurred among true matches (a different sex,
    say) would otherwise carry no evidence at all; real registers do contain those errors.
    """
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            level.setdefault("m_probability", UNOBSERVED_LEVEL_PROBABILITY)
            level.setdefault("u_probability", UNOBSERVED_LEVEL_PROBABILITY)


def _share_of_pairs_that_match(labels: list[str]) -> float:
    matching_pairs = sum(n * (n - 1) // 2 for n in Counter(labels).values())
    all_pairs = len(labels) * (len(labels) - 1) // 2
    return max(matching_pairs, 1) / max(all_pairs, 1)


def _estimate_u_among_namesakes(settings: dict[str, Any], rows: pa.Table, labels: list[str]) -> None:
    """Replace the u probabilities of the nationality and sex comparisons by their shares among pairs of
    different people whose name skeletons agree.

    Names are drawn from each group's own pool and most are given to one sex, so two unrelated people who share
    a name nearly always share a nationality and a sex too. The model treats comparisons as independent given
    match status: with u from random pairs, "same name", "same nationality" and "same sex" would count one
    piece of evidence three times. Among namesakes the same nationality or sex says little and a different one
    says much, which is what the model needs, since only pairs whose names agree come near the threshold. The
    name levels keep u from random pairs, consistent with their term-frequency adjustment (relative to the
    whole register).
    """
    connection = duckdb.connect()
    connection.register(
        "model_rows",
        rows.select([NAME_FREQUENCY_COLUMN, *_NAMESAKE_CONDITIONED]).append_column(
            "person", pa.array(labels, pa.string())
        ),
    )
    for column in _NAMESAKE_CONDITIONED:
        # Column names come from this module, not from input.
        same, different = connection.execute(
            f"SELECT count(*) FILTER (WHERE l.{column} = r.{column}), "  # noqa: S608
            f"count(*) FILTER (WHERE l.{column} <> r.{column}) FROM model_rows l JOIN model_rows r "
            f"ON l.{NAME_FREQUENCY_COLUMN} = r.{NAME_FREQUENCY_COLUMN} AND l.person < r.person"
        ).fetchone() or (0, 0)
        if not (same and different):
            continue  # too few namesakes to estimate from: the random-pair estimate stays
        comparison = next(c for c in settings["comparisons"] if c["output_column_name"] == column)
        for level in comparison["comparison_levels"]:
            if level["sql_condition"] == f"{column}_l = {column}_r":
                level["u_probability"] = same / (same + different)
            elif level["sql_condition"] == "ELSE":
                level["u_probability"] = different / (same + different)
