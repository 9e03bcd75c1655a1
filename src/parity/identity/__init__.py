"""Identity resolution: who is this person, and have we seen them before?

Normalisation for transliterated names, a Splink model with a versioned model file, a live check of one record
against the register, batch re-linking with clustering, a labelled synthetic generator and evaluation.
It flags; a person decides.

The names below are imported on first use: Splink and DuckDB take most of a second to import, and the services
and the main CLI import the port and record types on every start whether or not a check is run.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parity.identity.batch import RelinkResult, relink
    from parity.identity.live import SplinkIdentityResolver
    from parity.identity.model import IdentityModel, train_model
    from parity.identity.port import CandidateMatch, IdentityCheck, IdentityResolver, NullIdentityResolver
    from parity.identity.records import IdentityRecord, RejectedRecord

_MODULE_OF = {
    "CandidateMatch": "port",
    "IdentityCheck": "port",
    "IdentityModel": "model",
    "IdentityRecord": "records",
    "IdentityResolver": "port",
    "NullIdentityResolver": "port",
    "RejectedRecord": "records",
    "RelinkResult": "batch",
    "SplinkIdentityResolver": "live",
    "relink": "batch",
    "train_model": "model",
}

__all__ = [
    "CandidateMatch",
    "IdentityCheck",
    "IdentityModel",
    "IdentityRecord",
    "IdentityResolver",
    "NullIdentityResolver",
    "RejectedRecord",
    "RelinkResult",
    "SplinkIdentityResolver",
    "relink",
    "train_model",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
