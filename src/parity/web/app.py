"""Putting the web interface on an ASGI app: its pages, its own files and the vendored GOV.UK assets."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.params import Depends
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from parity.services.context import Services
from parity.web.pages import error_page
from parity.web.routes import create_web_router

STATIC = Path(str(resources.files("parity.web").joinpath("static")))
# govuk-frontend's stylesheet asks for its fonts and images at /assets/ (its default $govuk-assets-path).
GOVUK_ASSETS = STATIC / "vendor" / "govuk-frontend" / "assets"


def add_web_interface(app: FastAPI, services: Services, *, dependencies: Sequence[Depends] = ()) -> None:
    """Serve the pages and their static files from `app` (for the API app, or `create_web_app` alone)."""
    app.include_router(create_web_router(services, dependencies=dependencies))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/assets", StaticFiles(directory=GOVUK_ASSETS), name="govuk-assets")


def create_web_app(services: Services) -> FastAPI:
    """The web interface on its own, with error pages for addresses that match no page."""
    app = FastAPI(title="Parity", docs_url=None, redoc_url=None, openapi_url=None)
    add_web_interface(app, services)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> HTMLResponse:
        return error_page(request, error.status_code, error.headers)

    return app
