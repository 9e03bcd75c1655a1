"""Errors as `application/problem+json` (RFC 9457): a stable `code`, the HTTP status, and a detail a person can act on.

Every refusal of an API request is audited here, in one place: who (if known), which route, which record ids (the
path's), and the status. The refused request itself changed nothing: its transaction was rolled back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from parity.api.validation import reason
from parity.domain.errors import DomainError
from parity.domain.messages import Message, joined
from parity.services.audit import record_access
from parity.services.context import Services
from parity.services.ports import ConcurrencyConflict, NotFound

PROBLEM_JSON = "application/problem+json"
UTC_ZONE = ZoneInfo("UTC")

# Domain refusals are 422 (the request cannot be carried out as given) unless the case's state is what refuses
# it (409), or it is about who may do it (401/403) or which version they saw (412).
STATUS_OF_CODE: dict[str, int] = {
    "authentication_failed": 401,
    "not_authenticated": 401,
    "forbidden": 403,
    "csrf_failed": 403,
    "separation_of_duties": 403,
    "approval_required": 403,
    "taken_elsewhere": 403,
    "not_found": 404,
    "illegal_transition": 409,
    "deadline_passed": 409,
    "too_early": 409,
    "transfer_blocked": 409,
    "ledger_limit": 409,
    "stale_proposal": 409,
    "scheme_closed": 409,
    "idempotency_conflict": 409,
    "concurrency_conflict": 409,
    "stale_version": 412,
    "body_too_large": 413,
    "unsupported_media_type": 415,
    "precondition_required": 428,
    "account_locked": 429,
    "too_many_attempts": 429,
}


class ProblemError(Exception):
    """A refusal raised by the API layer itself (authentication, scopes, headers, body size): a `Message`, so that
    a French reader gets it in French like every other refusal."""

    def __init__(self, code: str, detail: Message, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(str(detail))
        self.code = code
        self.message = detail
        self.headers = dict(headers or {})


class FieldProblem(BaseModel):
    field: str = Field(description="Where: a body field (`people.0.sex`), or `query limit`, `header If-Match`")
    message: str = Field(description="Why, in the reader's language (Accept-Language)")
    type: str | None = Field(default=None, description="Why, for a program: Pydantic's error type, e.g. `missing`")


class Problem(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "urn:parity:problem:stale_version",
                    "title": "Precondition Failed",
                    "status": 412,
                    "detail": "case 6f1c… is at version 4, not 3: someone changed it since you loaded it",
                    "code": "stale_version",
                }
            ]
        }
    )

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldProblem] | None = Field(default=None, description="Each bad field and why (validation)")


def _responses() -> dict[int | str, dict[str, Any]]:
    described = {
        400: "Malformed request (a body that is not JSON, a query parameter given twice)",
        401: "Not signed in, or the session or token is unknown, expired or revoked",
        403: "The role or token lacks the scope; CSRF check failed; separation of duties",
        404: "No such record (or not one this role may see)",
        409: "The case's state or a concurrent change refuses it; the ledger has no room (admissions paused); a "
        "selection proposal is stale; an idempotency key reused for another request",
        412: "If-Match names a version that is no longer current",
        413: "Body too large",
        415: "Unsupported media type",
        422: "A field is missing, of the wrong type or refused by a rule of the scheme",
        428: "If-Match is required",
        429: "Too many sign-in attempts, or the account is locked",
    }
    return {
        status: {"description": text, "model": Problem, "content": {PROBLEM_JSON: {}}}
        for status, text in described.items()
    }


PROBLEM_RESPONSES = _responses()


def problem_response(
    status: int,
    code: str,
    detail: str,
    headers: Mapping[str, str] | None = None,
    errors: list[FieldProblem] | None = None,
) -> JSONResponse:
    body = Problem(
        type=f"urn:parity:problem:{code}",
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        code=code,
        errors=errors,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=status, headers=dict(headers or {}), media_type=PROBLEM_JSON
    )


async def _refuse(
    request: Request,
    status: int,
    code: str,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
    errors: list[FieldProblem] | None = None,
    audited: bool = False,
) -> JSONResponse:
    if not audited:
        await audit_refusal(request, status, code)
    return problem_response(status, code, detail, headers, errors)


async def audit_refusal(request: Request, status: int, code: str) -> None:
    """Record a refused request: the route and its path's ids (never the body), and the status."""
    services: Services = request.app.state.services
    route = request.scope.get("route")
    action = f"{request.method} {getattr(route, 'path', '(no route)')}"
    params = request.path_params.items() if route is not None else ()
    record_ids = [path_record_id(services, name, str(value)) for name, value in params]
    await run_in_threadpool(record_access, services, action, record_ids, f"refused {status} {code}")


# What a path parameter may be for its value to be written into the append-only audit log as it was sent. Every
# record id is a UUID (cases, people, proposals, flags, users, tokens); a scheme is named by the id of a loaded
# scheme; other parameters (a week, a proposal's verb) are short codes. Anything else is kept out: an address
# typed by hand may hold a name, a date of birth or a document number, and the log can never be cleaned.
RECORD_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
SHORT_CODE = re.compile(r"[a-z0-9]+(?:[-._][a-z0-9]+)*")
SHORT_CODE_LIMIT = 32
NOT_AN_ID = "(not an id)"


def path_record_id(services: Services, name: str, value: str) -> str:
    """The path parameter `name` as the audit log records it: `value` when it is a record id, a loaded scheme's id
    or (for a parameter that names no record, `*_id`) a short code; otherwise NOT_AN_ID."""
    if RECORD_ID.fullmatch(value) or value in services.schemes:
        return value
    if not name.endswith("_id") and len(value) <= SHORT_CODE_LIMIT and SHORT_CODE.fullmatch(value):
        return value
    return NOT_AN_ID


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def on_problem(request: Request, error: ProblemError) -> JSONResponse:
        detail = in_reader_language(request.headers.get("accept-language"), error.message, case_type_of(request))
        return await _refuse(request, STATUS_OF_CODE[error.code], error.code, detail, headers=error.headers)

    @app.exception_handler(DomainError)
    async def on_domain(request: Request, error: DomainError) -> JSONResponse:
        headers = {}
        until = getattr(error, "until", None)
        if until is not None:
            retry = max(1, int((until - request.app.state.services.clock.now()).total_seconds()))
            headers["Retry-After"] = str(retry)
        status = STATUS_OF_CODE.get(error.code, 422)
        detail = in_reader_language(request.headers.get("accept-language"), error.message, case_type_of(request))
        return await _refuse(request, status, error.code, detail, headers=headers, audited=error.audited)

    @app.exception_handler(NotFound)
    async def on_not_found(request: Request, error: NotFound) -> JSONResponse:
        detail = in_reader_language(request.headers.get("accept-language"), error.message, case_type_of(request))
        return await _refuse(request, 404, "not_found", detail)

    @app.exception_handler(ConcurrencyConflict)
    async def on_conflict(request: Request, error: ConcurrencyConflict) -> JSONResponse:  # noqa: ARG001
        detail = Message("someone else changed this record at the same moment, repeatedly: reload it and try again")
        return await _refuse(
            request, 409, "concurrency_conflict", in_reader_language(request.headers.get("accept-language"), detail)
        )

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        # Each field's reason is a template filled with the rule's limits, never the value sent (which may be
        # personal data); the audit keeps only the status and the code.
        language = request.headers.get("accept-language")
        fields = [_field_problem(e) for e in error.errors()]
        problems = [
            FieldProblem(field=field, message=_in_reader_language(language, why), type=kind)
            for field, why, kind in fields
        ]
        if any(kind == "json_invalid" for _, _, kind in fields):
            detail = in_reader_language(language, Message("the body is not valid JSON"))
            return await _refuse(request, 400, "malformed_json", detail, errors=problems)
        every = [Message("%(field)s: %(reason)s", field=field, reason=why) for field, why, _ in fields]
        detail = in_reader_language(language, joined(every) if every else Message("the request is not valid"))
        return await _refuse(request, 422, "invalid_request", detail, errors=problems)

    @app.exception_handler(HTTPException)
    async def on_http(request: Request, error: HTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
        headers = dict(error.headers or {})
        path = request.url.path
        detail = str(error.detail)
        if error.status_code == 404:
            detail = in_reader_language(
                request.headers.get("accept-language"), Message("nothing is at %(path)s", path=path)
            )
        elif error.status_code == 405:
            # Starlette names only the methods of the first route matching the path: name them all.
            headers["Allow"] = ", ".join(allowed_methods(app, path))
            refused = Message(
                "%(method)s is not served at %(path)s: use %(allowed)s",
                method=request.method,
                path=path,
                allowed=headers["Allow"],
            )
            detail = in_reader_language(request.headers.get("accept-language"), refused)
        return await _refuse(request, error.status_code, code, detail, headers=headers)


def in_reader_language(accept_language: str | None, message: Message, case_type: str | None = None) -> str:
    """A refusal in English, or in French for a client whose Accept-Language asks for it (times then in UTC, as
    everywhere in the API); the `code` stays the same. In French, a code the sentence names (an action, a status, a
    reason) is written as its label followed by the code a client sends or reads, « Demande refusée (refuse) »
    (`parity.web.codes`; `case_type`: the kind of case the request is about, see `case_type_of`); the English
    sentence names the codes alone, as before."""
    # Imported here, not at the top: loading parity.web loads the API, this module included.
    from parity.web.i18n import DEFAULT_LANGUAGE, Formats, negotiate

    language = negotiate(None, None, accept_language)
    if language == DEFAULT_LANGUAGE:
        return str(message)
    return Formats(language, UTC_ZONE, codes_shown=True).message(message, case_type)


def case_type_of(request: Request) -> str | None:
    """The kind of case a request is about, "return" or "admission" (its route's first part: `/return-cases/…`,
    `/return-proposals/…`, `/readmission-requests/…`, `/admission-cases/…`), else None: an action code names another
    action on each kind ('refuse')."""
    path = str(getattr(request.scope.get("route"), "path", ""))
    for part in path.split("/"):
        if part.startswith(("return-", "readmission-")):
            return "return"
        if part.startswith("admission-"):
            return "admission"
    return None


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """The methods the API serves on a concrete path, from its OpenAPI document."""
    table: list[tuple[re.Pattern[str], list[str]]] | None = getattr(app.state, "allowed_methods", None)
    if table is None:
        table = [
            (
                re.compile("^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template)) + "$"),
                sorted(m.upper() for m in ops),
            )
            for template, ops in app.openapi()["paths"].items()
        ]
        app.state.allowed_methods = table
    return next((methods for pattern, methods in table if pattern.match(path)), [])


def _field_problem(error: Mapping[str, Any]) -> tuple[str, Message | str, str | None]:
    """Where a validation error is (a body field by its path, `people.0.sex`; another part of the request named
    first, `query limit`), why (`parity.api.validation`), and its Pydantic type."""
    location = [str(part) for part in error.get("loc", ())]
    if location and location[0] in {"body", "query", "path", "header"}:
        where = location[0]
        name = ".".join(location[1:]) or where
        field = name if where == "body" else f"{where} {name}"
    else:
        field = ".".join(location) or "request"
    kind = error.get("type")
    return field, reason(error), None if kind is None else str(kind)


def _in_reader_language(accept_language: str | None, why: Message | str) -> str:
    return why if isinstance(why, str) else in_reader_language(accept_language, why)
