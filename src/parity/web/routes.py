"""The read-only pages: dashboard, deadlines work queue, Joint Committee report. Each handler reads through a
service and renders a template; nothing else. Each page declares its scope with `require` (parity.api.security)."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse

from parity.accounts.roles import Scope
from parity.api.security import SESSION_COOKIE, require
from parity.services.committee import committee_report
from parity.services.context import Services
from parity.services.reports import deadline_board, scheme_weeks
from parity.web.dashboard import build_dashboard
from parity.web.downloads import committee_tables, to_csv, to_ods
from parity.web.i18n import translations
from parity.web.labels import Labels
from parity.web.pages import PageNotFound, PageRoute, formats, language, render

QUEUE_PAGE_SIZE = 50
ODS_MEDIA_TYPE = "application/vnd.oasis.opendocument.spreadsheet"


LEDGER = [Depends(require(Scope.LEDGER_READ))]
DEADLINES = [Depends(require(Scope.DEADLINES_READ))]
REPORTS = [Depends(require(Scope.REPORTS_READ))]


def create_web_router(services: Services) -> APIRouter:
    router = APIRouter(route_class=PageRoute, include_in_schema=False)

    def labels(request: Request) -> Labels:
        return Labels(translations(language(request)).gettext)

    @router.get("/", name="home")
    async def home(request: Request) -> Response:
        """The dashboard (every role may read the ledger); the sign-in page for someone not signed in."""
        query = f"?{request.url.query}" if request.url.query else ""  # keeps ?lang=
        if SESSION_COOKIE not in request.cookies:
            return RedirectResponse(request.url_for("sign_in").path + query, status_code=303)
        first = next(iter(services.schemes), None)
        if first is None:
            raise PageNotFound("no scheme is loaded")
        return RedirectResponse(request.url_for("dashboard", scheme_id=first).path + query, status_code=303)

    @router.get("/schemes/{scheme_id}/dashboard", name="dashboard", dependencies=LEDGER)
    async def dashboard(request: Request, scheme_id: str) -> Response:
        scheme = services.scheme(scheme_id)
        fmt = formats(request, scheme.timezone)
        figures = build_dashboard(services, scheme_id, fmt, labels(request).gettext)
        return render(request, "dashboard.html", zone=scheme.timezone, scheme=scheme, dashboard=figures)

    @router.get("/schemes/{scheme_id}/deadlines", name="deadline_queue", dependencies=DEADLINES)
    async def deadlines(
        request: Request,
        scheme_id: str,
        running: Annotated[bool, Query()] = False,
        page: Annotated[int, Query(ge=1)] = 1,
    ) -> Response:
        scheme = services.scheme(scheme_id)
        rows = deadline_board(services, scheme_id, include_running=running)
        pages = max(1, math.ceil(len(rows) / QUEUE_PAGE_SIZE))
        if page > pages:
            raise PageNotFound(f"page {page} of {pages}")
        shown = rows[(page - 1) * QUEUE_PAGE_SIZE : page * QUEUE_PAGE_SIZE]
        return render(
            request,
            "deadlines.html",
            zone=scheme.timezone,
            scheme=scheme,
            rows=shown,
            total=len(rows),
            first=(page - 1) * QUEUE_PAGE_SIZE + 1,
            page=page,
            pages=pages,
            running=running,
            now=services.clock.now(),
        )

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
        tables = committee_tables(committee_report(services, scheme_id, week), labels(request))
        return _download(to_csv(tables).encode("utf-8-sig"), "text/csv; charset=utf-8", scheme_id, week, "csv")

    @router.get("/schemes/{scheme_id}/committee/{week}.ods", name="committee_ods", dependencies=REPORTS)
    async def committee_ods(request: Request, scheme_id: str, week: date) -> Response:
        _listed(scheme_id, week)
        tables = committee_tables(committee_report(services, scheme_id, week), labels(request))
        return _download(to_ods(tables), ODS_MEDIA_TYPE, scheme_id, week, "ods")

    @router.get("/schemes/{scheme_id}/committee/{week}", name="committee", dependencies=REPORTS)
    async def committee(request: Request, scheme_id: str, week: date) -> Response:
        scheme = services.scheme(scheme_id)
        weeks = _listed(scheme_id, week)
        report = committee_report(services, scheme_id, week)
        context: dict[str, Any] = {
            "previous_week": week - timedelta(weeks=1) if week > weeks[0] else None,
            "next_week": week + timedelta(weeks=1) if week < weeks[-1] else None,
        }
        return render(
            request,
            "committee.html",
            zone=scheme.timezone,
            scheme=scheme,
            report=report,
            weeks=weeks,
            **context,
        )

    return router


def _week_path(request: Request, scheme_id: str, week: date) -> str:
    return request.url_for("committee", scheme_id=scheme_id, week=week.isoformat()).path


def _download(body: bytes, media_type: str, scheme_id: str, week: date, extension: str) -> Response:
    filename = f"parity-{scheme_id}-committee-{week.isoformat()}.{extension}"
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
