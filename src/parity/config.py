"""Settings from the environment, with defaults that run Parity on an embedded SQLite file and nothing else."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATABASE = Path("var") / "parity.db"


@dataclass(frozen=True)
class Settings:
    database_url: str
    schemes: tuple[str, ...]

    @classmethod
    def from_environment(cls) -> Settings:
        url = os.environ.get("PARITY_DATABASE_URL") or f"sqlite:///{DEFAULT_DATABASE}"
        schemes = os.environ.get("PARITY_SCHEMES", "uk-fr-2025,eu-tr-2016")
        return cls(database_url=url, schemes=tuple(s.strip() for s in schemes.split(",") if s.strip()))
