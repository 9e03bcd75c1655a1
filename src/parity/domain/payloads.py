"""Reading action payloads: JSON objects whose fields are checked where a rule needs them, with clear errors."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from parity.domain.errors import InvalidCommand


def required_text(payload: Mapping[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidCommand(f"field '{name}' is required and must be non-empty text")
    return value


def optional_date(payload: Mapping[str, Any], name: str) -> date | None:
    value = payload.get(name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidCommand(f"field '{name}' must be a date as YYYY-MM-DD, not {value!r}") from None


def required_date(payload: Mapping[str, Any], name: str) -> date:
    found = optional_date(payload, name)
    if found is None:
        raise InvalidCommand(f"field '{name}' is required (a date as YYYY-MM-DD)")
    return found


def required_datetime(payload: Mapping[str, Any], name: str) -> datetime:
    value = payload.get(name)
    try:
        found = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        found = None
    if found is None or found.tzinfo is None:
        raise InvalidCommand(f"field '{name}' is required: a date and time with a UTC offset, not {value!r}")
    return found
