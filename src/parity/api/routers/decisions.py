"""Proposals of removal and admission decisions, approved or rejected by a second person (separation of duties).

No `from __future__ import annotations` here: the routes are built in functions, and FastAPI must evaluate their
annotations, which name the scopes of the enclosing call.
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from parity.accounts.roles import Principal, Scope
from parity.api.http import IdempotencyKey, IfMatch, audit_read, command_id, documented, optional_version
from parity.api.routers.cases import After, Limit
from parity.api.schemas import ProposalIn, ProposalOut
from parity.api.security import require, services_of
from parity.domain.decisions import CaseType, DecisionStatus
from parity.services.decisions import ProposeDecision, decide, list_proposals, proposal_result, propose_decision

PROPOSAL_EXAMPLE = ProposalOut.model_config["json_schema_extra"]["examples"][0]  # type: ignore[index]


def decisions_router(case_type: CaseType, act: Scope, read: Scope, approve: Scope) -> APIRouter:
    """The same four routes for each case type, each behind its area's scopes."""
    router = APIRouter(tags=[f"{case_type.value} decisions"])
    area = f"{case_type.value}-proposals"

    @router.post(
        f"/{case_type.value}-cases/{{case_id}}/proposals",
        status_code=201,
        response_model=ProposalOut,
        responses=documented(PROPOSAL_EXAMPLE, 201),
        name=f"propose_{case_type.value}_decision",
    )
    def propose(
        case_id: str,
        body: ProposalIn,
        request: Request,
        principal: Annotated[Principal, Depends(require(act))],
        if_match: IfMatch = None,
        key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        """Propose a decision on this case; another officer approves or rejects it."""
        command = ProposeDecision(
            command_id(principal, key),
            principal.user_id,
            case_type,
            case_id,
            body.action,
            body.payload,
            optional_version(if_match),
        )
        return dict(propose_decision(services_of(request), command))

    @router.get(
        f"/{area}",
        response_model=list[ProposalOut],
        responses=documented([PROPOSAL_EXAMPLE]),
        name=f"list_{case_type.value}_proposals",
    )
    def proposals(
        request: Request,
        _: Annotated[Principal, Depends(require(read, Scope.PERSONAL_DATA_READ))],
        status: Annotated[DecisionStatus | None, Query()] = None,
        after: After = None,
        limit: Limit = 50,
    ) -> list[dict[str, Any]]:
        """Proposals in id order, optionally only those with a status. Their reasons are free text about people:
        personal data, and the read is audited."""
        found = [proposal_result(p) for p in list_proposals(services_of(request), case_type, status, after, limit)]
        audit_read(request, f"{case_type.value}_proposals:read", [p["case_id"] for p in found])
        return found

    for verb, approving in (("approve", True), ("reject", False)):
        router.add_api_route(
            f"/{area}/{{proposal_id}}/{verb}",
            _decide_route(case_type, approve, approving=approving),
            methods=["POST"],
            response_model=ProposalOut,
            responses=documented(PROPOSAL_EXAMPLE),
            name=f"{verb}_{case_type.value}_proposal",
        )
    return router


def _decide_route(case_type: CaseType, scope: Scope, *, approving: bool) -> Callable[..., dict[str, Any]]:
    def decide_route(
        proposal_id: str,
        request: Request,
        principal: Annotated[Principal, Depends(require(scope))],
        key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        services = services_of(request)
        result = decide(
            services, command_id(principal, key), principal.user_id, case_type, proposal_id, approve=approving
        )
        return dict(result)

    decide_route.__doc__ = (
        "Approve the proposal: the action is taken now, on the case version it was proposed on. Never your own."
        if approving
        else "Reject the proposal: nothing is done to the case. Never your own."
    )
    return decide_route


returns_router = decisions_router(CaseType.RETURN, Scope.RETURNS_ACT, Scope.RETURNS_READ, Scope.RETURNS_APPROVE)
admissions_router = decisions_router(
    CaseType.ADMISSION, Scope.ADMISSIONS_ACT, Scope.ADMISSIONS_READ, Scope.ADMISSIONS_APPROVE
)
