"""Data keys in use, and re-encryption under the active key after a rotation (`parity keys list|rotate`).

Which key is active is configuration (the keyring the store was given); these use cases only see counts. Each batch
of rows is re-encrypted in one transaction, as one command through `run_command` (so it is audited); an interrupted
re-encryption resumes where it stopped, because only rows still holding a value under an older key are picked.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from parity.services.context import Services, run_command
from parity.services.ports import UnitOfWork

BATCH = 500


def key_usage(services: Services) -> dict[str, int]:
    """How many stored values each key id protects."""
    with services.uow() as uow:
        return uow.personal_data.key_usage()


def reencrypt_personal_data(
    services: Services, batch: int = BATCH, progress: Callable[[int, int], None] | None = None
) -> int:
    """Re-encrypt every row holding a value under a key other than the active one; how many rows.

    `progress` hears rows done and rows there were to do, after each batch."""

    def one_batch(uow: UnitOfWork) -> Mapping[str, Any]:
        rows = uow.personal_data.reencrypt(batch)
        return {"rows": rows, "remaining": uow.personal_data.rows_to_reencrypt()}

    with services.uow() as uow:
        remaining = uow.personal_data.rows_to_reencrypt()
    total, done = remaining, 0
    while remaining:
        result = run_command(services, str(uuid.uuid4()), "reencrypt_personal_data", {"batch": batch}, one_batch)
        if not result["rows"]:
            break  # someone else finished the re-encryption meanwhile
        done += int(result["rows"])
        remaining = int(result["remaining"])
        if progress is not None:
            progress(done, max(total, done + remaining))
    return done
