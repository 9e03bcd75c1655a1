"""The readmitting state's pages (treaty Art. 16; brief §10 rule 25): requests awaiting an answer, each shown in
the API's minimised view, and the answer: accept, or refuse with one of the scheme's reasons. Nothing else."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse

from parity.accounts.roles import Principal, Scope
from parity.api.http import audit_read
from parity.api.problems import audit_refusal
from parity.api.security import require
from parity.domain.decisions import CaseType
from parity.domain.errors import DomainError
from parity.domain.lifecycle import Taker
from parity.domain.returns import READMISSION_ANSWERS
from parity.services.case_views import MAX_PAGE, list_readmission_requests, readmission_request
from parity.services.cases import CaseCommand, act_on_return_case
from parity.services.context import Services, StaleVersion
from parity.services.ports import CaseSummary, NotFound
from parity.web.casework import may_see, stale
from parity.web.forms import FormErrors, form_command_id
from parity.web.i18n import translations
from parity.web.pages import PageRoute, error_page, formats, language, render
from parity.web.return_cases import PAGE_SIZE, formats_by_scheme

# What opening a request page needs; a refused answer draws it again only for a principal who holds it too.
PAGE_NEEDS = (Scope.READMISSION_READ,)
READ = [Depends(require(*PAGE_NEEDS))]
Answering = Annotated[Principal, Depends(require(Scope.READMISSION_ANSWER))]


def create_readmission_router(services: Services) -> APIRouter:
    router = APIRouter(route_class=PageRoute, include_in_schema=False)

    @router.get("/readmission-requests", name="readmission_requests", dependencies=READ)
    def requests(request: Request, after: Annotated[str | None, Query(max_length=64)] = None) -> Response:
        listed = _by_reply_due(services)
        start = next((n + 1 for n, (item, _due) in enumerate(listed) if item.case_id == after), 0)
        shown = listed[start : start + PAGE_SIZE]
        return render(
            request,
            "readmission_requests.html",
            rows=shown,
            next_after=shown[-1][0].case_id if start + PAGE_SIZE < len(listed) else None,
            fmt_of=formats_by_scheme(services, request, (item for item, _due in shown)),
            active="readmission",
        )

    @router.get("/readmission-requests/{case_id}", name="readmission_request", dependencies=READ)
    def one_request(request: Request, case_id: str) -> Response:
        return _page(services, request, case_id, FormErrors(), {})

    @router.post("/readmission-requests/{case_id}/answer", name="answer_readmission")
    async def answer(request: Request, case_id: str, principal: Answering) -> Response:
        form = await request.form()
        _ = translations(language(request)).gettext
        typed = {k: str(v) for k, v in form.items()}
        errors = FormErrors()
        choice, reason = typed.get("answer", ""), typed.get("reason", "")
        view = readmission_request(services, case_id)  # 404 unless the case awaits an answer
        if choice not in {"accept", "refuse"}:
            errors.add("answer", _("Choose whether to accept or refuse the request"))
        elif choice == "refuse" and reason not in view.refusal_reasons:
            errors.add("reason", _("Choose the reason for refusing"))
        version = int(typed["version"]) if typed.get("version", "").isdigit() else None
        if not errors:
            payload = {"reason": reason} if choice == "refuse" else {}
            key = form_command_id(principal, typed.get("command_key"))
            try:
                act_on_return_case(
                    services,
                    CaseCommand(
                        key,
                        principal.user_id,
                        case_id,
                        READMISSION_ANSWERS[choice],
                        payload,
                        version,
                        Taker.READMITTING_STATE,
                    ),
                )
            except StaleVersion as refused:
                await audit_refusal(request, 409, refused.code)
                errors.add("answer", stale(_))
            except DomainError as refused:
                await audit_refusal(request, 409, refused.code)
                zone = services.scheme(view.scheme_id).timezone
                reason = formats(request, zone).message(refused.message, CaseType.RETURN.value)
                errors.add("answer", _("The answer was refused: %(reason)s") % {"reason": reason})
        if errors:
            if not may_see(request, PAGE_NEEDS):
                return error_page(request, 409)
            return _page(services, request, case_id, errors, typed, status_code=409)
        return RedirectResponse(request.url_for("readmission_requests").path + "?answered=1", status_code=303)

    return router


def _by_reply_due(services: Services) -> list[tuple[CaseSummary, datetime | None]]:
    """Every request awaiting an answer with its reply deadline as its page shows it, the soonest due first (so the
    overdue ones lead); `after` pages through this order by the last case id shown (from the start if that request
    has been answered since)."""
    summaries: list[CaseSummary] = []
    after: str | None = None
    while True:
        page = list_readmission_requests(services, None, after, MAX_PAGE)
        summaries.extend(page.items)
        if (after := page.next_after) is None:
            break
    listed: list[tuple[CaseSummary, datetime | None]] = []
    for summary in summaries:
        try:
            listed.append((summary, readmission_request(services, summary.case_id).reply_due_at))
        except NotFound:  # answered since it was listed
            continue
    never = datetime.max.replace(tzinfo=UTC)  # a scheme with no reply period: last
    return sorted(listed, key=lambda row: (row[1] or never, row[0].case_id))


def _page(
    services: Services,
    request: Request,
    case_id: str,
    errors: FormErrors,
    typed: dict[str, str],
    *,
    status_code: int = 200,
) -> Response:
    view = readmission_request(services, case_id)
    audit_read(request, "readmission_request:read", [case_id, view.person.person_id])
    return render(
        request,
        "readmission_request.html",
        zone=services.scheme(view.scheme_id).timezone,
        status_code=status_code,
        view=view,
        errors=errors,
        typed=typed,
        command_key=uuid.uuid4().hex,
        may_answer=request.state.principal.has(Scope.READMISSION_ANSWER),
        active="readmission",
    )
