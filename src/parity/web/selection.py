"""Selection of families to invite (brief §10 rules 16-17), in the browser: the recent proposals, each family's
score broken down by factor and why the next families were not chosen; one officer proposes, another approves
(as proposed, or amended with a reason), and only then are the families invited."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse

from parity.accounts.roles import Principal, Scope
from parity.api.http import audit_read
from parity.api.problems import audit_refusal
from parity.api.security import require
from parity.domain.errors import DomainError
from parity.domain.proposals import SeparationOfDuties
from parity.services.context import Services
from parity.services.selection import (
    ApproveProposal,
    ProposeInvitations,
    approve_proposal,
    get_proposal,
    list_proposals,
    propose_invitations,
)
from parity.web.casework import may_see
from parity.web.forms import FormErrors, form_command_id
from parity.web.i18n import translations
from parity.web.pages import PageRoute, error_page, formats, language, render

PROPOSALS_SHOWN = 5
# What opening the selection page needs: its proposals carry free-text reasons typed about families. A refused form
# draws the page again only for a principal who holds these too (proposing or approving alone is not enough).
PAGE_NEEDS = (Scope.ADMISSIONS_READ, Scope.PERSONAL_DATA_READ)
Proposing = Annotated[Principal, Depends(require(Scope.SELECTION_PROPOSE))]
Approving = Annotated[Principal, Depends(require(Scope.SELECTION_APPROVE))]


def create_selection_router(services: Services) -> APIRouter:
    router = APIRouter(route_class=PageRoute, include_in_schema=False)

    @router.get(
        "/schemes/{scheme_id}/selection",
        name="selection",
        dependencies=[Depends(require(*PAGE_NEEDS))],
    )
    def selection(request: Request, scheme_id: str) -> Response:
        return _page(services, request, scheme_id, FormErrors(), {})

    @router.post("/schemes/{scheme_id}/selection/proposals", name="propose_invitations")
    async def propose(request: Request, scheme_id: str, principal: Proposing) -> Response:
        form = await request.form()
        _ = translations(language(request)).gettext
        key = form_command_id(principal, form.get("command_key"))
        try:
            propose_invitations(services, ProposeInvitations(key, scheme_id, principal.user_id))
        except DomainError as refused:
            await audit_refusal(request, 409, refused.code)
            errors = FormErrors()
            reason = formats(request, services.scheme(scheme_id).timezone).message(refused.message)
            errors.add("propose", _("Nothing was proposed: %(reason)s") % {"reason": reason})
            return _page(services, request, scheme_id, errors, {}, status_code=409)
        return RedirectResponse(request.url_for("selection", scheme_id=scheme_id).path, status_code=303)

    @router.post("/selection-proposals/{proposal_id}/approve", name="approve_selection")
    async def approve(request: Request, proposal_id: str, principal: Approving) -> Response:
        scheme_id = get_proposal(services, proposal_id)["scheme_id"]
        form = await request.form()
        _ = translations(language(request)).gettext
        key = form_command_id(principal, form.get("command_key"))
        remove = [str(v) for v in form.getlist("remove")]
        add = [str(v) for v in form.getlist("add")]
        reason = str(form.get("reason", "")).strip() or None
        errors = FormErrors()
        if (remove or add) and reason is None:
            errors.add("reason", _("Enter why you changed the proposal"))
        else:
            try:
                approve_proposal(services, ApproveProposal(key, proposal_id, principal.user_id, remove, add, reason))
            except SeparationOfDuties as refused:
                await audit_refusal(request, 409, refused.code)
                errors.add("approve", _("You made this proposal, so you may not approve it: another person must."))
            except DomainError as refused:
                await audit_refusal(request, 409, refused.code)
                reason = formats(request, services.scheme(scheme_id).timezone).message(refused.message)
                errors.add("approve", _("The approval was refused: %(reason)s") % {"reason": reason})
        if errors:
            typed = {"remove": remove, "add": add, "reason": reason or ""}
            return _page(services, request, scheme_id, errors, typed, status_code=409)
        return RedirectResponse(request.url_for("selection", scheme_id=scheme_id).path, status_code=303)

    return router


def _page(
    services: Services,
    request: Request,
    scheme_id: str,
    errors: FormErrors,
    typed: Mapping[str, Any],
    *,
    status_code: int = 200,
) -> Response:
    scheme = services.scheme(scheme_id)
    if not may_see(request, PAGE_NEEDS):
        return error_page(request, status_code)
    principal: Principal = request.state.principal
    proposals = list_proposals(services, scheme_id, PROPOSALS_SHOWN)
    # Approval reasons are free text typed about families: personal data, so the read is audited.
    audit_read(request, "selection_proposals:read", [p["proposal_id"] for p in proposals])
    return render(
        request,
        "selection.html",
        zone=scheme.timezone,
        status_code=status_code,
        scheme=scheme,
        proposals=[_with_times(p) for p in proposals],
        may_propose=principal.has(Scope.SELECTION_PROPOSE),
        may_approve=principal.has(Scope.SELECTION_APPROVE),
        errors=errors,
        typed=typed,
        command_key=uuid.uuid4().hex,
        active="selection",
    )


def _with_times(proposal: Mapping[str, Any]) -> dict[str, Any]:
    """The proposal with its times as datetimes, for the page to show in the reader's language and zone."""
    approval = proposal["approval"]
    return {
        **proposal,
        "proposed_at": datetime.fromisoformat(proposal["proposed_at"]),
        "approval": approval and {**approval, "approved_at": datetime.fromisoformat(approval["approved_at"])},
    }
