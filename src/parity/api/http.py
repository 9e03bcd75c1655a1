"""HTTP conventions shared by the routers: Idempotency-Key to command id, ETag from a version, If-Match checks,
and the audit call for reads of personal data."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import Header, Request, Response

from parity.accounts.roles import Principal
from parity.api.problems import PROBLEM_RESPONSES, ProblemError
from parity.domain.errors import InvalidCommand
from parity.domain.messages import Message
from parity.services.audit import record_access

KEY = re.compile(r"[A-Za-z0-9._:-]{8,80}")
ETAG = re.compile(r'^(?:W/)?"(\d{1,9})"$')

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=80,
        description="Repeat-safe retries: the same key with the same body replays the first result and changes "
        "nothing; with a different body it is refused (409). 8-80 characters of A-Z a-z 0-9 . _ : -",
        examples=["0b8e8f2c-4d1a-4c3e-9a57-1f2d3c4b5a69"],
    ),
]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=40,
        description='The ETag of the case as you last read it, e.g. "3": refused with 412 if it has changed since',
        examples=['"3"'],
    ),
]


def command_id(principal: Principal, key: str | None) -> str:
    """Idempotency keys are per user: one user's key never replays another's result."""
    if key is None:
        return str(uuid.uuid4())
    if not KEY.fullmatch(key):
        raise InvalidCommand(Message("header 'Idempotency-Key' must be 8-80 characters of A-Z a-z 0-9 . _ : -"))
    return f"{principal.user_id}:{key}"


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(if_match: str | None) -> int:
    """The version named by a required If-Match header: 428 if absent, 412 if it names no version."""
    if if_match is None:
        raise ProblemError(
            "precondition_required", Message("If-Match is required: send the ETag of the case as you last read it")
        )
    found = ETAG.match(if_match.strip())
    if found is None:
        raise ProblemError(
            "stale_version", Message('If-Match %(given)s is not an ETag of this API (e.g. "3")', given=repr(if_match))
        )
    return int(found.group(1))


def optional_version(if_match: str | None) -> int | None:
    return None if if_match is None else expected_version(if_match)


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def audit_read(request: Request, action: str, record_ids: Sequence[str]) -> None:
    """Audit a read of personal data (the principal is already on the request's audit context)."""
    record_access(request.app.state.services, action, record_ids)


def documented(example: Any, status: int = 200, description: str = "OK", **headers: str) -> dict[int | str, Any]:
    """The responses of an operation for OpenAPI: its success with an example, and every problem it can answer."""
    success: dict[str, Any] = {"description": description}
    if status != 204:
        success["content"] = {"application/json": {"example": example}}
    if headers:
        success["headers"] = {
            name: {"description": text, "schema": {"type": "string"}} for name, text in headers.items()
        }
    return {status: success, **PROBLEM_RESPONSES}
