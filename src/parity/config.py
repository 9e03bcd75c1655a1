"""Settings from the environment, with defaults that run Parity on an embedded SQLite file and nothing else."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATABASE = Path("var") / "parity.db"
DEFAULT_AUDIT_KEY = Path("var") / "audit-signing-key.pem"  # created on first use when no key is configured
DEFAULT_DATA_KEY_FILE = Path("var") / "data-keys.json"  # likewise, for local runs and the demo only
IDENTITY_RESOLVERS = ("splink", "none")


@dataclass(frozen=True)
class Settings:
    database_url: str
    schemes: tuple[str, ...]
    # Identity resolution at intake and expression of interest: "splink" (the trained model) or "none".
    identity: str = "splink"
    identity_model: Path | None = None  # a model file from `parity identity train`; None: the bundled model
    # Audit log checkpoints (issue 3): an Ed25519 private key as PEM text or a path to a PEM file.
    audit_signing_key: str | None = None
    audit_checkpoint_every: int = 1_000
    # The API: session cookies are Secure unless turned off for plain-HTTP local use; request bodies are bounded.
    cookie_secure: bool = True
    max_body_bytes: int = 2 * 1024 * 1024
    # The scheme's clock in `parity serve`: seconds between sweeps for lapses; 0 when cron runs `record-lapses`.
    lapse_interval_seconds: int = 300
    # Personal data at rest (issue 3 item 5): data keys "id:base64,..." (the first one writes) and the blind index
    # keys (the original one as base64, and/or "id:base64,..." once rotated, the first one computing new indexes),
    # or a key file; with neither, DEFAULT_DATA_KEY_FILE is created on first use.
    data_keys: str | None = None
    data_index_key: str | None = None
    data_index_keys: str | None = None
    data_key_file: Path | None = None

    @classmethod
    def from_environment(cls) -> Settings:
        url = os.environ.get("PARITY_DATABASE_URL") or f"sqlite:///{DEFAULT_DATABASE}"
        schemes = os.environ.get("PARITY_SCHEMES", "uk-fr-2025,eu-tr-2016")
        identity = os.environ.get("PARITY_IDENTITY", "splink").strip().lower()
        if identity not in IDENTITY_RESOLVERS:
            raise ValueError(f"PARITY_IDENTITY must be one of {', '.join(IDENTITY_RESOLVERS)}, not {identity!r}")
        model = os.environ.get("PARITY_IDENTITY_MODEL", "").strip()
        every = _positive_int("PARITY_AUDIT_CHECKPOINT_EVERY", 1_000)
        max_body = _positive_int("PARITY_MAX_BODY_BYTES", 2 * 1024 * 1024)
        lapse_interval = _whole_number("PARITY_LAPSE_INTERVAL", 300)
        data_keys = os.environ.get("PARITY_DATA_KEYS", "").strip() or None
        key_file = os.environ.get("PARITY_DATA_KEY_FILE", "").strip()
        if data_keys and key_file:
            raise ValueError("set PARITY_DATA_KEYS or PARITY_DATA_KEY_FILE, not both: which keys count is unclear")
        index_key = os.environ.get("PARITY_DATA_INDEX_KEY", "").strip() or None
        index_keys = os.environ.get("PARITY_DATA_INDEX_KEYS", "").strip() or None
        for name, value in (("PARITY_DATA_INDEX_KEY", index_key), ("PARITY_DATA_INDEX_KEYS", index_keys)):
            if value and not data_keys:
                raise ValueError(f"{name} is read only with PARITY_DATA_KEYS (a key file holds its own)")
        return cls(
            database_url=url,
            schemes=tuple(s.strip() for s in schemes.split(",") if s.strip()),
            identity=identity,
            identity_model=Path(model) if model else None,
            audit_signing_key=os.environ.get("PARITY_AUDIT_SIGNING_KEY") or None,
            audit_checkpoint_every=every,
            cookie_secure=os.environ.get("PARITY_COOKIE_SECURE", "1").strip() not in {"0", "false", "no"},
            max_body_bytes=max_body,
            lapse_interval_seconds=lapse_interval,
            data_keys=data_keys,
            data_index_key=index_key,
            data_index_keys=index_keys,
            data_key_file=Path(key_file) if key_file else None,
        )


def _positive_int(name: str, default: int) -> int:
    value = _whole_number(name, default)
    if value < 1:
        raise ValueError(f"{name} must be a positive whole number, not {value}")
    return value


def _whole_number(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()):
        raise ValueError(f"{name} must be a whole number, not {raw!r}")
    return int(raw)
