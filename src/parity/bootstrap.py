"""The composition root: configuration in, adapters chosen, services out. Nothing else wires things together."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from parity.audit.signing import CheckpointSigner, new_signer, signer_from_text
from parity.config import DEFAULT_AUDIT_KEY, DEFAULT_DATA_KEY_FILE, Settings
from parity.identity.port import DeferredIdentityResolver, IdentityResolver, NullIdentityResolver
from parity.protection import FieldCipher, KeyConfigurationError, Keyring
from parity.protection.key_file import read_key_file, readable_by_others, write_key_file
from parity.protection.keyring import keyring_from_settings
from parity.scheme import load_scheme
from parity.services.audit import AuditPolicy
from parity.services.context import Services, SystemClock
from parity.services.ports import Clock
from parity.store.database import SqlUnitOfWorkFactory, make_engine
from parity.store.migrate import upgrade

log = logging.getLogger(__name__)


def database(url: str, *, migrate: bool = True) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in {None, "", ":memory:"}:
        Path(parsed.database or "").parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    if migrate:
        upgrade(engine)
    return engine


def build_services(settings: Settings, clock: Clock | None = None, engine: Engine | None = None) -> Services:
    engine = engine or database(settings.database_url)
    services = Services(
        uow=SqlUnitOfWorkFactory(engine, FieldCipher(data_keyring(settings))),
        clock=clock or SystemClock(),
        identity=identity(settings),
        audit=AuditPolicy(audit_signer(settings), settings.audit_checkpoint_every),
    )
    for reference in settings.schemes:
        services.register(load_scheme(reference))
    return services


def identity(settings: Settings) -> IdentityResolver:
    """The identity resolver the settings ask for; the Splink one is built, and filled from the store's identity
    index, when the first check needs it."""
    if settings.identity == "none":
        return NullIdentityResolver()

    def build() -> IdentityResolver:
        from parity.identity.live import SplinkIdentityResolver
        from parity.identity.model import IdentityModel

        model = IdentityModel.load(settings.identity_model) if settings.identity_model else None
        return SplinkIdentityResolver(model)

    return DeferredIdentityResolver(build)


def audit_signer(settings: Settings) -> CheckpointSigner:
    """The configured checkpoint key (PEM text, or a path to a PEM file); without one, a key kept in
    var/audit-signing-key.pem, created on first use (for local runs and the demo: configure a managed key in
    production, as checkpoints are only as trustworthy as their key)."""
    configured = settings.audit_signing_key
    if configured and configured.lstrip().startswith("-----BEGIN"):
        return signer_from_text(configured)
    path = Path(configured) if configured else DEFAULT_AUDIT_KEY
    if path.exists():
        return signer_from_text(path.read_bytes())
    if configured:
        raise ValueError(f"PARITY_AUDIT_SIGNING_KEY names {path}, which does not exist")
    signer = new_signer()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_bytes(signer.private_pem())
    return signer


def data_keyring(settings: Settings) -> Keyring:
    """The keys personal data is encrypted with: PARITY_DATA_KEYS (with PARITY_DATA_INDEX_KEY and/or
    PARITY_DATA_INDEX_KEYS) or the key file PARITY_DATA_KEY_FILE. With neither, var/data-keys.json, created on first
    use: for local runs and the demo only. Production must configure its keys and keep them apart from the database
    and its backups."""
    if settings.data_keys:
        return keyring_from_settings(settings.data_keys, settings.data_index_key, settings.data_index_keys)
    path = data_key_file(settings)
    if path.exists():
        if readable_by_others(path):
            log.warning("the data key file %s is readable by other users: chmod 600 it", path)
        return read_key_file(path)
    if settings.data_key_file is not None:
        raise KeyConfigurationError(f"PARITY_DATA_KEY_FILE names {path}, which does not exist")
    keyring = Keyring.generate()
    write_key_file(path, keyring)
    log.warning(
        "NO DATA KEYS CONFIGURED: personal data will be encrypted with a key generated into %s. This is for local "
        "runs and the demo only: in production set PARITY_DATA_KEYS and PARITY_DATA_INDEX_KEY, or "
        "PARITY_DATA_KEY_FILE, and keep the keys apart from the database and its backups (losing them loses the data).",
        path,
    )
    return keyring


def data_key_file(settings: Settings) -> Path:
    """The key file in use (when the keys do not come from PARITY_DATA_KEYS)."""
    return settings.data_key_file or DEFAULT_DATA_KEY_FILE
