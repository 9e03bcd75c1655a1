"""Accounts administration: users, roles and API tokens (scope users:admin). Secrets are shown once."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from parity.accounts.roles import Principal, Scope
from parity.api.http import IdempotencyKey, command_id, documented
from parity.api.problems import ProblemError
from parity.api.schemas import CreatedUserOut, DoneOut, TokenIn, TokenOut, UserIn, UserOut
from parity.api.security import require, services_of
from parity.domain.messages import Message
from parity.services.accounts import create_user, disable_user, issue_token, list_tokens, list_users, revoke_token

router = APIRouter(tags=["users"])
Admin = Annotated[Principal, Depends(require(Scope.USERS_ADMIN))]


def signed_in(principal: Annotated[Principal, Depends(require())]) -> Principal:
    """The principal of a signed-in session; a token is refused (403), before its request body is even read."""
    if principal.via != "session":
        raise ProblemError(
            "forbidden",
            Message("an API token cannot issue tokens: sign in (POST /api/v1/session) and ask with that session"),
        )
    return principal


SignedIn = Annotated[Principal, Depends(signed_in)]


def _example(model: type[Any]) -> Any:
    return model.model_config["json_schema_extra"]["examples"][0]


@router.get("/users", response_model=list[UserOut], responses=documented([_example(UserOut)]))
def users(request: Request, _: Admin) -> list[UserOut]:
    """Every user, with role, status and whether a second factor is enrolled (no hashes, no secrets)."""
    return [UserOut(**vars(u)) for u in list_users(services_of(request))]


@router.post(
    "/users", status_code=201, response_model=CreatedUserOut, responses=documented(_example(CreatedUserOut), 201)
)
def new_user(body: UserIn, request: Request, principal: Admin, key: IdempotencyKey = None) -> CreatedUserOut:
    """Create a user with a role; roles that see personal data get a TOTP secret to enrol (shown once)."""
    created = create_user(
        services_of(request), command_id(principal, key), body.username, body.role, body.password, totp=body.totp
    )
    return CreatedUserOut(**vars(created))


@router.post("/users/{user_id}/disable", response_model=DoneOut, responses=documented(_example(DoneOut)))
def disable(user_id: str, request: Request, principal: Admin, key: IdempotencyKey = None) -> DoneOut:
    """Disable a user: their sessions and tokens stop working at once."""
    disable_user(services_of(request), command_id(principal, key), user_id)
    return DoneOut(id=user_id, done=True)


@router.get("/tokens", response_model=list[TokenOut], responses=documented([_example(TokenOut)]))
def tokens(request: Request, _: Admin, user_id: Annotated[str | None, Query(max_length=64)] = None) -> list[TokenOut]:
    """API tokens (never the tokens themselves: only their ids, scopes and dates)."""
    return [
        TokenOut(
            token_id=t.id,
            user_id=t.user_id,
            label=t.label,
            scopes=list(t.scopes),
            created_at=t.created_at,
            expires_at=t.expires_at,
            revoked_at=t.revoked_at,
        )
        for t in list_tokens(services_of(request), user_id)
    ]


@router.post("/session/tokens", status_code=201, response_model=TokenOut, responses=documented(_example(TokenOut), 201))
def new_token(
    body: TokenIn,
    request: Request,
    principal: SignedIn,
    key: IdempotencyKey = None,
) -> TokenOut:
    """Issue an API token for your own machine client, narrowed to `scopes` (never beyond your own; shown once).
    Nobody issues a token for someone else: whatever it does is recorded as its owner's. Only a signed-in session
    may ask (403 `forbidden` for a token): a token that could issue tokens would outlive its own expiry and
    revocation through a longer-lived child."""
    scopes = [s.value for s in body.scopes] if body.scopes is not None else None
    issued = issue_token(
        services_of(request),
        command_id(principal, key),
        principal.user_id,
        body.label,
        scopes=scopes,
        days=body.days,
        within=principal.scopes,
    )
    return TokenOut(
        token_id=issued.token_id,
        user_id=issued.user_id,
        label=body.label,
        scopes=list(issued.scopes),
        expires_at=issued.expires_at,
        token=issued.token,
    )


@router.post("/tokens/{token_id}/revoke", response_model=DoneOut, responses=documented(_example(DoneOut)))
def revoke(token_id: str, request: Request, principal: Admin, key: IdempotencyKey = None) -> DoneOut:
    """Revoke an API token: it stops working at once."""
    revoke_token(services_of(request), command_id(principal, key), token_id)
    return DoneOut(id=token_id, done=True)
