"""What the identity flag page can say of the probability stored with a flag: calibrated by its model version's
calibration, the model's own 2^w / (1 + 2^w), or not known to the running process."""

from __future__ import annotations

from dataclasses import replace

import pytest

from parity.identity.calibration import Calibration
from parity.identity.live import SplinkIdentityResolver
from parity.identity.model import IdentityModel
from parity.identity.port import DeferredIdentityResolver, NullIdentityResolver
from parity.web.identity import ProbabilityBasis, probability_basis

BUNDLED = IdentityModel.bundled_default()  # calibrated on synthetic records
UNCALIBRATED = replace(BUNDLED, calibration=None)  # the same weights, before the calibration was added


def test_a_flag_raised_under_the_running_calibrated_model_is_calibrated() -> None:
    assert BUNDLED.calibration is not None
    assert probability_basis(BUNDLED, BUNDLED.version) is ProbabilityBasis.CALIBRATED


def test_a_flag_raised_under_the_same_weights_without_a_calibration_is_the_models_own_estimate() -> None:
    assert UNCALIBRATED.version == BUNDLED.weights_version == "12295d49235e4b4a"
    assert probability_basis(BUNDLED, UNCALIBRATED.version) is ProbabilityBasis.UNCALIBRATED
    assert probability_basis(UNCALIBRATED, UNCALIBRATED.version) is ProbabilityBasis.UNCALIBRATED


def test_a_flag_raised_under_a_sibling_named_by_the_calibrations_provenance_is_calibrated() -> None:
    assert BUNDLED.calibration is not None
    provenance = {"weights_of_model": BUNDLED.weights_version, "models_with_these_weights": ["feedfacefeedface"]}
    refit = replace(BUNDLED, calibration=replace(BUNDLED.calibration, provenance=provenance))

    assert probability_basis(refit, "feedfacefeedface") is ProbabilityBasis.CALIBRATED
    assert probability_basis(refit, BUNDLED.version) is ProbabilityBasis.UNKNOWN  # a calibration it does not list


def test_a_version_the_running_model_does_not_know_is_unknown() -> None:
    assert probability_basis(BUNDLED, "0000000000000000") is ProbabilityBasis.UNKNOWN
    assert probability_basis(UNCALIBRATED, BUNDLED.version) is ProbabilityBasis.UNKNOWN  # it has no calibration
    assert probability_basis(None, BUNDLED.version) is ProbabilityBasis.UNKNOWN


def test_the_page_judges_by_the_model_the_resolver_runs() -> None:
    assert SplinkIdentityResolver(UNCALIBRATED).model is UNCALIBRATED
    assert DeferredIdentityResolver(lambda: SplinkIdentityResolver(BUNDLED)).model is BUNDLED
    assert NullIdentityResolver().model is None  # identity resolution is off: every flag's version is unknown


@pytest.mark.parametrize("model", [BUNDLED, UNCALIBRATED])
def test_the_probability_stored_with_each_kind_of_flag_is_what_its_hint_says(model: IdentityModel) -> None:
    """The hint follows from the version, which decides the figure: calibrated or 2^w / (1 + 2^w)."""
    weight, register = 3.0, 1000
    raw = 2**weight / (1 + 2**weight)
    shown = model.match_probability(weight, register)
    if probability_basis(BUNDLED, model.version) is ProbabilityBasis.UNCALIBRATED:
        assert shown == pytest.approx(raw)
    else:
        assert isinstance(model.calibration, Calibration)
        assert shown != pytest.approx(raw)
