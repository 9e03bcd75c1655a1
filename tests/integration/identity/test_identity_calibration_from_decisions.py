"""Refitting the probability shown on flags to people's decisions (`parity identity calibrate-from-decisions`), over
the real store (SQLite and PostgreSQL): only flags decided on the match weight under the same weights count; too few
decisions are refused; a fit on answers drawn from a known curve finds the curve; the written model keeps its
weights, threshold and flags; the read is audited with no personal data."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Engine
from tests.builders import record_boat
from typer.testing import CliRunner

from parity.cli import app
from parity.domain.identity_links import FlagDecision, IdentityFlag, RecordSource
from parity.identity.calibration import Calibration, fit_calibration_to_decisions
from parity.identity.live import SplinkIdentityResolver
from parity.identity.model import IdentityModel
from parity.identity.records import IdentityRecord
from parity.services.context import Services, SettableClock
from parity.services.identity import (
    READ_DECISIONS_FOR_CALIBRATION,
    DecideIdentityMatch,
    decide_identity_match,
    decisions_for_calibration,
    identity_flags,
)
from parity.services.ports import IndexedPerson

BUNDLED = IdentityModel.bundled_default()
OTHER_WEIGHTS = "feedfacefeedface"  # flags raised under a model with other weights
# The curve the simulated caseworkers answer by: P(same person) = 2^c / (1 + 2^c), c = intercept + coefficient x w.
TRUE_INTERCEPT, TRUE_COEFFICIENT = -0.5, 0.7
# Names and ids that must never reach the audit log or the model file.
GIVEN, FAMILY = "Zainab", "Haidari"


def known_curve(count: int, seed: int) -> list[tuple[float, bool]]:
    rng = np.random.default_rng(seed)
    weights = rng.uniform(0.5, 8.0, count)
    shown = 1 / (1 + 2.0 ** -(TRUE_INTERCEPT + TRUE_COEFFICIENT * weights))
    return [(round(float(w), 6), bool(same)) for w, same in zip(weights, rng.random(count) < shown, strict=True)]


def seed_flags(
    services: Services,
    prefix: str,
    decisions: Sequence[tuple[float, bool]],
    *,
    model_version: str = BUNDLED.version,
    basis: str = "match_weight",
    decided: bool = True,
    decided_at: datetime | None = None,
) -> None:
    """Flags stored through the store's own repository (raising hundreds through the matcher would be slow): each
    links a new record to the one before it, and is decided (or left pending) as given."""
    now = decided_at or services.clock.now()
    people = [
        IndexedPerson(
            RecordSource.ARRIVAL,
            f"case-{prefix}",
            IdentityRecord(f"{prefix}-{n}", GIVEN, FAMILY, date(1990, 1, 1), "IRN", "F", f"DOC-{prefix}-{n}", None),
        )
        for n in range(len(decisions) + 1)
    ]
    flags = [
        IdentityFlag(
            id=f"{prefix}-flag-{n}",
            record_id=f"{prefix}-{n + 1}",
            candidate_record_id=f"{prefix}-{n}",
            model_version=model_version,
            match_weight=weight,
            match_probability=BUNDLED.match_probability(weight, 1),
            basis=basis,
            contributions={"name": weight},
            levels={"name": "same name"},
            raised_at=now - timedelta(days=1),
        )
        for n, (weight, _) in enumerate(decisions)
    ]
    with services.uow() as uow:
        uow.identity.add_people(people, now)
        uow.identity.add_flags(flags)
        if decided:
            for flag, (_, same) in zip(flags, decisions, strict=True):
                decision = FlagDecision(same, "identity-officer", f"compared {GIVEN} {FAMILY}", now, f"cmd-{flag.id}")
                uow.identity.save_decision(flag.decided(decision))
        uow.commit()


def seed_decoys(services: Services) -> None:
    """Flags that must not count: decided by fingerprints (all "not the same person" at high weights, which would
    flatten the curve), raised under other weights (all "same person" at low weights, which would raise its
    intercept), and pending."""
    seed_flags(services, "bio", [(6.0 + n / 100, False) for n in range(150)], basis="biometric")
    seed_flags(services, "old", [(0.5 + n / 100, True) for n in range(150)], model_version=OTHER_WEIGHTS)
    seed_flags(services, "open", [(1.0, True)] * 50, decided=False)


def test_only_flags_decided_on_the_weight_under_the_same_weights_are_read(services: Services) -> None:
    genuine = known_curve(40, seed=1)
    seed_flags(services, "new", genuine)
    seed_decoys(services)

    decided = decisions_for_calibration(services, BUNDLED.versions_with_these_weights())

    # Decided at one moment, so in no particular order; every pair a (weight, answer), nothing else.
    assert sorted(decided.pairs) == sorted(genuine)
    assert (decided.same_person, decided.not_same_person) == (
        sum(same for _, same in genuine),
        sum(not same for _, same in genuine),
    )
    assert dict(decided.by_model_version) == {BUNDLED.version: 40}
    assert decided.first_decided_at == decided.last_decided_at == services.clock.now()
    # The other weights' flags are there, and read when their version is asked for.
    assert len(decisions_for_calibration(services, {OTHER_WEIGHTS}).pairs) == 150


def test_since_leaves_out_earlier_decisions(services: Services) -> None:
    start = services.clock.now()
    seed_flags(services, "early", known_curve(10, seed=2), decided_at=start)
    seed_flags(services, "late", known_curve(7, seed=3), decided_at=start + timedelta(days=3))

    decided = decisions_for_calibration(services, {BUNDLED.version}, since=start + timedelta(days=1))

    assert len(decided.pairs) == 7
    assert decided.first_decided_at == start + timedelta(days=3)


def test_the_read_is_audited_with_no_personal_data(services: Services) -> None:
    seed_flags(services, "new", known_curve(5, seed=4))

    decisions_for_calibration(services, {BUNDLED.version})

    with services.uow() as uow:
        [entry] = [e for e in uow.audit.latest(50) if e.event.action == READ_DECISIONS_FOR_CALIBRATION]
    assert (entry.event.record_ids, entry.event.outcome) == ((), "read")
    text = json.dumps(entry.fields(), default=str)
    for personal in (GIVEN, FAMILY, "new-", "DOC-", "compared"):
        assert personal not in text


HOSSEIN = {"given_names": "Hossein", "family_name": "Rezaei", "nationality": "IRN", "date_of_birth": date(1994, 3, 17)}
LEILA = {"given_names": "Leila", "family_name": "Karimi", "nationality": "IRN", "date_of_birth": date(1991, 6, 2)}


def test_flags_raised_and_decided_through_the_services_are_read_unless_fingerprints_decided_them(
    services: Services, clock: SettableClock
) -> None:
    services.identity = SplinkIdentityResolver(today=date(2026, 1, 1))
    at = services.clock.now() - timedelta(hours=4)
    record_boat(services, "boat-1", HOSSEIN, LEILA | {"biometric_ref": "FP-9"}, at=at)
    clock.current += timedelta(days=30)
    again = record_boat(
        services,
        "boat-2",
        {**HOSSEIN, "given_names": "Hosein", "family_name": "Rezai"},
        LEILA | {"given_names": "Layla", "biometric_ref": "FP-9"},
        at=services.clock.now() - timedelta(hours=4),
    )["cases"]
    flags = [flag for case in again for flag in identity_flags(services, case["case_id"])]
    assert sorted(flag.basis for flag in flags) == ["biometric", "match_weight"]
    for flag in flags:
        assert flag.model_version == BUNDLED.version
        command = DecideIdentityMatch(f"decide-{flag.id}", flag.id, "identity-officer", True, "photographs compared")
        decide_identity_match(services, command)

    decided = decisions_for_calibration(services, BUNDLED.versions_with_these_weights())

    [by_weight] = [flag for flag in flags if flag.basis == "match_weight"]
    assert decided.pairs == ((by_weight.match_weight, True),)


# --- the command


def invoke(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    from parity.audit import new_signer

    key = tmp_path / "audit-key.pem"
    key.write_bytes(new_signer().private_pem())
    monkeypatch.setenv("PARITY_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("PARITY_AUDIT_SIGNING_KEY", str(key))
    monkeypatch.delenv("PARITY_IDENTITY_MODEL", raising=False)
    return CliRunner().invoke(app, ["identity", "calibrate-from-decisions", *args])


def test_the_command_refits_on_decisions_and_keeps_the_weights_and_flags(
    services: Services, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    genuine = known_curve(1_000, seed=7)
    seed_flags(services, "new", genuine)
    seed_decoys(services)
    out = tmp_path / "models"
    out.mkdir()

    result = invoke(engine, tmp_path, monkeypatch, str(out), "--fitted-on", "2027-03-01")

    assert result.exit_code == 0, result.output
    assert "1000 decided flags" in result.output
    assert f"Before (model {BUNDLED.version})" in result.output
    assert "After (refitted on these decisions)" in result.output
    (written,) = out.iterdir()
    model = IdentityModel.load(written)
    calibration = model.calibration
    assert calibration is not None
    # The fit is the one fit function on exactly the genuine decisions: the decoys changed nothing...
    expected = fit_calibration_to_decisions([w for w, _ in genuine], [s for _, s in genuine], provenance={})
    assert calibration.intercept == pytest.approx(expected.intercept, abs=1e-5)
    assert calibration.weight_coefficient == pytest.approx(expected.weight_coefficient, abs=1e-5)
    # ... and it finds the curve the answers were drawn from (about 3 standard deviations at 1,000 decisions).
    assert calibration.intercept == pytest.approx(TRUE_INTERCEPT, abs=0.6)
    assert calibration.weight_coefficient == pytest.approx(TRUE_COEFFICIENT, abs=0.2)
    assert calibration.register_size_coefficient == 0.0
    # Same weights, threshold and so flags; a new version, named in the file's name.
    assert (model.splink_settings, model.match_weight_threshold, model.reference_register_size) == (
        BUNDLED.splink_settings,
        BUNDLED.match_weight_threshold,
        BUNDLED.reference_register_size,
    )
    assert model.weights_version == BUNDLED.weights_version == "12295d49235e4b4a"
    assert model.version not in {BUNDLED.version, BUNDLED.weights_version}
    assert written.name == f"identity-model-{model.version}.json"
    # Provenance: decided flags, how many, when, under which models.
    provenance = calibration.provenance
    assert provenance["data"].startswith("decided flags")
    assert (provenance["decisions"], provenance["same_person"]) == (1_000, sum(s for _, s in genuine))
    assert provenance["decided_from"] == provenance["decided_to"] == services.clock.now().date().isoformat()
    assert provenance["decisions_by_model"] == {BUNDLED.version: 1_000}
    assert provenance["weights_of_model"] == "12295d49235e4b4a"
    assert provenance["models_with_these_weights"] == sorted({BUNDLED.version, "12295d49235e4b4a"})
    assert provenance["fitted_on"] == "2027-03-01"
    assert "database" not in provenance  # a model file may be shipped: it names no host, user or database
    # The next refit from the new file still counts the flags raised under the bundled file.
    assert BUNDLED.version in model.versions_with_these_weights()
    assert model.version in model.versions_with_these_weights()
    # No personal data in the file, and the read was audited as the local operator.
    text = written.read_text(encoding="utf-8")
    for personal in (GIVEN, FAMILY, "new-", "DOC-", "compared"):
        assert personal not in text
    with services.uow() as uow:
        [entry] = [e for e in uow.audit.latest(50) if e.event.action == READ_DECISIONS_FOR_CALIBRATION]
    assert entry.event.actor_id.startswith("cli:")
    assert (entry.event.origin, entry.event.record_ids) == ("cli", ())


def test_the_command_refuses_too_few_decisions_and_writes_nothing(
    services: Services, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 250 decisions in all, but only 15 "not the same person" among those that count.
    seed_flags(services, "same", [(2.0 + n / 100, True) for n in range(235)])
    seed_flags(services, "not", [(0.6 + n / 100, False) for n in range(15)])
    seed_decoys(services)  # 150 more "not the same person", by fingerprints: they do not count
    out = tmp_path / "models"
    out.mkdir()

    result = invoke(engine, tmp_path, monkeypatch, str(out))

    assert result.exit_code == 1
    assert "250 decided flags" in result.output
    assert "too few decisions" in result.output
    assert "at least 200, with at least 20 of each answer" in result.output
    assert list(out.iterdir()) == []
    with services.uow() as uow:
        assert any(e.event.action == READ_DECISIONS_FOR_CALIBRATION for e in uow.audit.latest(50))


def test_the_command_counts_an_earlier_file_with_the_same_weights_and_refuses_one_with_others(
    services: Services, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier = replace(BUNDLED, calibration=Calibration(0.1, 1.2, 0.0, {"weights_of_model": BUNDLED.weights_version}))
    earlier_file = earlier.save(tmp_path / "earlier.json")
    other = replace(BUNDLED, match_weight_threshold=1.0).save(tmp_path / "other.json")
    seed_flags(services, "new", known_curve(300, seed=8), model_version=earlier.version)
    out = tmp_path / "models"
    out.mkdir()

    refused = invoke(engine, tmp_path, monkeypatch, str(out), "--same-weights-model", str(other))
    assert refused.exit_code == 1
    assert "other weights or another threshold" in refused.output

    without = invoke(engine, tmp_path, monkeypatch, str(out))
    assert without.exit_code == 1
    assert "0 decided flags" in without.output

    result = invoke(engine, tmp_path, monkeypatch, str(out), "--same-weights-model", str(earlier_file))
    assert result.exit_code == 0, result.output
    (written,) = out.iterdir()
    provenance = IdentityModel.load(written).calibration.provenance  # type: ignore[union-attr]
    assert provenance["decisions_by_model"] == {earlier.version: 300}
    assert earlier.version in provenance["models_with_these_weights"]


def test_since_takes_a_date(
    services: Services, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_flags(services, "new", known_curve(300, seed=9), decided_at=datetime(2025, 9, 1, tzinfo=UTC))
    result = invoke(engine, tmp_path, monkeypatch, str(tmp_path / "m.json"), "--since", "2025-09-02")
    assert result.exit_code == 1
    assert "0 decided flags" in result.output
    malformed = invoke(engine, tmp_path, monkeypatch, str(tmp_path / "m.json"), "--since", "1 Sept")
    assert malformed.exit_code == 1
    assert "--since takes YYYY-MM-DD" in malformed.output
