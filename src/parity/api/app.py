"""The FastAPI application: every use case of the core under /api/v1, documented at /openapi.json."""

from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qsl

from fastapi import APIRouter, FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.types import Message as ASGIMessage

from parity.api.problems import ProblemError, in_reader_language, install_problem_handlers, problem_response
from parity.api.routers import (
    arrivals,
    audit,
    cases,
    decisions,
    identity_flags,
    readmission,
    schemes,
    selection,
    session,
    users,
)
from parity.api.scheme_clock import scheme_clock
from parity.api.security import SignInThrottle
from parity.config import Settings
from parity.domain.messages import Message
from parity.services.audit import Acting, acting_as, record_access
from parity.services.context import Services

API_PREFIX = "/api/v1"
REPEATABLE = frozenset({"status"})  # list filters; any other query parameter takes one value
DESCRIPTION = """
Run, audit and evaluate "one in, one out" return-and-admission schemes.

* **Authentication**: browsers sign in at `POST /api/v1/session` (password and TOTP) and receive a session cookie;
  send the returned CSRF token in `X-CSRF-Token` with every unsafe request. Machine clients send
  `Authorization: Bearer <token>` with a scoped API token, issued for one's own client (`POST /api/v1/session/tokens`).
* **Errors** are `application/problem+json` (RFC 9457) with a stable `code` and a `detail` to act on.
* **Retries**: send an `Idempotency-Key` with a POST; the same key and body replays the first result.
* **Concurrency**: case reads return an `ETag` (the case's version); case actions require `If-Match` (428 without
  it, 412 if the case has moved on).
* **Audit**: every write, every read of personal data and every refusal is appended to a tamper-evident log.
"""


# Sent with every response. Pages and API answers carry personal data: no browser or proxy may keep a copy
# (OWASP ASVS V8.2.1), nor frame them (clickjacking); content types are not guessed. Static assets may be cached.
_HARDENING = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"referrer-policy", b"same-origin"),
]
_NOT_STORED = (b"cache-control", b"no-store")
_CACHEABLE_PREFIXES = ("/static/", "/assets/")


class SecurityHeaders:
    """Adds `_HARDENING` to every response, and `Cache-Control: no-store` to all but static assets."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = list(_HARDENING)
        if not str(scope.get("path", "")).startswith(_CACHEABLE_PREFIXES):
            added.append(_NOT_STORED)

        async def send_hardened(message: ASGIMessage) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in added if h[0] not in names)]
            await send(message)

        await self.app(scope, receive, send_hardened)


class RequestContext:
    """Per request: the audit context (origin now, user once authenticated) and a bound on the body's size."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        way_in = "api" if str(scope.get("path", "")).startswith(API_PREFIX) else "web"
        with acting_as(Acting("anonymous", "none", f"{way_in} {client[0] if client else 'unknown'}")):
            repeated = _repeated_query_parameters(scope.get("query_string", b""))
            if repeated:
                detail = Message(
                    "query parameter '%(name)s' is given more than once; it takes one value", name=repeated[0]
                )
                await _refuse_before_routing(scope, receive, send, status=400, code="repeated_parameter", detail=detail)
                return
            declared = dict(scope.get("headers", [])).get(b"content-length")
            if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
                detail = Message("the body is larger than %(limit)s bytes", limit=self.max_body_bytes)
                await _refuse_before_routing(scope, receive, send, status=413, code="body_too_large", detail=detail)
                return
            await self.app(scope, self._bounded(receive), send)

    def _bounded(self, receive: Receive) -> Receive:
        """A body sent without Content-Length (chunked) is cut off at the limit too."""
        seen = 0

        async def bounded() -> ASGIMessage:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    raise ProblemError(
                        "body_too_large", Message("the body is larger than %(limit)s bytes", limit=self.max_body_bytes)
                    )
            return message

        return bounded


async def _refuse_before_routing(
    scope: Scope, receive: Receive, send: Send, *, status: int, code: str, detail: Message
) -> None:
    """Refuse a request before any route sees it, audited like every other refusal (no record ids: the path is
    not read, since a mistyped path could hold anything)."""
    services = scope["app"].state.services
    action = f"{scope['method']} (before routing)"
    await run_in_threadpool(record_access, services, action, [], f"refused {status} {code}")
    accept_language = dict(scope.get("headers", [])).get(b"accept-language", b"").decode("latin-1") or None
    await problem_response(status, code, in_reader_language(accept_language, detail))(scope, receive, send)


def _repeated_query_parameters(query: bytes) -> list[str]:
    names = Counter(name for name, _ in parse_qsl(query.decode("latin-1"), keep_blank_values=True))
    return sorted(name for name, count in names.items() if count > 1 and name not in REPEATABLE)


def create_app(services: Services, settings: Settings) -> FastAPI:
    app = FastAPI(
        title="Parity API",
        version="1",
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        lifespan=scheme_clock(services, settings.schemes, settings.lapse_interval_seconds),
    )
    app.state.services = services
    app.state.settings = settings
    app.state.sign_in_throttle = SignInThrottle()
    install_problem_handlers(app)
    api = APIRouter(prefix=API_PREFIX)
    for router in (
        session.router,
        schemes.router,
        arrivals.router,
        cases.router,
        readmission.router,
        decisions.returns_router,
        decisions.admissions_router,
        selection.router,
        identity_flags.router,
        users.router,
        audit.router,
    ):
        api.include_router(router)
    app.include_router(api)
    app.add_middleware(RequestContext, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    return app
