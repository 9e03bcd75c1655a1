"""Reading action payloads: JSON objects whose fields are checked where a rule needs them, with clear errors."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from parity.domain.errors import InvalidCommand
from parity.domain.messages import Message


def required_text(payload: Mapping[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidCommand(Message("field '%(name)s' is required and must be non-empty text", name=name))
    return value


def optional_date(payload: Mapping[str, Any], name: str) -> date | None:
    value = payload.get(name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidCommand(
            Message("field '%(name)s' must be a date as YYYY-MM-DD, not %(value)s", name=name, value=repr(value))
        ) from None


def required_date(payload: Mapping[str, Any], name: str) -> date:
    found = optional_date(payload, name)
    if found is None:
        raise InvalidCommand(Message("field '%(name)s' is required (a date as YYYY-MM-DD)", name=name))
    return found


def required_datetime(payload: Mapping[str, Any], name: str) -> datetime:
    value = payload.get(name)
    try:
        found = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        found = None
    if found is None or found.tzinfo is None:
        raise InvalidCommand(
            Message(
                "field '%(name)s' is required: a date and time with a UTC offset, not %(value)s",
                name=name,
                value=repr(value),
            )
        )
    return found


def optional_amount(payload: Mapping[str, Any], name: str) -> Decimal | None:
    """A sum of money in pounds, at most to the penny, never negative."""
    value = payload.get(name)
    if value is None:
        return None
    try:
        amount = Decimal(value) if isinstance(value, int | float | str) and not isinstance(value, bool) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise InvalidCommand(
            Message(
                "field '%(name)s' must be an amount in pounds, not negative, to the penny, not %(value)s",
                name=name,
                value=repr(value),
            )
        )
    return amount


# Field names beginning with "$" are the record's own: the store keeps a payload's encrypted free text under one
# ("$sealed"). A client's field of that shape, at any depth, could pass for the store's and hide a row from key
# rotation, so it is refused rather than stored.
RESERVED_FIELD_PREFIX = "$"


def check_field_names(payload: Mapping[str, Any]) -> None:
    """Refuse a payload that names a field, at any depth, with the reserved prefix."""
    pending: list[tuple[str, Any]] = [("", payload)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, Mapping):
            for name, inner in value.items():
                where = f"{path}.{name}" if path else str(name)
                if str(name).startswith(RESERVED_FIELD_PREFIX):
                    raise InvalidCommand(
                        Message(
                            "field '%(name)s': names beginning with '%(prefix)s' are reserved; rename the field",
                            name=where,
                            prefix=RESERVED_FIELD_PREFIX,
                        )
                    )
                pending.append((where, inner))
        elif isinstance(value, list | tuple):
            pending.extend((f"{path}[{index}]", inner) for index, inner in enumerate(value))
