"""The web app over a seeded SQLite file, called in-process (no browser)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.web_seed import Seeded, seeded_services

from parity.services.context import Services
from parity.web import create_web_app


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Services, Seeded]:
    path: Path = tmp_path_factory.mktemp("web") / "parity.db"
    services, _clock, ids = seeded_services(f"sqlite:///{path}")
    return services, ids


@pytest.fixture
def client(seeded: tuple[Services, Seeded]) -> Iterator[TestClient]:
    with TestClient(create_web_app(seeded[0])) as client:
        yield client
