"""The admissions selection optimiser: which waiting families to invite when the ledger releases places.

A pure library (no database, no web): build a `SelectionRequest`, call `propose`, store `Proposal.to_dict()`.
The method, objective and benchmark are described in docs/selection.md.
"""

from parity.selection.model import Candidate, Member, SelectionRequest
from parity.selection.proposal import ChosenFamily, Method, PassedOverFamily, PassOverReason, Proposal, propose
from parity.selection.scoring import ScoreComponent, ScoredFamily, rank_families, score_family
from parity.selection.solvers import SolverReport
from parity.selection.validation import SelectionInputError, validate_request

__all__ = [
    "Candidate",
    "ChosenFamily",
    "Member",
    "Method",
    "PassOverReason",
    "PassedOverFamily",
    "Proposal",
    "ScoreComponent",
    "ScoredFamily",
    "SelectionInputError",
    "SelectionRequest",
    "SolverReport",
    "propose",
    "rank_families",
    "score_family",
    "validate_request",
]
