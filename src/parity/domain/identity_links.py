"""Identity flags: a possible earlier record of the same person, raised by the matcher and decided by a person.

The matcher only flags. A flag changes nothing until a person confirms it; what a confirmed link then means for
eligibility is decided here: a previous returnee crossing again is flagged for expedited return (brief §10
rule 11), and an applicant for admission who is recorded as having entered irregularly is excluded (rule 16).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from parity.domain.errors import InvalidCommand
from parity.domain.lifecycle import Action
from parity.domain.messages import Message
from parity.domain.payloads import required_text
from parity.scheme.model import AdmissionExclusion, Scheme

# The action recorded on a case when a person decides an identity flag raised for one of its people.
DECIDE_IDENTITY_MATCH = "decide_identity_match"
# What a confirmed link's consequences on a case carry besides their own fields: the flag decided and the model.
LINK_EVIDENCE = ("flag_id", "model_version")
IDENTITY_DECISION_FIELDS = (*LINK_EVIDENCE, "record_id", "candidate_record_id", "same_person", "reason", "match_weight")


class RecordSource(StrEnum):
    """Where a person record in the identity index comes from."""

    ARRIVAL = "arrival"  # a small-boat arrival: an irregular entry; its case is a return case
    ADMISSION = "admission"  # a member of an expression of interest; its case is an admission case


class FlagStatus(StrEnum):
    PENDING = "pending"
    SAME_PERSON = "same_person"
    NOT_SAME_PERSON = "not_same_person"


@dataclass(frozen=True)
class FlagDecision:
    same_person: bool
    actor: str
    reason: str
    decided_at: datetime
    command_id: str


@dataclass(frozen=True)
class IdentityFlag:
    """A candidate earlier record for a new record, with the model's evidence. Pending until a person decides."""

    id: str
    record_id: str  # the new record, checked at intake or at expression of interest
    candidate_record_id: str  # the earlier record the matcher proposes
    model_version: str
    match_weight: float
    match_probability: float
    basis: str  # "match_weight", or "biometric" when fingerprint references on both records agree
    contributions: Mapping[str, float]  # each field's share of the match weight (log2 Bayes factor)
    levels: Mapping[str, str]  # the comparison level each field fell in
    raised_at: datetime
    decision: FlagDecision | None = None

    @property
    def status(self) -> FlagStatus:
        if self.decision is None:
            return FlagStatus.PENDING
        return FlagStatus.SAME_PERSON if self.decision.same_person else FlagStatus.NOT_SAME_PERSON

    def evidence(self) -> dict[str, Any]:
        """What the matcher said, as plain values: the two records, the model and its weights, the status."""
        return {
            "record_id": self.record_id,
            "candidate_record_id": self.candidate_record_id,
            "model_version": self.model_version,
            "match_weight": self.match_weight,
            "match_probability": self.match_probability,
            "basis": self.basis,
            "contributions": dict(self.contributions),
            "levels": dict(self.levels),
            "raised_at": self.raised_at,
            "status": self.status.value,
        }

    def decided(self, decision: FlagDecision) -> IdentityFlag:
        if self.decision is not None:
            raise InvalidCommand(
                Message(
                    "identity flag %(flag)s was already decided (%(status)s) by %(actor)s",
                    flag=self.id,
                    status=self.status.value,
                    actor=self.decision.actor,
                )
            )
        if not decision.reason.strip():
            raise InvalidCommand(
                Message("field 'reason' is required: say why the records are or are not the same person")
            )
        return replace(self, decision=decision)


@dataclass(frozen=True)
class LinkedRecord:
    """One side of a flag: the record, the case it belongs to, and whether that case ended in a return."""

    record_id: str
    source: RecordSource
    case_id: str
    returned: bool = False


@dataclass(frozen=True)
class LinkConsequence:
    """An action a confirmed link requires on a case."""

    source: RecordSource  # the kind of case: arrival -> return case, admission -> admission case
    case_id: str
    action: str
    payload: dict[str, Any] = field(default_factory=dict)


def confirmed_link_consequences(record: LinkedRecord, candidate: LinkedRecord) -> list[LinkConsequence]:
    """What a confirmed "same person" means for eligibility; an empty list when it changes nothing."""
    consequences: list[LinkConsequence] = []
    if record.source is RecordSource.ARRIVAL and candidate.source is RecordSource.ARRIVAL and candidate.returned:
        consequences.append(
            LinkConsequence(
                RecordSource.ARRIVAL,
                record.case_id,
                "flag_recrossing",
                {
                    "previous_case_id": candidate.case_id,
                    "evidence": "confirmed identity match with a previous returnee (rule 11)",
                },
            )
        )
    sources = {record.source, candidate.source}
    if sources == {RecordSource.ARRIVAL, RecordSource.ADMISSION}:
        # Either order: an applicant who crossed before applying, or one who crosses while the application is open.
        applicant = record if record.source is RecordSource.ADMISSION else candidate
        arrival = candidate if applicant is record else record
        consequences.append(
            LinkConsequence(
                RecordSource.ADMISSION,
                applicant.case_id,
                "record_exclusion",
                {
                    "member_id": applicant.record_id,
                    "exclusion": AdmissionExclusion.PRIOR_IRREGULAR_ENTRY.value,
                    "evidence": f"confirmed identity match with the small-boat arrival of case {arrival.case_id}",
                },
            )
        )
    return consequences


def check_identity_decision(case: object, action: Action, scheme: Scheme) -> None:  # noqa: ARG001 (guard signature)
    """The guard of ``decide_identity_match`` on either case type: the decision names its flag, its answer, why,
    and the model version whose evidence it was taken on."""
    required_text(action.payload, "flag_id")
    required_text(action.payload, "reason")
    required_text(action.payload, "model_version")
    if not isinstance(action.payload.get("same_person"), bool):
        raise InvalidCommand(Message("field 'same_person' is required and must be true or false"))
