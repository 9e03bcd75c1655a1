"""Signing in (username, password, then the second-factor code) and out, with the API's sessions and throttles.

The page posts a plain HTML form, so it works without JavaScript. A refusal never says which of the three was
wrong (services.accounts); a locked account is told when it may try again.

The form is guarded against login CSRF (another site posting its own credentials here, so that the officer then
works, unknowingly, in an account the attacker can read): there is no session yet to tie a token to, so the page
sets a random token both in a SameSite=Strict cookie and in the form (double submit), and a post whose `Origin`
names another site is refused as well.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from parity.accounts.roles import Principal
from parity.api.problems import ProblemError
from parity.api.security import SESSION_COOKIE, clear_session_cookie, require, services_of, set_session_cookie
from parity.services.accounts import AccountLocked, AuthenticationFailed, sign_in, sign_out
from parity.services.context import Services
from parity.web.forms import FormErrors
from parity.web.i18n import translations
from parity.web.pages import PageRoute, formats, language, render, service_zone

FIELDS = ("username", "password", "totp")
SIGN_IN_COOKIE = "parity_sign_in"
SIGN_IN_TOKEN_LIFETIME_SECONDS = 3600


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (never `//elsewhere` or `https://elsewhere`)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


class SignInForm(BaseModel):
    username: str = Field(default="", max_length=64)
    password: str = Field(default="", max_length=1024)
    totp: str = Field(default="", max_length=10)
    next: str = Field(default="/", max_length=2000)
    sign_in_token: str = Field(default="", max_length=100)


def create_sign_in_router(services: Services) -> APIRouter:
    router = APIRouter(route_class=PageRoute, include_in_schema=False)

    @router.get("/sign-in", name="sign_in")
    async def sign_in_page(request: Request, next: str = "/") -> Response:
        return _page(request, safe_next(next), FormErrors(), {})

    @router.post("/sign-in")
    def sign_in_submit(request: Request, form: Annotated[SignInForm, Form()]) -> Response:
        _ = translations(language(request)).gettext
        errors = FormErrors()
        username, password, totp, next = form.username.strip().lower(), form.password, form.totp, form.next
        if not _posted_from_this_site(request, form.sign_in_token):
            # Checked before the password, so a forged post learns nothing and counts no failure.
            errors.add("username", _("This sign-in form has expired or was sent from another site. Sign in again"))
            return _page(request, safe_next(next), errors, {"username": username}, status_code=400)
        if not username:
            errors.add("username", _("Enter your username"))
        if not password:
            errors.add("password", _("Enter your password"))
        # The code is not checked for presence here: a role without a second factor signs in without one, and a
        # missing code where one is needed is refused like any wrong one (never saying which part was wrong).
        if not errors:
            try:
                client = request.client.host if request.client else "unknown"
                request.app.state.sign_in_throttle.check(client)
                signed = sign_in(services, username, password, totp.replace(" ", "") or None)
            except AccountLocked as locked:
                until = formats(request, service_zone(services)).date_time(locked.until)
                message = _("Too many failed attempts: this account is locked until %(time)s")
                errors.add("username", message % {"time": until})
            except AuthenticationFailed:
                errors.add("username", _("The username, password or code is not right. Check them and try again"))
            except ProblemError:  # the per-address throttle
                errors.add("username", _("Too many attempts from this computer: wait a minute and try again"))
            else:
                response = RedirectResponse(safe_next(next), status_code=303)
                set_session_cookie(request, response, signed)
                return response
        return _page(request, safe_next(next), errors, {"username": username}, status_code=400)

    @router.post("/sign-out", name="sign_out")
    def sign_out_submit(request: Request, _principal: Annotated[Principal, Depends(require())]) -> Response:
        # A bearer token has no session to end (nor a cookie, unless a browser sent one too): nothing to sign out.
        session_secret = request.cookies.get(SESSION_COOKIE)
        if session_secret:
            sign_out(services_of(request), session_secret)
        response = RedirectResponse(request.url_for("sign_in").path + "?signed_out=1", status_code=303)
        clear_session_cookie(request, response)
        return response

    return router


def _page(
    request: Request, target: str, errors: FormErrors, values: dict[str, str], status_code: int = 200
) -> Response:
    token = request.cookies.get(SIGN_IN_COOKIE) or secrets.token_urlsafe(32)
    response = render(
        request,
        "sign_in.html",
        status_code=status_code,
        next=target,
        errors=errors,
        values=values,
        sign_in_token=token,
        signed_out="signed_out" in request.query_params,
    )
    response.set_cookie(
        SIGN_IN_COOKIE,
        token,
        max_age=SIGN_IN_TOKEN_LIFETIME_SECONDS,
        secure=request.app.state.settings.cookie_secure,
        httponly=True,
        samesite="strict",
        path=request.url_for("sign_in").path,
    )
    return response


def _posted_from_this_site(request: Request, submitted_token: str) -> bool:
    """The form's token matches the cookie set with it, and the browser does not say the post came from elsewhere."""
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.headers.get("host"):
        return False
    expected = request.cookies.get(SIGN_IN_COOKIE, "")
    return bool(expected) and hmac.compare_digest(expected.encode(), submitted_token.encode())
