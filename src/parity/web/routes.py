"""The read-only pages: dashboard and deadlines work queue (the committee's report is in `web.committee`). Each
handler reads through a service and renders a template; nothing else. Each page declares its scope with `require`
(parity.api.security)."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse

from parity.accounts.roles import Scope
from parity.api.security import SESSION_COOKIE, require
from parity.services.context import Services
from parity.services.reports import deadline_board
from parity.web.dashboard import build_dashboard
from parity.web.i18n import translations
from parity.web.labels import Labels
from parity.web.pages import PageNotFound, PageRoute, formats, language, render

QUEUE_PAGE_SIZE = 50


LEDGER = [Depends(require(Scope.LEDGER_READ))]
DEADLINES = [Depends(require(Scope.DEADLINES_READ))]


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

    return router
