"""Calibrating the match probability shown on an identity flag, and measuring how well it is calibrated.

The match weight (log2 Bayes factor plus the prior for the register's size) decides which pairs are flagged; the
probability shown beside it is ``2^w / (1 + 2^w)`` unless the model file carries a ``calibration`` section. The
Fellegi-Sunter weight is not a calibrated log-odds (the comparisons are not independent, and a name's term
frequency counts the person's own earlier records), so the section re-maps it for display only:

    calibrated weight = intercept + weight_coefficient x match weight + register_size_coefficient x log2(register size)
    displayed probability = 2^c / (1 + 2^c)

Without the section the three parameters are 0, 1 and 0: the probability as before. ``weight_coefficient`` must be
positive, so the displayed probability rises with the weight and the ranking and flags are those of the weight.

The section is fitted (logistic regression, NumPy only) on the candidates a simulated intake returns: labelled
records arrive one at a time, each is checked against the records before it with the live check, then added
(``intake_outcomes``). It is fitted on synthetic records, so it says how the model behaves on the generator; real
decisions on flags are the labels a refit on real data needs, and ``fit_calibration_to_decisions`` fits the same
parameters to them (``parity identity calibrate-from-decisions``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

CALIBRATION_METHOD = "logistic-on-weight-and-log2-register-size"
_PARAMETERS = ("intercept", "weight_coefficient", "register_size_coefficient")


def probability_from_weight(match_weight: float) -> float:
    """``2^w / (1 + 2^w)``, written to stay finite for large weights of either sign."""
    if match_weight >= 0:
        return float(1 / (1 + 2.0 ** (-match_weight)))
    odds = float(2.0**match_weight)
    return odds / (1 + odds)


@dataclass(frozen=True)
class Calibration:
    """How the displayed probability is computed from the match weight (see the module's docstring)."""

    intercept: float
    weight_coefficient: float
    register_size_coefficient: float
    # Where the parameters come from: method, data (seeds and sizes), when, how many candidates.
    provenance: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in _PARAMETERS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ValueError(f"calibration.{name} must be a finite number, not {value!r}")
        if self.weight_coefficient <= 0:
            raise ValueError(
                f"calibration.weight_coefficient must be positive (the probability must rise with the match "
                f"weight), not {self.weight_coefficient!r}"
            )

    def calibrated_weight(self, match_weight: float, register_size: int) -> float:
        return (
            self.intercept
            + self.weight_coefficient * match_weight
            + self.register_size_coefficient * math.log2(max(register_size, 1))
        )

    def probability(self, match_weight: float, register_size: int) -> float:
        return probability_from_weight(self.calibrated_weight(match_weight, register_size))

    def to_document(self) -> dict[str, Any]:
        return {
            "method": CALIBRATION_METHOD,
            "intercept": self.intercept,
            "weight_coefficient": self.weight_coefficient,
            "register_size_coefficient": self.register_size_coefficient,
            "provenance": dict(self.provenance),
        }

    @classmethod
    def from_document(cls, document: object, source: str = "<model>") -> Calibration:
        """The section of a model file, checked: an unusable section is refused with the field at fault."""
        if not isinstance(document, dict):
            # A fault in the file's content, reported as the other faults of a model file are.
            raise ValueError(f"{source}: calibration must be an object")  # noqa: TRY004
        if document.get("method") != CALIBRATION_METHOD:
            raise ValueError(
                f"{source}: calibration.method must be {CALIBRATION_METHOD!r}, not {document.get('method')!r}"
            )
        unknown = set(document) - {"method", *_PARAMETERS, "provenance"}
        if unknown:
            raise ValueError(f"{source}: calibration has unknown fields {sorted(unknown)}")
        for name in _PARAMETERS:
            if name not in document:
                raise ValueError(f"{source}: calibration.{name} is missing")
        provenance = document.get("provenance", {})
        if not isinstance(provenance, dict):
            raise ValueError(f"{source}: calibration.provenance must be an object")  # noqa: TRY004
        try:
            return cls(
                intercept=document["intercept"],
                weight_coefficient=document["weight_coefficient"],
                register_size_coefficient=document["register_size_coefficient"],
                provenance=provenance,
            )
        except ValueError as error:
            raise ValueError(f"{source}: {error}") from error


@dataclass(frozen=True)
class IntakeOutcomes:
    """Every candidate a simulated intake returned: one entry per (record checked, candidate)."""

    match_weight: npt.NDArray[np.float64]
    displayed_probability: npt.NDArray[np.float64]
    register_size: npt.NDArray[np.int64]
    same_person: npt.NDArray[np.bool_]
    flagged: npt.NDArray[np.bool_]
    biometric: npt.NDArray[np.bool_]

    @classmethod
    def concatenate(cls, parts: Sequence[IntakeOutcomes]) -> IntakeOutcomes:
        return cls(*(np.concatenate([getattr(p, name) for p in parts]) for name in cls.__dataclass_fields__))

    def where(self, mask: npt.NDArray[np.bool_]) -> IntakeOutcomes:
        return IntakeOutcomes(*(getattr(self, name)[mask] for name in self.__dataclass_fields__))


def fit_calibration(
    outcomes: IntakeOutcomes, *, use_register_size: bool = False, provenance: Mapping[str, Any] | None = None
) -> Calibration:
    """Logistic regression of "same person" on the match weight (and log2 of the register size), by Newton's
    method, on the candidates decided by the match weight (a biometric candidate is decided by fingerprints)."""
    by_weight = outcomes.where(~outcomes.biometric)
    columns = [np.ones_like(by_weight.match_weight), by_weight.match_weight]
    if use_register_size:
        columns.append(np.log2(np.maximum(by_weight.register_size, 1)).astype(np.float64))
    design = np.column_stack(columns)
    truth = by_weight.same_person.astype(np.float64)
    if len(truth) < 10 or truth.min() == truth.max():
        raise ValueError("calibration needs candidates of both kinds (same person and not)")

    def log_likelihood(coefficients: npt.NDArray[np.float64]) -> float:
        linear = design @ coefficients
        return float(np.sum(truth * linear - np.logaddexp(0, linear)))

    # Start from the uncalibrated mapping (natural log-odds = ln 2 x weight). A full Newton step can overshoot
    # from there and diverge (seen on a few hundred decided flags), so a step that lowers the likelihood is halved
    # until it does not: the same optimum, reached from anywhere.
    beta = np.zeros(design.shape[1])
    beta[1] = math.log(2)
    current = log_likelihood(beta)
    for _ in range(100):
        p = np.exp(-np.logaddexp(0, -(design @ beta)))  # 1 / (1 + e^-z), without overflow
        gradient = design.T @ (truth - p)
        hessian = (design * (p * (1 - p))[:, None]).T @ design + 1e-9 * np.eye(design.shape[1])
        step = np.linalg.solve(hessian, gradient)
        for _halving in range(60):
            value = log_likelihood(beta + step)
            if value >= current - 1e-12:
                break
            step = step / 2
        beta, current = beta + step, value
        if np.max(np.abs(step)) < 1e-10:
            break
    else:
        # Answers that separate completely at one weight push the coefficients off to infinity.
        raise ValueError("the fit did not converge: the answers separate completely (or nearly) by the weight")
    in_bits = beta / math.log(2)
    return Calibration(
        intercept=round(float(in_bits[0]), 6),
        weight_coefficient=round(float(in_bits[1]), 6),
        register_size_coefficient=round(float(in_bits[2]), 6) if use_register_size else 0.0,
        provenance=dict(provenance or {}),
    )


# A refit on decided flags (``parity identity calibrate-from-decisions``) needs at least this many decisions, and
# this many of each answer. Two parameters are fitted; the usual rule for logistic regression asks for about ten of
# the rarer outcome per parameter, so 20 of each answer. 200 in all is a floor, not a guarantee: on labels drawn
# from a known curve (weights 0.5-8, a quarter "not the same person") the fitted weight coefficient (0.7) varies
# by 0.17 (standard deviation) at 200 decisions and 0.09 at 600, so the before/after table is to be read before the
# file is used (docs/identity.md, "Calibration of the probability shown"). Fewer is refused, not fitted with a
# warning: the probability is shown to every caseworker on every flag.
MIN_DECISIONS = 200
MIN_EACH_ANSWER = 20


class TooFewDecisions(ValueError):
    """The decided flags are too few, or too nearly of one answer, to refit the calibration on."""


def fit_calibration_to_decisions(
    match_weight: Sequence[float] | npt.NDArray[np.float64],
    same_person: Sequence[bool] | npt.NDArray[np.bool_],
    *,
    provenance: Mapping[str, Any],
) -> Calibration:
    """The calibration fitted (``fit_calibration``, on the weight alone: the register's size is not stored with a
    flag) to people's decisions on flags: each flag's match weight and whether it was decided "same person".

    Refused (``TooFewDecisions``) below ``MIN_DECISIONS`` decisions or ``MIN_EACH_ANSWER`` of either answer;
    ``ValueError`` when the decisions give no usable fit (they do not rise with the weight, or separate completely
    at one weight, so that the fit runs off to infinity).
    """
    weights = np.asarray(match_weight, dtype=np.float64)
    truth = np.asarray(same_person, dtype=np.bool_)
    same = int(truth.sum())
    different = len(truth) - same
    if len(truth) < MIN_DECISIONS or min(same, different) < MIN_EACH_ANSWER:
        raise TooFewDecisions(
            f"too few decisions to refit on: {len(truth)} decided flags ({same} same person, {different} not the "
            f"same person); a refit needs at least {MIN_DECISIONS}, with at least {MIN_EACH_ANSWER} of each answer"
        )
    outcomes = IntakeOutcomes(
        match_weight=weights,
        displayed_probability=np.array([probability_from_weight(w) for w in weights], dtype=np.float64),
        register_size=np.ones(len(weights), dtype=np.int64),
        same_person=truth,
        flagged=np.ones(len(weights), dtype=np.bool_),
        biometric=np.zeros(len(weights), dtype=np.bool_),
    )
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        try:
            return fit_calibration(outcomes, provenance=provenance)
        except (ValueError, np.linalg.LinAlgError) as error:
            raise ValueError(
                f"the decisions give no usable calibration ({error}): check that answers rise with the weight and "
                "that both answers occur across a range of weights"
            ) from error


@dataclass(frozen=True)
class ReliabilityBin:
    low: float
    high: float
    count: int
    mean_displayed: float
    share_true: float


@dataclass(frozen=True)
class Reliability:
    bins: tuple[ReliabilityBin, ...]
    count: int
    brier: float
    log_loss: float

    def mean_absolute_gap(self, minimum_count: int) -> float:
        """Mean of |displayed - share true| over the bins holding at least ``minimum_count`` candidates (each bin
        counts once, so the crowded bin near 1 does not hide the bins where flags are decided)."""
        populated = [b for b in self.bins if b.count >= minimum_count]
        return sum(abs(b.mean_displayed - b.share_true) for b in populated) / max(len(populated), 1)


def reliability(
    probability: npt.NDArray[np.float64],
    same_person: npt.NDArray[np.bool_],
    edges: Iterable[float] = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0),
) -> Reliability:
    """Bins of displayed probability: mean displayed against the share of true pairs; Brier score and log loss."""
    cuts = list(edges)
    truth = same_person.astype(np.float64)
    bins = []
    for index, (low, high) in enumerate(itertools.pairwise(cuts)):
        last = index == len(cuts) - 2
        inside = (probability >= low) & ((probability <= high) if last else (probability < high))
        count = int(inside.sum())
        if count:
            bins.append(
                ReliabilityBin(low, high, count, float(probability[inside].mean()), float(truth[inside].mean()))
            )
    if not len(truth):
        return Reliability(bins=(), count=0, brier=math.nan, log_loss=math.nan)
    clipped = np.clip(probability, 1e-12, 1 - 1e-12)
    return Reliability(
        bins=tuple(bins),
        count=len(truth),
        brier=float(np.mean((probability - truth) ** 2)),
        log_loss=float(-np.mean(truth * np.log(clipped) + (1 - truth) * np.log(1 - clipped))),
    )
