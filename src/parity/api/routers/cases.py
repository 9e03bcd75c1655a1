"""Return and admission cases: paged lists, case files (personal data, audited), actions with If-Match, and
proposals of decisions that a second person approves (see decisions.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from parity.accounts.roles import Principal, Scope
from parity.api.http import IdempotencyKey, IfMatch, audit_read, command_id, documented, expected_version, set_etag
from parity.api.schemas import (
    CASE_ID,
    CaseActionIn,
    CaseActionOut,
    ExpressionOfInterestIn,
    ExpressionOfInterestOut,
)
from parity.api.security import require, services_of
from parity.domain.admissions import AdmissionStatus
from parity.domain.clocks import DeadlineState
from parity.domain.decisions import CaseType
from parity.domain.returns import ReturnStatus
from parity.services.applications import ApplicantInput, SubmitExpressionOfInterest, submit_expression_of_interest
from parity.services.case_views import (
    AdmissionCaseFile,
    CaseQuery,
    Page,
    ReturnCaseFile,
    admission_case_file,
    list_admission_cases,
    list_return_cases,
    return_case_file,
)
from parity.services.cases import CaseCommand, act_on_admission_case, act_on_return_case

router = APIRouter(tags=["cases"])

PAGE_EXAMPLE = {
    "items": [
        {
            "case_id": CASE_ID,
            "scheme_id": "uk-fr-2025",
            "status": "request_sent",
            "version": 3,
            "opened_at": "2025-09-01T03:10:00+00:00",
        }
    ],
    "next_after": CASE_ID,
}
ACTION_EXAMPLE = CaseActionOut.model_config["json_schema_extra"]["examples"][0]  # type: ignore[index]
FILE_EXAMPLE = {
    "case_id": CASE_ID,
    "scheme_id": "uk-fr-2025",
    "status": "detained",
    "version": 1,
    "deadlines": [
        {"name": "request", "due_at": "2025-09-15T22:59:59+00:00", "state": "running", "binding": True, "done_at": None}
    ],
    "actions": [],
    "allowed_actions": ["send_request"],
}
ReturnStatuses = Annotated[list[ReturnStatus], Query(alias="status", max_length=20, description="Any of these")]
AdmissionStatuses = Annotated[list[AdmissionStatus], Query(alias="status", max_length=20, description="Any of these")]
Scheme = Annotated[str | None, Query(alias="scheme", max_length=64)]
Deadline = Annotated[DeadlineState | None, Query(alias="deadline", description="Only cases with a clock in this state")]
After = Annotated[str | None, Query(max_length=64, description="`next_after` of the previous page")]
Limit = Annotated[int, Query(ge=1, le=200)]


@router.get("/return-cases", response_model=Page, responses=documented(PAGE_EXAMPLE))
def return_cases(
    request: Request,
    _: Annotated[Principal, Depends(require(Scope.RETURNS_READ))],
    status: ReturnStatuses = [],  # noqa: B006 (FastAPI reads the default, never mutates it)
    scheme: Scheme = None,
    deadline: Deadline = None,
    after: After = None,
    limit: Limit = 50,
) -> Page:
    """Return cases in id order, filtered by status, scheme and deadline state (no personal data)."""
    statuses = frozenset(s.value for s in status)
    return list_return_cases(services_of(request), CaseQuery(scheme, statuses, deadline, after, limit))


@router.get(
    "/return-cases/{case_id}",
    response_model=ReturnCaseFile,
    responses=documented(FILE_EXAMPLE, ETag="The case's version"),
)
def return_case(
    case_id: str,
    request: Request,
    response: Response,
    _: Annotated[Principal, Depends(require(Scope.RETURNS_READ, Scope.PERSONAL_DATA_READ))],
) -> ReturnCaseFile:
    """A return case in full: the person, the boat, deadlines, history and the actions allowed now (audited)."""
    found = return_case_file(services_of(request), case_id)
    audit_read(request, "return_case:read", [case_id, found.person.person_id])
    set_etag(response, found.version)
    return found


@router.post(
    "/return-cases/{case_id}/actions",
    response_model=CaseActionOut,
    responses=documented(ACTION_EXAMPLE, ETag="The case's new version"),
)
def act_on_return(
    case_id: str,
    body: CaseActionIn,
    request: Request,
    response: Response,
    principal: Annotated[Principal, Depends(require(Scope.RETURNS_ACT))],
    if_match: IfMatch = None,
    key: IdempotencyKey = None,
) -> dict[str, Any]:
    """Take one action on a return case. If-Match is required; a removal is proposed instead (…/proposals)."""
    return _take_action(
        CaseType.RETURN, case_id, body, request, response, principal=principal, if_match=if_match, key=key
    )


@router.post(
    "/admission-cases",
    status_code=201,
    response_model=ExpressionOfInterestOut,
    responses=documented(ExpressionOfInterestOut.model_config["json_schema_extra"]["examples"][0], 201),  # type: ignore[index]
)
def submit_interest(
    body: ExpressionOfInterestIn,
    request: Request,
    principal: Annotated[Principal, Depends(require(Scope.ADMISSIONS_ACT))],
    key: IdempotencyKey = None,
) -> dict[str, Any]:
    """Record a family's expression of interest in the open application window."""
    members = tuple(
        ApplicantInput(**{**m.model_dump(), "declared_exclusions": frozenset(m.declared_exclusions)})
        for m in body.members
    )
    command = SubmitExpressionOfInterest(
        command_id(principal, key), principal.user_id, body.scheme_id, body.family_ref, members
    )
    return dict(submit_expression_of_interest(services_of(request), command))


@router.get("/admission-cases", response_model=Page, responses=documented(PAGE_EXAMPLE))
def admission_cases(
    request: Request,
    _: Annotated[Principal, Depends(require(Scope.ADMISSIONS_READ))],
    status: AdmissionStatuses = [],  # noqa: B006
    scheme: Scheme = None,
    deadline: Deadline = None,
    after: After = None,
    limit: Limit = 50,
) -> Page:
    """Admission cases in id order, filtered by status, scheme and deadline state (no personal data)."""
    statuses = frozenset(s.value for s in status)
    return list_admission_cases(services_of(request), CaseQuery(scheme, statuses, deadline, after, limit))


@router.get(
    "/admission-cases/{case_id}",
    response_model=AdmissionCaseFile,
    responses=documented(FILE_EXAMPLE, ETag="The case's version"),
)
def admission_case(
    case_id: str,
    request: Request,
    response: Response,
    _: Annotated[Principal, Depends(require(Scope.ADMISSIONS_READ, Scope.PERSONAL_DATA_READ))],
) -> AdmissionCaseFile:
    """An admission case in full: the family, deadlines, history and the actions allowed now (audited)."""
    found = admission_case_file(services_of(request), case_id)
    audit_read(request, "admission_case:read", [case_id, *(m.member_id for m in found.members)])
    set_etag(response, found.version)
    return found


@router.post(
    "/admission-cases/{case_id}/actions",
    response_model=CaseActionOut,
    responses=documented(ACTION_EXAMPLE, ETag="The case's new version"),
)
def act_on_admission(
    case_id: str,
    body: CaseActionIn,
    request: Request,
    response: Response,
    principal: Annotated[Principal, Depends(require(Scope.ADMISSIONS_ACT))],
    if_match: IfMatch = None,
    key: IdempotencyKey = None,
) -> dict[str, Any]:
    """Take one action on an admission case. If-Match is required; a grant or refusal is proposed instead."""
    return _take_action(
        CaseType.ADMISSION, case_id, body, request, response, principal=principal, if_match=if_match, key=key
    )


def _take_action(
    case_type: CaseType,
    case_id: str,
    body: CaseActionIn,
    request: Request,
    response: Response,
    *,
    principal: Principal,
    if_match: str | None,
    key: str | None,
) -> dict[str, Any]:
    version = expected_version(if_match)
    command = CaseCommand(command_id(principal, key), principal.user_id, case_id, body.action, body.payload, version)
    act = act_on_return_case if case_type is CaseType.RETURN else act_on_admission_case
    result = act(services_of(request), command)
    set_etag(response, result["version"])
    return dict(result)
