# ruff: noqa: RUF001 (French is written with its own apostrophe, U+2019)
"""The hint beside a flag's match probability says how that figure was worked out: by its model version's
calibration, by the model alone (2^w / (1 + 2^w), a flag raised before the calibration was added), or, for a model
version the running process does not know, that it cannot say."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.builders import record_boat
from tests.web_seed import Seeded, seed_identity_flags, seeded_services

from parity.accounts.roles import Role
from parity.identity.calibration import probability_from_weight
from parity.identity.live import SplinkIdentityResolver
from parity.identity.model import IdentityModel
from parity.identity.port import NullIdentityResolver
from parity.services.context import Services, SettableClock
from parity.services.identity import pending_identity_flags

SignIn = Callable[[Role], TestClient]
BUNDLED = IdentityModel.bundled_default()
CALIBRATED_EN = "this model version was calibrated on"
CALIBRATED_FR = "les fiches sur lesquelles cette version du modèle a été calibrée"
OWN_ESTIMATE_EN = "The model's own estimate from the match weight: this model version was not calibrated"
OWN_ESTIMATE_FR = "Estimation propre du modèle, tirée du poids de correspondance : cette version du modèle n’a pas"
UNKNOWN_EN = "This service does not know the model version that raised this flag"
UNKNOWN_FR = "Ce service ne connaît pas la version du modèle qui a produit ce signalement"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Services, Seeded]:
    """Flags raised under the bundled (calibrated) model, then one more raised under the same weights without the
    calibration, as a database from before the calibration was added holds; the bundled model runs again after."""
    path: Path = tmp_path_factory.mktemp("web-identity-probability") / "parity.db"
    services, clock, ids = seeded_services(f"sqlite:///{path}")
    seed_identity_flags(services, clock)
    running = services.identity
    assert isinstance(clock, SettableClock)
    services.identity = SplinkIdentityResolver(replace(BUNDLED, calibration=None), today=date(2026, 1, 1))
    services.identity_read_to = 0  # the new register reads the whole index
    hossein = {
        "given_names": "Husein",
        "family_name": "Rezaei",
        "nationality": "IRN",
        "date_of_birth": date(1994, 3, 17),
    }
    clock.current += timedelta(hours=1)
    record_boat(services, "boat-h3", hossein, at=clock.now() - timedelta(hours=1))
    services.identity = running
    return services, ids


def flag_page(client: TestClient, services: Services, version: str, lang: str) -> str:
    flag = next(p.flag for p in pending_identity_flags(services, 50) if p.flag.model_version == version)
    page = client.get(f"/identity-flags/{flag.id}?lang={lang}")
    assert page.status_code == 200
    shown = page.text[page.text.index("govuk-summary-list") :]
    return shown[: shown.index("</dl>")]


def test_a_flag_raised_under_the_running_calibrated_model_says_what_its_calibration_measured(
    signed_in: SignIn, seeded: tuple[Services, Seeded]
) -> None:
    caseworker = signed_in(Role.UK_CASEWORKER)

    english, french = (flag_page(caseworker, seeded[0], BUNDLED.version, lang) for lang in ("en", "fr"))

    assert CALIBRATED_EN in english
    assert OWN_ESTIMATE_EN not in english
    assert UNKNOWN_EN not in english
    assert CALIBRATED_FR in french


def test_a_flag_raised_under_the_weights_without_a_calibration_says_it_is_the_models_own_estimate(
    signed_in: SignIn, seeded: tuple[Services, Seeded]
) -> None:
    caseworker = signed_in(Role.UK_CASEWORKER)
    uncalibrated = [p.flag for p in pending_identity_flags(seeded[0], 50) if p.flag.model_version != BUNDLED.version]
    assert uncalibrated
    assert {f.model_version for f in uncalibrated} == {BUNDLED.weights_version}
    for flag in uncalibrated:  # what the hint says of the figure
        assert flag.match_probability == pytest.approx(probability_from_weight(flag.match_weight))

    english, french = (flag_page(caseworker, seeded[0], BUNDLED.weights_version, lang) for lang in ("en", "fr"))

    assert OWN_ESTIMATE_EN in english
    assert CALIBRATED_EN not in english
    assert BUNDLED.weights_version in english  # the model version row
    assert OWN_ESTIMATE_FR in french
    assert CALIBRATED_FR not in french


def test_a_flag_of_a_model_version_the_process_does_not_know_says_so(
    signed_in: SignIn, seeded: tuple[Services, Seeded], monkeypatch: pytest.MonkeyPatch
) -> None:
    caseworker = signed_in(Role.UK_CASEWORKER)
    monkeypatch.setattr(seeded[0], "identity", NullIdentityResolver())  # this process runs no model

    english, french = (flag_page(caseworker, seeded[0], BUNDLED.version, lang) for lang in ("en", "fr"))

    assert UNKNOWN_EN in english
    assert CALIBRATED_EN not in english
    assert OWN_ESTIMATE_EN not in english
    assert UNKNOWN_FR in french
