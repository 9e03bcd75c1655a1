"""Authentication and authorisation for every route: one dependency, `require(*scopes)`.

Browsers sign in (`POST /api/v1/session`) and get a session cookie (Secure, HttpOnly, SameSite=Strict); every
unsafe request made with it must carry the session's CSRF token in the `X-CSRF-Token` header or, for HTML forms
(browsers without JavaScript cannot set headers), in the form field `csrf_token`. Machine clients send
`Authorization: Bearer <token>` with a scoped API token; tokens are not sent by browsers on their own, so they need
no CSRF token.

The web interface mounts into the same application and reuses this module: `require(...)` for its pages,
`csrf_token_of(request)` to put the token into its forms, `set_session_cookie` when it signs someone in.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from threading import Lock
from typing import Annotated

from fastapi import Depends, Request, Response, Security
from fastapi.security import APIKeyCookie, APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from parity.accounts import credentials
from parity.accounts.roles import Principal, Scope
from parity.api.problems import ProblemError
from parity.domain.messages import Message, MessageParam
from parity.services.accounts import SESSION_LIFETIME, SignedIn, session_principal, token_principal
from parity.services.audit import acting
from parity.services.context import Services

SESSION_COOKIE = "parity_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

bearer_scheme = HTTPBearer(
    auto_error=False, scheme_name="apiToken", description="A scoped API token: `parity users token USERNAME`"
)
session_scheme = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, scheme_name="session", description="Set by `POST /api/v1/session`"
)
csrf_scheme = APIKeyHeader(
    name=CSRF_HEADER,
    auto_error=False,
    scheme_name="csrf",
    description="The session's CSRF token (from sign-in); required with the session cookie on unsafe methods",
)


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def csrf_token_of(request: Request) -> str | None:
    """The CSRF token of the request's session, for the web interface to put into its forms."""
    secret = request.cookies.get(SESSION_COOKIE)
    return credentials.csrf_token(secret) if secret else None


def check_csrf(request: Request, submitted: str | None) -> None:
    expected = csrf_token_of(request)
    if expected is None or not submitted or not credentials.same(submitted, expected):
        raise ProblemError(
            "csrf_failed",
            Message(
                "missing or wrong CSRF token: send the session's token in %(header)s (or a form's %(field)s)",
                header=CSRF_HEADER,
                field=CSRF_FIELD,
            ),
        )


async def submitted_csrf(request: Request, header: Annotated[str | None, Security(csrf_scheme)]) -> str | None:
    """The CSRF token sent with the request: the header, else the field of a submitted HTML form.

    Async because reading a form is; the form is parsed once and kept by the request for the page that reads it.
    """
    if header is not None or request.method in SAFE_METHODS:
        return header
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in FORM_TYPES:
        return None
    submitted = (await request.form()).get(CSRF_FIELD)
    return submitted if isinstance(submitted, str) else None


def set_session_cookie(request: Request, response: Response, signed: SignedIn) -> None:
    """The cookie of a new session: Secure (unless turned off for local plain HTTP), HttpOnly, SameSite=Strict."""
    response.set_cookie(
        SESSION_COOKIE,
        signed.session_secret,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        secure=request.app.state.settings.cookie_secure,
        httponly=True,
        samesite="strict",
        path="/",
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", secure=request.app.state.settings.cookie_secure, httponly=True)


def authenticate(
    request: Request,
    bearer: HTTPAuthorizationCredentials | None,
    session_secret: str | None,
    csrf: str | None,
) -> Principal:
    services = services_of(request)
    if bearer is not None:
        if bearer.scheme.lower() != "bearer":
            raise ProblemError("not_authenticated", Message("use 'Authorization: Bearer <token>'"))
        return token_principal(services, bearer.credentials)
    if session_secret:
        principal = session_principal(services, session_secret)
        if request.method not in SAFE_METHODS:
            check_csrf(request, csrf)
        return principal
    raise ProblemError(
        "not_authenticated",
        Message("sign in (POST /api/v1/session) or send 'Authorization: Bearer <token>'"),
        {"WWW-Authenticate": 'Bearer realm="parity"'},
    )


PrincipalCheck = Callable[..., Principal]


def require(*scopes: Scope) -> PrincipalCheck:
    """A dependency that authenticates the request and refuses it (403) unless the principal holds every scope.

    With no scopes it only authenticates. The principal is also named on the request's audit context, so that the
    audit entries of whatever the route does carry who did it. Use it as
    `principal: Annotated[Principal, Depends(require(Scope.RETURNS_READ))]`.
    """

    def check(
        request: Request,
        bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
        session_secret: Annotated[str | None, Security(session_scheme)],
        csrf: Annotated[str | None, Depends(submitted_csrf)],
    ) -> Principal:
        principal = authenticate(request, bearer, session_secret, csrf)
        who = acting()
        who.user_id, who.role = principal.user_id, principal.role.value
        who.origin = f"{who.origin} ({principal.via})"
        missing = [scope.value for scope in scopes if not principal.has(scope)]
        if missing:
            needed: dict[str, MessageParam] = {"role": principal.role.value, "scopes": ", ".join(missing)}
            refusal = (
                Message("role %(role)s (with this token) may not do this: it needs scope %(scopes)s", **needed)
                if principal.via == "token"
                else Message("role %(role)s may not do this: it needs scope %(scopes)s", **needed)
            )
            raise ProblemError("forbidden", refusal)
        request.state.principal = principal
        return principal

    check.required_scopes = scopes  # type: ignore[attr-defined]  # read by the route table test and docs
    return check


@dataclass
class SignInThrottle:
    """At most `limit` sign-in attempts per client address per `window` seconds, in this process (the per-account
    lockout, kept in the database, is the defence that holds across processes)."""

    limit: int = 10
    window: float = 60.0
    attempts: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    lock: Lock = field(default_factory=Lock)

    def check(self, client: str) -> None:
        now = time.monotonic()
        with self.lock:
            recent = self.attempts[client]
            while recent and recent[0] <= now - self.window:
                recent.popleft()
            if len(recent) >= self.limit:
                retry = int(recent[0] + self.window - now) + 1
                raise ProblemError(
                    "too_many_attempts",
                    Message("too many sign-in attempts from this address: try again in %(seconds)s s", seconds=retry),
                    {"Retry-After": str(retry)},
                )
            recent.append(now)
