"""One application for browsers and machines: the REST API with the web interface's pages, files and assets.

The pages reuse the API's sign-in sessions and access checks (`parity.api.security`), so there is one session
mechanism and one place where scopes are enforced. Addresses outside /api/ that match nothing get a GOV.UK page;
the API's own addresses keep answering problem+json.
"""

from __future__ import annotations

import inspect
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from parity.api import API_PREFIX, create_app
from parity.config import Settings
from parity.services.context import Services
from parity.web.admissions import create_admission_router
from parity.web.committee import create_committee_router
from parity.web.identity import create_identity_router
from parity.web.intake import create_intake_router
from parity.web.pages import error_page
from parity.web.readmission import create_readmission_router
from parity.web.return_cases import create_return_case_router
from parity.web.routes import create_web_router
from parity.web.selection import create_selection_router
from parity.web.sign_in import create_sign_in_router

STATIC = Path(str(resources.files("parity.web").joinpath("static")))
# govuk-frontend's stylesheet asks for its fonts and images at /assets/ (its default $govuk-assets-path).
GOVUK_ASSETS = STATIC / "vendor" / "govuk-frontend" / "assets"


def add_web_interface(app: FastAPI, services: Services) -> None:
    """Serve the pages and their static files from `app`, an app made by `parity.api.create_app`."""
    app.include_router(create_sign_in_router(services))
    app.include_router(create_web_router(services))
    app.include_router(create_committee_router(services))
    app.include_router(create_return_case_router(services))
    app.include_router(create_readmission_router(services))
    app.include_router(create_intake_router(services))
    app.include_router(create_admission_router(services))
    app.include_router(create_selection_router(services))
    app.include_router(create_identity_router(services))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/assets", StaticFiles(directory=GOVUK_ASSETS), name="govuk-assets")
    problem_for_api = app.exception_handlers[StarletteHTTPException]

    async def http_error(request: Request, error: Exception) -> Response:
        if request.url.path.startswith(f"{API_PREFIX}/"):
            answered = problem_for_api(request, error)
            return await answered if inspect.isawaitable(answered) else answered
        assert isinstance(error, StarletteHTTPException)  # noqa: S101 (registered for this type only)
        return error_page(request, error.status_code, error.headers)

    app.add_exception_handler(StarletteHTTPException, http_error)


def create_web_app(services: Services, settings: Settings) -> FastAPI:
    """The API (/api/v1) and the web interface in one app: what `parity serve` runs."""
    app = create_app(services, settings)
    add_web_interface(app, services)
    return app
