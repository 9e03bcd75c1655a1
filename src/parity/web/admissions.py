"""Admission cases in the browser (brief §10 rules 13-20): the list, the case page with the family by member, its
actions as forms, and entry-clearance decisions proposed by one officer for another to approve.

Invitations are not an action here: a family is invited only when a selection proposal is approved
(parity.web.selection).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.datastructures import FormData

from parity.accounts.roles import Principal, Scope
from parity.api.http import audit_read
from parity.api.security import require
from parity.domain.admissions import AdmissionStatus
from parity.domain.decisions import CaseType
from parity.scheme.model import AdmissionExclusion, PriorityFactor
from parity.services.case_views import CaseQuery, admission_case_file, list_admission_cases
from parity.services.cases import act_on_admission_case
from parity.services.context import Services
from parity.services.decisions import open_proposals_for
from parity.web.casework import CaseKind, ShowPage, decide_proposal, shown_to_readers, take_action
from parity.web.forms import ActionField, FormErrors
from parity.web.i18n import translations
from parity.web.pages import PageRoute, language, render
from parity.web.return_cases import PAGE_SIZE, formats_by_scheme

EXCLUSIONS = tuple(e.value for e in AdmissionExclusion)
RECORDABLE_FACTORS = tuple(f.value for f in PriorityFactor if f is not PriorityFactor.WAITING_WEEK)
# The actions an officer takes from the case page, with what each one needs. `invite` comes only from an approved
# selection; identity-match decisions are taken on the identity flags' pages (parity.web.identity).
OFFERED: dict[str, tuple[ActionField, ...]] = {
    "confirm_location": (ActionField("country"), ActionField("confirmed_member_ids", "members")),
    "lapse_location": (),
    "find_eligible": (),
    "enrol_biometrics": (ActionField("documents_presented", "documents"),),
    "clear_security": (),
    "issue_entry_clearance": (),
    "refuse": (ActionField("member_id", "member"), ActionField("reason")),
    "record_arrival": (),
    "expire_entry_clearance": (),
    "withdraw": (ActionField("reason"),),
    "record_exclusion": (
        ActionField("member_id", "member"),
        ActionField("exclusion", "choice", EXCLUSIONS),
        ActionField("evidence"),
    ),
    # Waiting time is counted from the submission, never recorded.
    "record_priority_factor": (ActionField("factor", "choice", RECORDABLE_FACTORS), ActionField("evidence")),
}
ADMISSION_CASES = CaseKind(
    CaseType.ADMISSION,
    OFFERED,
    act_on_admission_case,
    lambda services, case_id: admission_case_file(services, case_id).scheme_id,
    "admission_case_page",
)
# What opening a case page needs: it shows the person's names, dates and documents. A refused form draws the page
# again only for a principal who holds these too (an acting scope alone, as a narrowed token may have, is not enough).
CASE_PAGE_NEEDS = (Scope.ADMISSIONS_READ, Scope.PERSONAL_DATA_READ)
READ_CASE = [Depends(require(*CASE_PAGE_NEEDS))]
Acting = Annotated[Principal, Depends(require(Scope.ADMISSIONS_ACT))]
Approving = Annotated[Principal, Depends(require(Scope.ADMISSIONS_APPROVE))]


def create_admission_router(services: Services) -> APIRouter:
    router = APIRouter(route_class=PageRoute, include_in_schema=False)

    @router.get("/admission-cases", name="admission_case_list", dependencies=[Depends(require(Scope.ADMISSIONS_READ))])
    def admission_cases(
        request: Request,
        status: Annotated[AdmissionStatus | None, Query()] = None,
        after: Annotated[str | None, Query(max_length=64)] = None,
    ) -> Response:
        statuses = frozenset({status.value}) if status else frozenset()
        page = list_admission_cases(services, CaseQuery(None, statuses, None, after, PAGE_SIZE))
        _ = translations(language(request)).gettext
        return render(
            request,
            "case_list.html",
            page=page,
            status=status,
            statuses=list(AdmissionStatus),
            fmt_of=formats_by_scheme(services, request, page.items),
            title=_("Admission cases"),
            caption=_("Admission cases, in case number order"),
            case_page="admission_case_page",
            opened=_("Submitted"),
            active="admissions",
        )

    @router.get("/admission-cases/{case_id}", name="admission_case_page", dependencies=READ_CASE)
    def admission_case(request: Request, case_id: str) -> Response:
        return _case_page(services, request, case_id, FormErrors(), {})

    @router.post("/admission-cases/{case_id}/actions", name="admission_case_action")
    async def act(request: Request, case_id: str, principal: Acting) -> Response:
        show_case = _shows(services, request)
        return await take_action(
            services, request, case_id, principal=principal, kind=ADMISSION_CASES, show_case=show_case
        )

    @router.post("/admission-proposals/{proposal_id}/{verb}", name="decide_admission_proposal")
    async def decide_admission_proposal(
        request: Request, proposal_id: str, verb: str, principal: Approving
    ) -> Response:
        show_case = _shows(services, request)
        return await decide_proposal(
            services, request, proposal_id, verb, principal=principal, kind=ADMISSION_CASES, show_case=show_case
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
    found = admission_case_file(services, case_id)
    audit_read(request, "admission_case:read", [case_id, *(m.member_id for m in found.members)])
    principal: Principal = request.state.principal
    return render(
        request,
        "admission_case.html",
        zone=services.scheme(found.scheme_id).timezone,
        status_code=status_code,
        case=found,
        proposals=open_proposals_for(services, CaseType.ADMISSION, case_id),
        actions={a: OFFERED[a] for a in found.allowed_actions if a in OFFERED}
        if principal.has(Scope.ADMISSIONS_ACT)
        else {},
        may_approve=principal.has(Scope.ADMISSIONS_APPROVE),
        errors=errors,
        typed=typed if isinstance(typed, FormData) else FormData(typed),
        command_key=uuid.uuid4().hex,
        now=services.clock.now(),
        active="admissions",
    )
