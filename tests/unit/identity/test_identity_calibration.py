import itertools
import json
import math
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from parity.identity.calibration import (
    CALIBRATION_METHOD,
    MIN_DECISIONS,
    MIN_EACH_ANSWER,
    Calibration,
    IntakeOutcomes,
    TooFewDecisions,
    fit_calibration,
    fit_calibration_to_decisions,
    probability_from_weight,
    reliability,
)
from parity.identity.model import IdentityModel


def _section(**changes: Any) -> dict[str, Any]:
    section: dict[str, Any] = {
        "method": CALIBRATION_METHOD,
        "intercept": 1.0,
        "weight_coefficient": 0.8,
        "register_size_coefficient": -0.1,
        "provenance": {"sets": [{"records": 2000, "seed": 102}]},
    }
    section.update(changes)
    return {name: value for name, value in section.items() if value is not ...}


def _model_text(section: object) -> str:
    document = json.loads(IdentityModel.bundled_default().to_json())
    document["calibration"] = section
    return json.dumps(document)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"weight_coefficient": 0.0}, "calibration.weight_coefficient must be positive"),
        ({"weight_coefficient": -1.5}, "calibration.weight_coefficient must be positive"),
        ({"intercept": "1.0"}, "calibration.intercept must be a finite number"),
        ({"intercept": True}, "calibration.intercept must be a finite number"),
        ({"register_size_coefficient": math.nan}, "calibration.register_size_coefficient must be a finite number"),
        ({"register_size_coefficient": ...}, "calibration.register_size_coefficient is missing"),
        ({"method": "isotonic"}, "calibration.method must be"),
        ({"provenance": "seed 102"}, "calibration.provenance must be an object"),
        ({"slope": 1.0}, r"calibration has unknown fields \['slope'\]"),
    ],
)
def test_a_bad_calibration_section_is_refused_naming_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match=field) as raised:
        IdentityModel.from_json(_model_text(_section(**changes)), "model.json")
    assert str(raised.value).startswith("model.json: ")


def test_a_calibration_section_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(ValueError, match="calibration must be an object"):
        IdentityModel.from_json(_model_text([1.0, 0.8]), "model.json")


def test_a_model_file_without_a_calibration_shows_the_probability_as_before() -> None:
    model = replace(IdentityModel.bundled_default(), calibration=None)
    assert "calibration" not in json.loads(model.to_json())
    for weight in (-30.0, -2.0, 0.0, 0.5, 1.7, 12.0, 60.0):
        for size in (0, 1, 2_000, 1_000_000):
            assert model.match_probability(weight, size) == probability_from_weight(weight)
            assert model.match_probability(weight, size) == pytest.approx(2**weight / (1 + 2**weight))


def test_an_older_model_file_keeps_its_version() -> None:
    # The bundled file's weights were measured as model 12295d49235e4b4a before it had a calibration section.
    assert replace(IdentityModel.bundled_default(), calibration=None).version == "12295d49235e4b4a"


def test_the_calibration_is_part_of_the_file_and_of_its_version() -> None:
    model = IdentityModel.from_json(_model_text(_section()), "model.json")
    assert model.calibration == Calibration(1.0, 0.8, -0.1, {"sets": [{"records": 2000, "seed": 102}]})
    assert IdentityModel.from_json(model.to_json()).calibration == model.calibration
    assert model.version != replace(model, calibration=None).version
    assert model.version != replace(model, calibration=replace(model.calibration, intercept=1.1)).version


def test_the_calibrated_probability_rises_with_the_weight() -> None:
    calibrated = IdentityModel.bundled_default()
    assert calibrated.calibration is not None
    weights = np.linspace(-40, 60, 2001)
    for size in (1, 2_000, 20_000, 1_000_000):
        shown = [calibrated.match_probability(float(w), size) for w in weights]
        assert all(a <= b for a, b in itertools.pairwise(shown))
        assert shown[0] >= 0.0
        assert shown[-1] <= 1.0
        # Strictly, where floating point can tell.
        middle = [calibrated.match_probability(w, size) for w in (-2.0, 0.0, 0.5, 2.0, 4.0)]
        assert middle == sorted(set(middle))


def test_the_identity_calibration_gives_the_uncalibrated_probability() -> None:
    identity = Calibration(0.0, 1.0, 0.0)
    for weight in (-5.0, 0.0, 0.5, 3.0):
        assert identity.probability(weight, 20_000) == pytest.approx(probability_from_weight(weight))


def _synthetic_outcomes(intercept: float, slope: float, size_coefficient: float, n: int) -> IntakeOutcomes:
    rng = np.random.default_rng(3)
    weight = rng.uniform(0, 12, n)
    size = np.round(2.0 ** rng.uniform(0, 15, n)).astype(np.int64)
    bits = intercept + slope * weight + size_coefficient * np.log2(size)
    truth = rng.random(n) < 1 / (1 + 2.0**-bits)
    return IntakeOutcomes(
        match_weight=weight,
        displayed_probability=1 / (1 + 2.0**-weight),
        register_size=size.astype(np.int64),
        same_person=truth,
        flagged=weight >= 0.5,
        biometric=np.zeros(n, dtype=np.bool_),
    )


def test_fitting_recovers_known_parameters() -> None:
    fitted = fit_calibration(_synthetic_outcomes(2.0, 0.7, -0.15, 40_000), use_register_size=True)
    assert fitted.intercept == pytest.approx(2.0, abs=0.3)
    assert fitted.weight_coefficient == pytest.approx(0.7, abs=0.05)
    assert fitted.register_size_coefficient == pytest.approx(-0.15, abs=0.03)


def test_fitting_ignores_candidates_decided_by_fingerprints() -> None:
    outcomes = _synthetic_outcomes(2.0, 0.7, 0.0, 20_000)
    with_biometric = IntakeOutcomes.concatenate(
        [
            outcomes,
            IntakeOutcomes(
                match_weight=np.full(5_000, 0.2),
                displayed_probability=np.full(5_000, 0.5),
                register_size=np.full(5_000, 100, dtype=np.int64),
                same_person=np.ones(5_000, dtype=np.bool_),
                flagged=np.ones(5_000, dtype=np.bool_),
                biometric=np.ones(5_000, dtype=np.bool_),
            ),
        ]
    )
    assert fit_calibration(with_biometric) == fit_calibration(outcomes)


def test_fitting_needs_both_outcomes() -> None:
    outcomes = _synthetic_outcomes(30.0, 1.0, 0.0, 100)
    with pytest.raises(ValueError, match="both kinds"):
        fit_calibration(replace(outcomes, same_person=np.ones(100, dtype=np.bool_)))


def test_reliability_bins_brier_and_log_loss() -> None:
    shown = np.array([0.55, 0.55, 0.65, 0.95, 0.97, 1.0])
    truth = np.array([True, False, True, True, True, True])
    measured = reliability(shown, truth, edges=(0.5, 0.6, 0.9, 1.0))
    assert [(b.count, b.share_true) for b in measured.bins] == [(2, 0.5), (1, 1.0), (3, 1.0)]
    assert measured.bins[2].mean_displayed == pytest.approx((0.95 + 0.97 + 1.0) / 3)
    assert measured.brier == pytest.approx(np.mean((shown - truth) ** 2))
    assert measured.mean_absolute_gap(minimum_count=2) == pytest.approx((0.05 + (1 - 2.92 / 3)) / 2)


# --- Refitting on decided flags (parity identity calibrate-from-decisions)


def _decisions(intercept: float, slope: float, n: int, seed: int) -> tuple[npt.NDArray[np.float64], Any]:
    """Weights as flags have them (at or above the threshold) and answers drawn from a known curve."""
    rng = np.random.default_rng(seed)
    weights = rng.uniform(0.5, 8.0, n)
    return weights, rng.random(n) < 1 / (1 + 2.0 ** -(intercept + slope * weights))


def test_a_refit_on_decisions_recovers_the_curve_they_were_drawn_from() -> None:
    weights, answers = _decisions(-0.5, 0.7, 20_000, seed=3)
    fitted = fit_calibration_to_decisions(weights, answers, provenance={"data": "decided flags"})
    assert fitted.intercept == pytest.approx(-0.5, abs=0.1)
    assert fitted.weight_coefficient == pytest.approx(0.7, abs=0.03)
    assert fitted.register_size_coefficient == 0.0
    assert fitted.provenance == {"data": "decided flags"}


def test_the_fit_converges_where_a_full_newton_step_from_the_start_overshot() -> None:
    # On these 200 decisions the undamped Newton iteration from (0, ln 2) ran off to ~1e11; the fit halves a step
    # that lowers the likelihood.
    rng = np.random.default_rng(5)
    for _ in range(200):
        weights = rng.uniform(0.5, 8, 200)
        answers = rng.random(200) < 1 / (1 + 2.0 ** -(-0.5 + 0.7 * weights))
        fitted = fit_calibration_to_decisions(weights, answers, provenance={})
        assert abs(fitted.intercept) < 5
        assert 0 < fitted.weight_coefficient < 3


@pytest.mark.parametrize(
    ("same", "different"),
    [(180, 19), (19, 181), (MIN_DECISIONS - MIN_EACH_ANSWER - 1, MIN_EACH_ANSWER), (300, 0), (0, 300)],
)
def test_a_refit_on_too_few_decisions_or_too_few_of_one_answer_is_refused(same: int, different: int) -> None:
    weights = np.linspace(0.5, 8.0, same + different)
    answers = np.zeros(same + different, dtype=np.bool_)
    answers[np.linspace(0, same + different - 1, same).astype(int)] = True  # spread across the weights
    assert int(answers.sum()) == same
    with pytest.raises(TooFewDecisions, match=f"at least {MIN_DECISIONS}, with at least {MIN_EACH_ANSWER}"):
        fit_calibration_to_decisions(weights, answers, provenance={})


def test_the_minimum_is_enough() -> None:
    weights = np.linspace(0.5, 8.0, MIN_DECISIONS)
    answers = np.ones(MIN_DECISIONS, dtype=np.bool_)
    answers[np.linspace(0, MIN_DECISIONS - 1, MIN_EACH_ANSWER).astype(int)] = False
    assert fit_calibration_to_decisions(weights, answers, provenance={}).weight_coefficient > 0


@pytest.mark.parametrize("rising", [True, False])
def test_answers_that_separate_by_the_weight_or_fall_with_it_are_refused(rising: bool) -> None:
    weights = np.linspace(0.5, 8.0, 300)
    answers = weights > 3 if rising else weights < 3
    with pytest.raises(ValueError, match="no usable calibration"):
        fit_calibration_to_decisions(weights, answers, provenance={})


def test_the_weights_version_is_the_version_without_the_calibration() -> None:
    bundled = IdentityModel.bundled_default()
    assert bundled.weights_version == "12295d49235e4b4a" == replace(bundled, calibration=None).version
    assert bundled.calibration is not None
    assert bundled.calibration.provenance["weights_of_model"] == bundled.weights_version
    assert bundled.versions_with_these_weights() == {bundled.version, "12295d49235e4b4a"}
    recalibrated = replace(bundled, calibration=replace(bundled.calibration, intercept=0.1))
    assert recalibrated.weights_version == bundled.weights_version
    assert recalibrated.version != bundled.version
    assert replace(bundled, match_weight_threshold=1.0).weights_version != bundled.weights_version


def test_the_versions_with_these_weights_follow_the_refits_provenance_unless_the_weights_changed() -> None:
    bundled = IdentityModel.bundled_default()
    assert bundled.calibration is not None
    listed = {"weights_of_model": bundled.weights_version, "models_with_these_weights": [bundled.version, "aaaa"]}
    refit = replace(bundled, calibration=replace(bundled.calibration, intercept=0.2, provenance=listed))
    assert refit.versions_with_these_weights() == {refit.version, bundled.weights_version, bundled.version, "aaaa"}
    edited = replace(refit, match_weight_threshold=1.0)  # weights changed after the refit: its list is stale
    assert edited.versions_with_these_weights() == {edited.version, edited.weights_version}
