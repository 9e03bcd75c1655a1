"""Keys in use, re-encryption under the active data key and re-indexing under the active blind index key after a
rotation (`parity keys list|rotate|rotate-index`).

Which keys are active is configuration (the keyring the store was given); these use cases only see counts. Each
batch of rows is re-encrypted or re-indexed in one transaction, as one command through `run_command` (so it is
audited); an interrupted run resumes where it stopped, because only rows still holding a value under an older key
are picked.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from parity.services.context import Services, run_command
from parity.services.ports import PersonalDataStore, UnitOfWork

BATCH = 500

Progress = Callable[[int, int], None]


def key_usage(services: Services) -> dict[str, int]:
    """How many stored values each data key id protects."""
    with services.uow() as uow:
        return uow.personal_data.key_usage()


def index_key_usage(services: Services) -> dict[str, int]:
    """How many stored blind index values each index key id made."""
    with services.uow() as uow:
        return uow.personal_data.index_key_usage()


def reencrypt_personal_data(services: Services, batch: int = BATCH, progress: Progress | None = None) -> int:
    """Re-encrypt every row holding a value under a key other than the active one; how many rows.

    `progress` hears rows done and rows there were to do, after each batch."""
    return _in_batches(
        services,
        "reencrypt_personal_data",
        lambda store: store.rows_to_reencrypt(),
        lambda store: store.reencrypt(batch),
        batch=batch,
        progress=progress,
    )


def reindex_personal_data(services: Services, batch: int = BATCH, progress: Progress | None = None) -> int:
    """Recompute under the active index key the blind indexes of every row holding one under another index key; how
    many rows. Lookups find a row under either key meanwhile.

    `progress` hears rows done and rows there were to do, after each batch."""
    return _in_batches(
        services,
        "reindex_personal_data",
        lambda store: store.rows_to_reindex(),
        lambda store: store.reindex(batch),
        batch=batch,
        progress=progress,
    )


def _in_batches(
    services: Services,
    name: str,
    to_do: Callable[[PersonalDataStore], int],
    one: Callable[[PersonalDataStore], int],
    *,
    batch: int,
    progress: Progress | None,
) -> int:
    """Run `one` batch after another, each a command `name` in its own transaction, until `to_do` counts none left."""

    def one_batch(uow: UnitOfWork) -> Mapping[str, Any]:
        rows = one(uow.personal_data)
        return {"rows": rows, "remaining": to_do(uow.personal_data)}

    with services.uow() as uow:
        remaining = to_do(uow.personal_data)
    total, done = remaining, 0
    while remaining:
        result = run_command(services, str(uuid.uuid4()), name, {"batch": batch}, one_batch)
        if not result["rows"]:
            break  # someone else finished meanwhile
        done += int(result["rows"])
        remaining = int(result["remaining"])
        if progress is not None:
            progress(done, max(total, done + remaining))
    return done
