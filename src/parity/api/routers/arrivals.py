"""Recording small-boat arrivals, one boat at a time or a whole CSV file (all or nothing)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from parity.accounts.roles import Principal, Scope
from parity.api.http import IdempotencyKey, command_id, documented
from parity.api.problems import ProblemError
from parity.api.schemas import ArrivalIn, ArrivalOut, ImportOut
from parity.api.security import require, services_of
from parity.domain.errors import InvalidCommand
from parity.domain.messages import Message
from parity.services.arrivals_csv import ArrivalsFileRejected, parse_arrivals_csv
from parity.services.intake import PersonInput, RecordArrival, import_arrivals, record_arrival

router = APIRouter(prefix="/arrivals", tags=["arrivals"])
Writer = Annotated[Principal, Depends(require(Scope.ARRIVALS_WRITE))]
CSV_EXAMPLE = (
    "boat_ref,arrived_at,place,given_names,family_name,nationality,sex,age_status,grounds,departed_from\n"
    "SB-7,2025-09-01T04:10:00+01:00,Dover,Yonas,Tesfay,ERI,M,adult,protection_claim,FR\n"
)


@router.post(
    "",
    status_code=201,
    response_model=ArrivalOut,
    responses=documented(ArrivalOut.model_config["json_schema_extra"]["examples"][0], 201),  # type: ignore[index]
)
def create_arrival(body: ArrivalIn, request: Request, principal: Writer, key: IdempotencyKey = None) -> dict[str, Any]:
    """Record one boat and screen everyone on it: a return case is opened for each person."""
    people = tuple(PersonInput(**{**p.model_dump(), "grounds": frozenset(p.grounds)}) for p in body.people)
    command = RecordArrival(
        command_id(principal, key),
        principal.user_id,
        body.scheme_id,
        body.boat_ref,
        body.arrived_at,
        body.place,
        people,
    )
    return dict(record_arrival(services_of(request), command))


@router.post(
    "/imports",
    status_code=201,
    response_model=ImportOut,
    responses=documented(ImportOut.model_config["json_schema_extra"]["examples"][0], 201),  # type: ignore[index]
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE}},
        }
    },
)
async def import_arrivals_file(
    request: Request,
    principal: Writer,
    scheme_id: Annotated[str, Query(alias="scheme", min_length=1, max_length=64)] = "uk-fr-2025",
    key: IdempotencyKey = None,
) -> dict[str, Any]:
    """Import a CSV file of arrivals (one row per person): every bad line is reported and nothing is kept."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "text/csv":
        raise ProblemError("unsupported_media_type", Message("send the file as text/csv (UTF-8)"))
    raw = await request.body()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidCommand(Message("the file is not UTF-8 text (byte %(byte)s)", byte=error.start)) from None
    services = services_of(request)
    try:
        parsed = parse_arrivals_csv(text, services.scheme(scheme_id), principal.user_id, services.clock.now())
    except ArrivalsFileRejected as error:
        raise InvalidCommand(f"the file was not imported: {error}") from None
    result = await run_in_threadpool(
        import_arrivals,
        services,
        command_id(principal, key or f"import-{parsed.file_hash}"),
        scheme_id,
        parsed.arrivals,
    )
    return dict(result)
