import hashlib
import math
from datetime import date
from pathlib import Path

import pytest

from parity.identity.generator import generate_records
from parity.identity.intake import prepare_records
from parity.identity.model import IdentityModel, train_model
from parity.identity.model_input import model_rows_table


def test_bundled_model_loads_and_its_version_is_the_hash_of_its_json() -> None:
    model = IdentityModel.bundled_default()
    assert model.version == hashlib.sha256(model.to_json().encode()).hexdigest()[:16]


def test_saving_and_loading_keeps_the_version(tmp_path: Path) -> None:
    model = IdentityModel.bundled_default()
    written = model.save(tmp_path)
    assert written.name == f"identity-model-{model.version}.json"
    assert IdentityModel.load(written).version == model.version


def test_any_change_to_the_model_changes_its_version() -> None:
    model = IdentityModel.bundled_default()
    stricter = IdentityModel(model.splink_settings, model.match_weight_threshold + 1, model.reference_register_size)
    assert stricter.version != model.version


def test_prior_falls_as_the_register_grows() -> None:
    model = IdentityModel.bundled_default()
    assert model.prior_weight_for_register(1_000_000) < model.prior_weight_for_register(2_000)


def test_a_file_in_another_format_is_refused() -> None:
    with pytest.raises(ValueError, match="not a parity-identity-model"):
        IdentityModel.from_json('{"comparisons": []}', "splink.json")


def _level_weights(model: IdentityModel, comparison: str) -> dict[str, float]:
    levels = next(c for c in model.splink_settings["comparisons"] if c["output_column_name"] == comparison)
    return {
        level["label_for_charts"]: math.log2(level["m_probability"] / level["u_probability"])
        for level in levels["comparison_levels"]
        if not level.get("is_null_level")
    }


def test_nationality_and_sex_are_not_counted_again_when_the_names_already_agree() -> None:
    # Among random pairs the same nationality is rare (about 2.7 bits of evidence here), but unrelated people
    # who share a name nearly always share nationality and sex; trained on labels, the model weighs those two
    # comparisons as they are among namesakes.
    labelled = generate_records(3_000, seed=5)
    prepared = prepare_records([r.record for r in labelled], date(2026, 1, 1))
    person = {r.record.record_id: r.true_person_id for r in labelled}
    model = train_model(
        model_rows_table(prepared.usable), [person[r.record_id] for r in prepared.usable], max_pairs_for_u=2e5
    )
    nationality, sex = _level_weights(model, "nationality"), _level_weights(model, "sex")
    assert nationality["same nationality"] < 1.0 < -nationality["different nationality"]
    assert sex["same sex"] < 0.5 < -sex["different sex"]
