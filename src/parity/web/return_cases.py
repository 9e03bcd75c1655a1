"""Return cases in the browser: the list, the case page, its actions as forms, and decisions by a second officer.

The forms call the same use cases as the API (services.cases, services.decisions) with the case version the page
was drawn from, so a form left open while someone else changed the case is refused with a clear message. A removal
(`schedule_transfer`) is proposed, never taken directly, and approved by another supervisor (separation of duties).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.datastructures import FormData

from parity.accounts.roles import Principal, Scope
from parity.api.http import audit_read
from parity.api.security import require
from parity.domain.decisions import CaseType
from parity.domain.returns import ReturnStatus
from parity.services.case_views import CaseQuery, list_return_cases, return_case_file, transfer_blockers
from parity.services.cases import act_on_return_case
from parity.services.context import Services
from parity.services.decisions import open_proposals_for
from parity.services.ports import CaseSummary
from parity.web.casework import CaseKind, ShowPage, decide_proposal, shown_to_readers, take_action
from parity.web.forms import ActionField, FormErrors
from parity.web.i18n import Formats, translations
from parity.web.pages import PageRoute, formats, language, render

PAGE_SIZE = 50


def formats_by_scheme(services: Services, request: Request, items: Iterable[CaseSummary]) -> dict[str, Formats]:
    """The formats of each listed case's scheme, so that a list shows a case's times in its scheme's zone, as the
    case's own page does (a list may hold cases of schemes in different zones)."""
    return {s: formats(request, services.scheme(s).timezone) for s in {item.scheme_id for item in items}}


# The actions a UK officer takes from the case page, with what each one needs. The readmitting state's answers
# (accept, refuse, extend_reply) are on its own pages; identity decisions and re-crossing flags stay with the API.
OFFERED: dict[str, tuple[ActionField, ...]] = {
    "detain": (),
    "send_request": (),
    "escalate_overdue_reply": (),
    "schedule_transfer": (ActionField("flight_ref"), ActionField("departs_at", "datetime")),
    "cancel_transfer": (),
    "complete_transfer": (),
    "record_legal_event": (
        ActionField("kind"),
        ActionField("state"),
        ActionField("decided_on", "date"),
        ActionField("evidence"),
    ),
    "release_to_asylum_route": (ActionField("reason"),),
    "record_absconded": (),
    "expire_request_deadline": (),
}
RETURN_CASES = CaseKind(
    CaseType.RETURN,
    OFFERED,
    act_on_return_case,
    lambda services, case_id: return_case_file(services, case_id).scheme_id,
    "return_case_page",
)
# What opening a case page needs: it shows the person's names, dates and documents. A refused form draws the page
# again only for a principal who holds these too (an acting scope alone, as a narrowed token may have, is not enough).
CASE_PAGE_NEEDS = (Scope.RETURNS_READ, Scope.PERSONAL_DATA_READ)
READ_CASE = [Depends(require(*CASE_PAGE_NEEDS))]
Acting = Annotated[Principal, Depends(require(Scope.RETURNS_ACT))]
Approving = Annotated[Principal, Depends(require(Scope.RETURNS_APPROVE))]


def create_return_case_router(services: Services) -> APIRouter:
    router = APIRouter(route_class=PageRoute, include_in_schema=False)

    @router.get("/return-cases", name="return_case_list", dependencies=[Depends(require(Scope.RETURNS_READ))])
    async def return_cases(
        request: Request,
        status: Annotated[ReturnStatus | None, Query()] = None,
        after: Annotated[str | None, Query(max_length=64)] = None,
    ) -> Response:
        statuses = frozenset({status.value}) if status else frozenset()
        page = list_return_cases(services, CaseQuery(None, statuses, None, after, PAGE_SIZE))
        _ = translations(language(request)).gettext
        return render(
            request,
            "case_list.html",
            page=page,
            status=status,
            statuses=list(ReturnStatus),
            fmt_of=formats_by_scheme(services, request, page.items),
            title=_("Return cases"),
            caption=_("Return cases, in case number order"),
            case_page="return_case_page",
            opened=_("Arrived"),
            active="returns",
        )

    @router.get("/return-cases/{case_id}", name="return_case_page", dependencies=READ_CASE)
    def return_case(request: Request, case_id: str) -> Response:
        return _case_page(services, request, case_id, FormErrors(), {})

    @router.post("/return-cases/{case_id}/actions", name="return_case_action")
    async def act(request: Request, case_id: str, principal: Acting) -> Response:
        show_case = _shows(services, request)
        return await take_action(
            services, request, case_id, principal=principal, kind=RETURN_CASES, show_case=show_case
        )

    @router.post("/return-proposals/{proposal_id}/{verb}", name="decide_return_proposal")
    async def decide_return_proposal(request: Request, proposal_id: str, verb: str, principal: Approving) -> Response:
        show_case = _shows(services, request)
        return await decide_proposal(
            services, request, proposal_id, verb, principal=principal, kind=RETURN_CASES, show_case=show_case
        )

    return router


def _shows(services: Services, request: Request) -> Callable[[str], ShowPage]:
    def show(case_id: str) -> ShowPage:
        def draw(errors: FormErrors, typed: Mapping[str, Any] | FormData, status: int) -> Response:
            return _case_page(services, request, case_id, errors, typed, status_code=status)

        return shown_to_readers(request, CASE_PAGE_NEEDS, draw)

    return show


def _case_page(
    services: Services,
    request: Request,
    case_id: str,
    errors: FormErrors,
    typed: Mapping[str, Any] | FormData,
    *,
    status_code: int = 200,
) -> Response:
    found = return_case_file(services, case_id)
    audit_read(request, "return_case:read", [case_id, found.person.person_id])
    principal: Principal = request.state.principal
    may_act = principal.has(Scope.RETURNS_ACT)
    return render(
        request,
        "return_case.html",
        zone=services.scheme(found.scheme_id).timezone,
        status_code=status_code,
        case=found,
        blockers=transfer_blockers(services, case_id),
        proposals=open_proposals_for(services, CaseType.RETURN, case_id),
        actions={a: OFFERED[a] for a in found.allowed_actions if a in OFFERED} if may_act else {},
        may_approve=principal.has(Scope.RETURNS_APPROVE),
        errors=errors,
        typed={k: str(v) for k, v in typed.items()},
        command_key=uuid.uuid4().hex,
        now=services.clock.now(),
        active="returns",
    )
