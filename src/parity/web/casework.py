"""What return and admission case pages share: carrying out a form's action, or deciding a proposal, the same way.

An action that needs a second officer (a removal, an admission decision) is proposed instead of taken; every form
carries the case version it was drawn from and a one-off command key, so a stale or repeated form changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from parity.accounts.roles import Principal, Scope
from parity.api.problems import audit_refusal
from parity.domain.decisions import CaseType, needs_approval
from parity.domain.errors import DomainError
from parity.services.cases import CaseCommand
from parity.services.context import Services, StaleVersion
from parity.services.decisions import ProposeDecision, decide, get_proposal, propose_decision
from parity.web.forms import ActionField, FormErrors, action_payload, form_command_id, form_version
from parity.web.i18n import Formats, translations
from parity.web.pages import PageNotFound, error_page, formats, language

# Draws the case page again: (errors, what was typed, HTTP status).
ShowPage = Callable[[FormErrors, Mapping[str, Any] | FormData, int], Response]


def may_see(request: Request, needs: tuple[Scope, ...]) -> bool:
    """Whether the signed-in principal holds every scope of a page's GET route (`needs`)."""
    principal: Principal = request.state.principal
    return all(principal.has(scope) for scope in needs)


def shown_to_readers(request: Request, needs: tuple[Scope, ...], draw: ShowPage) -> ShowPage:
    """The page drawn again after a refused form only for a principal who may open it (`needs`: the scopes its GET
    route requires, such as reading the cases and their personal data); anyone else, such as a token narrowed to
    acting, gets the plain error page with the same status and no one's personal data."""

    def show(errors: FormErrors, typed: Mapping[str, Any] | FormData, status: int) -> Response:
        if may_see(request, needs):
            return draw(errors, typed, status)
        return error_page(request, status)

    return show


@dataclass(frozen=True)
class CaseKind:
    case_type: CaseType
    offered: Mapping[str, tuple[ActionField, ...]]  # the actions these pages offer, with their fields
    act: Callable[[Services, CaseCommand], Mapping[str, Any]]
    scheme_of: Callable[[Services, str], str]  # the case's scheme id
    page: str  # the case page's route name


def stale(_: Any) -> str:
    return str(_("Someone changed this case after you opened it. Check what changed below, then try again."))


async def take_action(
    services: Services,
    request: Request,
    case_id: str,
    *,
    principal: Principal,
    kind: CaseKind,
    show_case: Callable[[str], ShowPage],
) -> Response:
    show = show_case(case_id)
    form = await request.form()
    _ = translations(language(request)).gettext
    action = str(form.get("action", ""))
    errors = FormErrors()
    if action not in kind.offered:
        errors.add("case-actions", _("Choose an action this page offers"))
        return show(errors, form, 422)
    zone = ZoneInfo(services.scheme(kind.scheme_of(services, case_id)).timezone)
    payload = action_payload(kind.offered[action], action, form, zone, errors, _)
    version = form_version(form)
    key = form_command_id(principal, form.get("command_key"))
    if not errors:
        try:
            if needs_approval(kind.case_type, action):
                proposal = ProposeDecision(key, principal.user_id, kind.case_type, case_id, action, payload, version)
                propose_decision(services, proposal)
            else:
                kind.act(services, CaseCommand(key, principal.user_id, case_id, action, payload, version))
        except StaleVersion as refused:
            await audit_refusal(request, 409, refused.code)
            errors.add("case-actions", stale(_))
        except DomainError as refused:
            await audit_refusal(request, 409, refused.code)
            reason = Formats(language(request), zone).message(refused.message, kind.case_type.value)
            errors.add("case-actions", _("The case's rules refused this: %(reason)s") % {"reason": reason})
    if errors:
        return show(errors, form, 409)
    return RedirectResponse(request.url_for(kind.page, case_id=case_id).path, status_code=303)


async def decide_proposal(
    services: Services,
    request: Request,
    proposal_id: str,
    verb: str,
    *,
    principal: Principal,
    kind: CaseKind,
    show_case: Callable[[str], ShowPage],
) -> Response:
    if verb not in {"approve", "reject"}:
        raise PageNotFound(verb)
    # The case is the proposal's, never one the form names: a page about one case may not be drawn for another.
    case_id = get_proposal(services, kind.case_type, proposal_id).case_id
    form = await request.form()
    _ = translations(language(request)).gettext
    errors = FormErrors()
    try:
        decide(
            services,
            form_command_id(principal, form.get("command_key")),
            principal.user_id,
            kind.case_type,
            proposal_id,
            approve=verb == "approve",
        )
    except StaleVersion as refused:
        await audit_refusal(request, 409, refused.code)
        errors.add("proposals", stale(_))
    except DomainError as refused:
        await audit_refusal(request, 409, refused.code)
        zone = services.scheme(kind.scheme_of(services, case_id)).timezone
        reason = formats(request, zone).message(refused.message, kind.case_type.value)
        errors.add("proposals", _("This decision was refused: %(reason)s") % {"reason": reason})
    if errors:
        return show_case(case_id)(errors, {}, 409)
    return RedirectResponse(request.url_for(kind.page, case_id=case_id).path, status_code=303)
