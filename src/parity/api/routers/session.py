"""Signing in and out (browser sessions) and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from parity.accounts import credentials
from parity.accounts.roles import Principal
from parity.api.http import documented
from parity.api.schemas import SessionOut, SignIn
from parity.api.security import SESSION_COOKIE, clear_session_cookie, require, services_of, set_session_cookie
from parity.services.accounts import sign_in, sign_out

router = APIRouter(prefix="/session", tags=["session"])
SESSION_EXAMPLE = SessionOut.model_config["json_schema_extra"]["examples"][0]  # type: ignore[index]


@router.post("", status_code=201, response_model=SessionOut, responses=documented(SESSION_EXAMPLE, 201, "Signed in"))
def create_session(body: SignIn, request: Request, response: Response) -> SessionOut:
    """Sign in with password and second factor; sets the session cookie and returns the CSRF token."""
    client = request.client.host if request.client else "unknown"
    request.app.state.sign_in_throttle.check(client)
    signed = sign_in(services_of(request), body.username, body.password, body.totp)
    set_session_cookie(request, response, signed)
    principal = signed.principal
    return SessionOut(
        user_id=principal.user_id,
        username=principal.username,
        role=principal.role,
        scopes=sorted(principal.scopes),
        via="session",
        csrf_token=signed.csrf_token,
        expires_at=signed.expires_at,
    )


@router.get("", response_model=SessionOut, responses=documented(SESSION_EXAMPLE))
def current_session(request: Request, principal: Annotated[Principal, Depends(require())]) -> SessionOut:
    """Who is signed in (or whose token this is), with the scopes they hold."""
    secret = request.cookies.get(SESSION_COOKIE)
    return SessionOut(
        user_id=principal.user_id,
        username=principal.username,
        role=principal.role,
        scopes=sorted(principal.scopes),
        via=principal.via,
        csrf_token=credentials.csrf_token(secret) if secret and principal.via == "session" else None,
    )


@router.delete("", status_code=204, responses=documented(None, 204, "Signed out"))
def delete_session(request: Request, _principal: Annotated[Principal, Depends(require())]) -> Response:
    """Sign out: the session ends at once, and the cookie is cleared."""
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        sign_out(services_of(request), secret)
    response = Response(status_code=204)
    clear_session_cookie(request, response)
    return response
