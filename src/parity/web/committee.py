"""The Joint Committee's weekly report in the browser (rule 21): a week's figures, their CSV and spreadsheet, and
the committee's sign-off of a week that is over. A signed week shows its figures as signed and each change since."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse

from parity.accounts.roles import Principal, Scope
from parity.api.problems import audit_refusal
from parity.api.security import require
from parity.domain.committee import SUMMARY_FIGURES
from parity.domain.errors import DomainError
from parity.services.committee import SignOffWeek, committee_week, sign_off_week, signed_weeks
from parity.services.context import Services
from parity.services.reports import scheme_weeks
from parity.web.downloads import committee_tables, to_csv, to_ods
from parity.web.forms import FormErrors, form_command_id
from parity.web.i18n import translations
from parity.web.labels import Labels
from parity.web.pages import PageNotFound, PageRoute, formats, language, render

ODS_MEDIA_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
REPORTS = [Depends(require(Scope.REPORTS_READ))]
SigningOff = Annotated[Principal, Depends(require(Scope.COMMITTEE_SIGN_OFF))]


def create_committee_router(services: Services) -> APIRouter:
    router = APIRouter(route_class=PageRoute, include_in_schema=False)

    def labels(request: Request) -> Labels:
        return Labels(translations(language(request)).gettext)

    def _listed(scheme_id: str, week: date) -> list[date]:
        """The scheme's weeks the pages list, if `week` is one of them: the page and its downloads agree."""
        weeks = scheme_weeks(services, scheme_id)
        if week not in weeks:
            raise PageNotFound(f"{week} is not the first day of a week of scheme {scheme_id}")
        return weeks

    @router.get("/schemes/{scheme_id}/committee", name="committee_latest", dependencies=REPORTS)
    async def committee_latest(request: Request, scheme_id: str, week: date | None = None) -> Response:
        """The week chosen in the form; by default the week just ended, which the committee meets on."""
        weeks = scheme_weeks(services, scheme_id)
        chosen = week or (weeks[-2] if len(weeks) > 1 else weeks[0])
        query = f"?lang={request.query_params['lang']}" if "lang" in request.query_params else ""
        return RedirectResponse(_week_path(request, scheme_id, chosen) + query, status_code=303)

    @router.get("/schemes/{scheme_id}/committee/{week}.csv", name="committee_csv", dependencies=REPORTS)
    async def committee_csv(request: Request, scheme_id: str, week: date) -> Response:
        _listed(scheme_id, week)
        tables = committee_tables(committee_week(services, scheme_id, week), labels(request))
        return _download(to_csv(tables).encode("utf-8-sig"), "text/csv; charset=utf-8", scheme_id, week, "csv")

    @router.get("/schemes/{scheme_id}/committee/{week}.ods", name="committee_ods", dependencies=REPORTS)
    async def committee_ods(request: Request, scheme_id: str, week: date) -> Response:
        _listed(scheme_id, week)
        tables = committee_tables(committee_week(services, scheme_id, week), labels(request))
        return _download(to_ods(tables), ODS_MEDIA_TYPE, scheme_id, week, "ods")

    @router.get("/schemes/{scheme_id}/committee/{week}", name="committee", dependencies=REPORTS)
    async def committee(request: Request, scheme_id: str, week: date) -> Response:
        return _committee_page(request, scheme_id, week, FormErrors())

    @router.post("/schemes/{scheme_id}/committee/{week}/sign-off", name="sign_off_committee_week")
    async def sign_off(request: Request, scheme_id: str, week: date, principal: SigningOff) -> Response:
        _listed(scheme_id, week)
        form = await request.form()
        key = form_command_id(principal, form.get("command_key"))
        seen = str(form.get("figures", ""))
        try:
            sign_off_week(services, SignOffWeek(key, principal.user_id, principal.username, scheme_id, week, seen))
        except DomainError as refused:
            await audit_refusal(request, 409, refused.code)
            _ = translations(language(request)).gettext
            reason = formats(request, services.scheme(scheme_id).timezone).message(refused.message)
            errors = FormErrors()
            errors.add("sign-off", _("The week was not signed off: %(reason)s") % {"reason": reason})
            return _committee_page(request, scheme_id, week, errors, status_code=409)
        return RedirectResponse(_week_path(request, scheme_id, week), status_code=303)

    def _committee_page(
        request: Request, scheme_id: str, week: date, errors: FormErrors, *, status_code: int = 200
    ) -> Response:
        scheme = services.scheme(scheme_id)
        weeks = _listed(scheme_id, week)
        shown = committee_week(services, scheme_id, week)
        principal: Principal = request.state.principal
        return render(
            request,
            "committee.html",
            zone=scheme.timezone,
            status_code=status_code,
            scheme=scheme,
            week=shown,
            report=shown.report,
            weeks=weeks,
            signed=signed_weeks(services, scheme_id),
            previous_week=week - timedelta(weeks=1) if week > weeks[0] else None,
            next_week=week + timedelta(weeks=1) if week < weeks[-1] else None,
            summary_figures=SUMMARY_FIGURES,
            may_sign_off=shown.over and principal.has(Scope.COMMITTEE_SIGN_OFF),
            errors=errors,
            command_key=uuid.uuid4().hex,
        )

    return router


def _week_path(request: Request, scheme_id: str, week: date) -> str:
    return request.url_for("committee", scheme_id=scheme_id, week=week.isoformat()).path


def _download(body: bytes, media_type: str, scheme_id: str, week: date, extension: str) -> Response:
    filename = f"parity-{scheme_id}-committee-{week.isoformat()}.{extension}"
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
