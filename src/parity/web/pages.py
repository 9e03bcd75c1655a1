"""Rendering a page: the reader's language, the shared layout's context, and clear pages instead of errors.

Every web route uses `PageRoute`, so a missing record, a bad address or an unexpected failure gives a GOV.UK
error page in the reader's language with the right status code, never a stack trace. Unexpected failures are
logged with the route only: URLs and case ids may identify a person, and logs must not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute

from parity.api.problems import STATUS_OF_CODE, ProblemError, audit_refusal
from parity.api.security import csrf_token_of, services_of
from parity.domain.errors import DomainError
from parity.services.accounts import NotAuthenticated
from parity.services.context import Services, UnknownScheme
from parity.services.ports import NotFound
from parity.web.i18n import LANGUAGE_NAMES, Formats, negotiate, translations
from parity.web.labels import Labels
from parity.web.templating import environment

LANGUAGE_COOKIE = "parity_lang"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
log = logging.getLogger(__name__)


class PageNotFound(LookupError):
    """The address names nothing that exists (an unknown week, a case that is not there)."""


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    href: str
    current: bool


def language(request: Request) -> str:
    return negotiate(
        request.query_params.get("lang"),
        request.cookies.get(LANGUAGE_COOKIE),
        request.headers.get("accept-language"),
    )


def language_links(request: Request, current: str) -> list[LanguageLink]:
    """The same page in each language: the address with `lang` set, every other parameter kept."""
    links = []
    for code, name in LANGUAGE_NAMES.items():
        query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"] + [("lang", code)]
        links.append(LanguageLink(code, name, f"{request.url.path}?{urlencode(query)}", code == current))
    return links


def service_zone(services: Services) -> str:
    """The time zone of pages that belong to no one scheme (sign-in, identity flags): the first loaded scheme's."""
    first = next(iter(services.schemes.values()), None)
    return first.timezone if first else "UTC"


def formats(request: Request, zone: str = "UTC") -> Formats:
    return Formats(language(request), ZoneInfo(zone))


def render(
    request: Request, template: str, *, zone: str = "UTC", status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A page of the service in the reader's language; an explicit choice of language is kept in a cookie.

    Every page also gets who is signed in (`principal`, for the navigation their role may use), the CSRF token for
    its forms, and the scheme the navigation links to (the page's, else the first loaded)."""
    lang = language(request)
    principal = getattr(request.state, "principal", None)
    nav_scheme = context["scheme"].id if "scheme" in context else next(iter(services_of(request).schemes), None)
    html = (
        environment(lang)
        .get_template(template)
        .render(
            request=request,
            lang=lang,
            language_links=language_links(request, lang),
            fmt=formats(request, zone),
            labels=Labels(translations(lang).gettext),
            principal=principal,
            scopes=frozenset(scope.value for scope in principal.scopes) if principal else frozenset(),
            csrf_token=csrf_token_of(request) if principal else None,
            nav_scheme=nav_scheme,
            **context,
        )
    )
    response = HTMLResponse(html, status_code=status_code)
    if request.query_params.get("lang") == lang:
        response.set_cookie(
            LANGUAGE_COOKIE,
            lang,
            max_age=LANGUAGE_COOKIE_AGE,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
    return response


def error_page(request: Request, status_code: int, headers: Mapping[str, str] | None = None) -> HTMLResponse:
    """A page that says what went wrong in words (templates/error.html), with the HTTP status it stands for."""
    response = render(request, "error.html", status_code=status_code, status=status_code)
    response.headers.update(headers or {})
    return response


Endpoint = Callable[[Request], Coroutine[Any, Any, Response]]


async def refused(
    request: Request, status_code: int, code: str, headers: Mapping[str, str] | None = None
) -> HTMLResponse:
    await audit_refusal(request, status_code, code)
    return error_page(request, status_code, headers)


class PageRoute(APIRoute):
    """A route whose failures are pages: 404 for what is not there, 500 (logged, without details) otherwise."""

    def get_route_handler(self) -> Endpoint:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            # Every refusal is audited, as the API's are: who was turned away from which page and record.
            try:
                return await handler(request)
            except HTTPException as error:
                return await refused(request, error.status_code, "http_error", error.headers)
            except ProblemError as error:
                # Refusals by the API's access dependency, `require(...)`: not signed in (401), not allowed (403).
                return await refused(request, STATUS_OF_CODE.get(error.code, 400), error.code, error.headers)
            except NotAuthenticated:
                # A session cookie that has expired, ended or belongs to a disabled account.
                return await refused(request, 401, "not_authenticated")
            except (PageNotFound, NotFound, UnknownScheme, RequestValidationError, DomainError):
                # DomainError here is a request the rules refuse, such as a report week not starting on a Monday.
                return await refused(request, 404, "not_found")
            except Exception:
                log.exception("web page failed: %s %s", request.method, self.path)
                return error_page(request, 500)

        return handle
