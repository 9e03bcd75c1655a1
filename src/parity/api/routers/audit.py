"""Reading and verifying the audit log (scope audit:read). There is no route that writes, edits or deletes it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from parity.accounts.roles import Principal, Scope
from parity.api.http import documented
from parity.api.schemas import AuditEntryOut, VerificationOut
from parity.api.security import require, services_of
from parity.services.audit import latest_entries, verify

router = APIRouter(prefix="/audit", tags=["audit"])
Reader = Annotated[Principal, Depends(require(Scope.AUDIT_READ))]
LAST_POSITION = 2**63 - 1  # the largest position the log's 64-bit column holds: a larger one is 422, never a 500


@router.get(
    "/entries",
    response_model=list[AuditEntryOut],
    responses=documented([AuditEntryOut.model_config["json_schema_extra"]["examples"][0]]),  # type: ignore[index]
)
def entries(
    request: Request,
    _: Reader,
    before: Annotated[
        int | None, Query(ge=1, le=LAST_POSITION, description="Entries before this position (paging back)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[AuditEntryOut]:
    """The latest entries, newest first: who, role, action, record ids, when, origin, outcome, and the hashes."""
    return [
        AuditEntryOut(**{**e.fields(), "at": e.at}, prev_hash=e.prev_hash, hash=e.hash)
        for e in latest_entries(services_of(request), limit, before)
    ]


@router.get(
    "/verification",
    response_model=VerificationOut,
    responses=documented(VerificationOut.model_config["json_schema_extra"]["examples"][0]),  # type: ignore[index]
)
def verification(request: Request, _: Reader) -> VerificationOut:
    """Walk the whole chain and its signed checkpoints; name the first entry that does not hold."""
    found = verify(services_of(request))
    return VerificationOut(
        ok=found.ok,
        checked=found.checked,
        checkpoints=found.checkpoints,
        first_bad=found.first_bad,
        reason=found.reason,
    )
