"""Identity flags (issue 5; brief §10 rules 11 and 16): the matcher only flags, a person decides.

Reading the list needs the case scopes of both legs; it carries no names, only the evidence's weights, and of a
decision only who took it, when and which way: its reason is free text an officer typed about the person (names,
dates, document numbers), so it is left out. One flag with both records side by side, and the decision's reason, is
personal data: it needs `personal-data:read` and the read is audited. Deciding
needs to act on both kinds of case, because a confirmed link changes a return case (expedited return) or an
admission case (excluded). The readmitting state's liaison officer has none of these (treaty Art. 16). The
decision is recorded on the case with the model version that raised the flag, and audited.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from parity.accounts.roles import Principal, Scope
from parity.api.http import IdempotencyKey, audit_read, command_id, documented
from parity.api.schemas import (
    IDENTITY_FLAG_EXAMPLE,
    IdentityDecisionIn,
    IdentityDecisionOut,
    IdentityFlagEvidenceOut,
    IdentityFlagOut,
)
from parity.api.security import require, services_of
from parity.domain.identity_links import IdentityFlag, LinkedRecord
from parity.identity import IdentityRecord
from parity.services.identity import (
    DecideIdentityMatch,
    FlaggedPair,
    case_flagged_pairs,
    decide_identity_match,
    identity_flag_evidence,
    pending_identity_flags,
)


class ListedFlagDecisionOut(BaseModel):
    """A flag's decision as listed: who took it, when and which way, without the reason (personal data)."""

    same_person: bool
    actor: str = Field(description="The deciding user's id")
    decided_at: datetime


class ListedIdentityFlagOut(IdentityFlagOut):
    """A flag as listed: no names, only weights; the decision's reason is on `GET /identity-flags/{flag_id}`."""

    # Pydantic replaces the parent's field (the decision with its reason) with this one; mypy sees only the clash.
    decision: ListedFlagDecisionOut | None = Field(  # type: ignore[assignment]
        description="Without its reason, which is free text about the person: read it on the flag itself"
    )


router = APIRouter(prefix="/identity-flags", tags=["identity flags"])
READ_FLAGS = require(Scope.RETURNS_READ, Scope.ADMISSIONS_READ)
READ_EVIDENCE = require(Scope.RETURNS_READ, Scope.ADMISSIONS_READ, Scope.PERSONAL_DATA_READ)
DECIDE = require(Scope.RETURNS_ACT, Scope.ADMISSIONS_ACT, Scope.PERSONAL_DATA_READ)


@router.get("", response_model=list[ListedIdentityFlagOut], responses=documented([IDENTITY_FLAG_EXAMPLE]))
def flags(
    request: Request,
    _: Annotated[Principal, Depends(READ_FLAGS)],
    case_id: Annotated[str | None, Query(max_length=64, description="Every flag of this case's people")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[dict[str, Any]]:
    """Without `case_id`: the flags nobody has decided yet, oldest first (a flag on an arrival waits while the
    readmission request's 14 days run). With it: that case's flags, pending and decided, oldest first. A decision
    is listed without its reason (free text about the person): `GET /identity-flags/{flag_id}` gives it."""
    services = services_of(request)
    found = pending_identity_flags(services, limit) if case_id is None else case_flagged_pairs(services, case_id)
    return [_listed(pair) for pair in found[:limit]]


@router.get("/{flag_id}", response_model=IdentityFlagEvidenceOut, responses=documented(IDENTITY_FLAG_EXAMPLE))
def flag(flag_id: str, request: Request, _: Annotated[Principal, Depends(READ_EVIDENCE)]) -> dict[str, Any]:
    """One flag, pending or decided, with both records as indexed (personal data; the read is audited)."""
    evidence = identity_flag_evidence(services_of(request), flag_id)
    pair = evidence.pair
    audit_read(request, "identity_flag:read", [flag_id, pair.record.record_id, pair.candidate.record_id])
    return {
        **_pair(pair),
        "record_person": _person(evidence.record_person),
        "candidate_person": _person(evidence.candidate_person),
    }


@router.post("/{flag_id}/decision", response_model=IdentityDecisionOut, responses=documented(IDENTITY_FLAG_EXAMPLE))
def decide(
    flag_id: str,
    body: IdentityDecisionIn,
    request: Request,
    principal: Annotated[Principal, Depends(DECIDE)],
    key: IdempotencyKey = None,
) -> dict[str, Any]:
    """Same person or not, with the reason. "Same person" flags a returnee who crossed again for expedited return,
    or excludes an applicant recorded as having entered irregularly; "not the same person" changes no
    eligibility. A flag is decided once (409 when someone decided it first)."""
    command = DecideIdentityMatch(command_id(principal, key), flag_id, principal.user_id, body.same_person, body.reason)
    return dict(decide_identity_match(services_of(request), command))


def _listed(pair: FlaggedPair) -> dict[str, Any]:
    """The flag without its decision's reason: the list needs no personal-data scope, and its read is not audited."""
    listed = _pair(pair)
    if listed["decision"] is not None:
        listed["decision"] = {k: v for k, v in listed["decision"].items() if k != "reason"}
    return listed


def _pair(pair: FlaggedPair) -> dict[str, Any]:
    return {**_flag_fields(pair.flag), "record": _side(pair.record), "candidate": _side(pair.candidate)}


def _flag_fields(flag: IdentityFlag) -> dict[str, Any]:
    decision = flag.decision
    return {"flag_id": flag.id, **flag.evidence(), "decision": None if decision is None else asdict(decision)}


def _side(record: LinkedRecord) -> dict[str, Any]:
    return {
        "record_id": record.record_id,
        "source": record.source.value,
        "case_id": record.case_id,
        "returned": record.returned,
    }


def _person(person: IdentityRecord | None) -> dict[str, Any] | None:
    return None if person is None else asdict(person)
