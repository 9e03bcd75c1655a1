"""Identity resolution: who is this person, and have we seen them before?

Normalisation for transliterated names, a Splink model with a versioned model file, a live check of one record
against the register, batch re-linking with clustering, a labelled synthetic generator and evaluation.
It flags; a person decides.
"""

from parity.identity.live import SplinkIdentityResolver
from parity.identity.model import IdentityModel, train_model
from parity.identity.port import CandidateMatch, IdentityCheck, IdentityResolver, NullIdentityResolver
from parity.identity.records import IdentityRecord, RejectedRecord
from parity.identity.relink import RelinkResult, relink

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
