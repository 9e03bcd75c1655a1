import hashlib
from pathlib import Path

import pytest

from parity.identity.model import IdentityModel


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
