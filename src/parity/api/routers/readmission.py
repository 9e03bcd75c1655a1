"""The readmitting state's view (treaty Art. 16; brief §10 rule 25): requests awaiting an answer, each minimised to
what is needed to answer it, and the answer: accept, refuse with a reason, or extend. Nothing else comes back."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from parity.accounts.roles import Principal, Scope
from parity.api.http import IdempotencyKey, IfMatch, audit_read, command_id, documented, expected_version, set_etag
from parity.api.routers.cases import ACTION_EXAMPLE, PAGE_EXAMPLE, After, Limit, Scheme
from parity.api.schemas import CASE_ID, CaseActionOut, ReadmissionAnswerIn
from parity.api.security import require, services_of
from parity.domain.errors import InvalidCommand
from parity.domain.lifecycle import Taker
from parity.domain.messages import Message
from parity.domain.returns import READMISSION_ANSWERS
from parity.services.case_views import Page, ReadmissionRequestView, list_readmission_requests, readmission_request
from parity.services.cases import CaseCommand, act_on_return_case

router = APIRouter(prefix="/readmission-requests", tags=["readmission requests"])
REQUEST_EXAMPLE = {
    "case_id": CASE_ID,
    "scheme_id": "uk-fr-2025",
    "status": "request_sent",
    "version": 3,
    "boat_ref": "SB-2025-09-01-03",
    "arrived_at": "2025-09-01T03:10:00+00:00",
    "place": "Dover",
    "person": {
        "person_id": "p1…",
        "identity": {
            "given_names": "Yonas",
            "family_name": "Tesfay",
            "date_of_birth": "1995-03-02",
            "nationality": "ERI",
            "sex": "M",
            "documents": [],
            "biometric_ref": None,
        },
        "age_status": "adult",
        "grounds": ["protection_claim"],
        "departed_from": "FR",
        "transit_evidence": "Interview: stayed in Dunkirk camp",
        "family_group": None,
    },
    "request_sent_at": "2025-09-02T10:00:00+00:00",
    "reply_due_at": "2025-09-16T21:59:59+00:00",
    "refusal_reasons": ["public_order", "national_security"],
}


@router.get("", response_model=Page, responses=documented(PAGE_EXAMPLE))
def requests(
    request: Request,
    _: Annotated[Principal, Depends(require(Scope.READMISSION_READ))],
    scheme: Scheme = None,
    after: After = None,
    limit: Limit = 50,
) -> Page:
    """Readmission requests awaiting an answer, in case id order."""
    return list_readmission_requests(services_of(request), scheme, after, limit)


@router.get(
    "/{case_id}",
    response_model=ReadmissionRequestView,
    responses=documented(REQUEST_EXAMPLE, ETag="The case's version"),
)
def one_request(
    case_id: str,
    request: Request,
    response: Response,
    _: Annotated[Principal, Depends(require(Scope.READMISSION_READ))],
) -> ReadmissionRequestView:
    """One request, minimised: identity, boat, Art. 3 ground, Art. 7 evidence, age status, family unit (audited)."""
    found = readmission_request(services_of(request), case_id)
    audit_read(request, "readmission_request:read", [case_id, found.person.person_id])
    set_etag(response, found.version)
    return found


@router.post(
    "/{case_id}/answer",
    response_model=CaseActionOut,
    responses=documented(ACTION_EXAMPLE, ETag="The case's new version"),
)
def answer(
    case_id: str,
    body: ReadmissionAnswerIn,
    request: Request,
    response: Response,
    principal: Annotated[Principal, Depends(require(Scope.READMISSION_ANSWER))],
    if_match: IfMatch = None,
    key: IdempotencyKey = None,
) -> dict[str, Any]:
    """Answer a request: accept; refuse with one of the scheme's reasons; or extend the reply period once."""
    services = services_of(request)
    version = expected_version(if_match)
    readmission_request(services, case_id)  # 404 unless this case awaits an answer: nothing else may be touched
    if body.answer != "accept" and body.reason is None:
        raise InvalidCommand(Message("field 'reason' is required to %(answer)s", answer=body.answer))
    payload = {"reason": body.reason} if body.answer != "accept" else {}
    answer = READMISSION_ANSWERS[body.answer]
    command = CaseCommand(
        command_id(principal, key), principal.user_id, case_id, answer, payload, version, Taker.READMITTING_STATE
    )
    result = act_on_return_case(services, command)
    set_etag(response, result["version"])
    return dict(result)
