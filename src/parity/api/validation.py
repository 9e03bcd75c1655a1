"""Why a field of a request was refused (422 `invalid_request`), as a `Message`, so that a French reader gets it in
French like every other refusal.

FastAPI validates requests with Pydantic, whose errors each carry a stable `type` (`missing`, `string_too_long`,
...), the limits of the rule broken in `ctx` (`max_length`, `ge`, `expected`, ...) and an English `msg`. Each type
the API's request models can produce has a template here, filled with that error's `ctx` values only: never the
value the client sent, which may be personal data. A type without a template keeps Pydantic's English `msg`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from parity.domain.messages import Message, Scalar

PLACEHOLDER = re.compile(r"%\((\w+)\)s")

# Each Pydantic v2 error type the request models (parity.api.schemas, the routers' query and header parameters) can
# produce. A template's placeholders are keys of that error type's `ctx` (tests/unit/api/test_validation_reasons.py
# checks them against errors Pydantic really raises).
REASONS: dict[str, Message] = {
    "missing": Message("is required"),
    "extra_forbidden": Message("is not a field of this request"),
    "string_type": Message("must be a string"),
    "string_too_short": Message("must be at least %(min_length)s character(s) long"),
    "string_too_long": Message("must be at most %(max_length)s character(s) long"),
    "string_pattern_mismatch": Message("must match the pattern %(pattern)s"),
    "int_type": Message("must be a whole number"),
    "int_parsing": Message("must be a whole number"),
    "int_from_float": Message("must be a whole number, without a fractional part"),
    "bool_type": Message("must be true or false"),
    "bool_parsing": Message("must be true or false"),
    "greater_than": Message("must be more than %(gt)s"),
    "greater_than_equal": Message("must be %(ge)s or more"),
    "less_than": Message("must be less than %(lt)s"),
    "less_than_equal": Message("must be %(le)s or less"),
    "too_short": Message("must hold at least %(min_length)s item(s), not %(actual_length)s"),
    "too_long": Message("must hold at most %(max_length)s item(s), not %(actual_length)s"),
    "list_type": Message("must be a list"),
    "dict_type": Message("must be an object"),
    "model_type": Message("must be an object"),
    "model_attributes_type": Message("must be an object"),
    "enum": Message("must be %(expected)s"),
    "literal_error": Message("must be %(expected)s"),
    "date_type": Message("must be a date written YYYY-MM-DD"),
    "date_parsing": Message("must be a date written YYYY-MM-DD: %(error)s"),
    "date_from_datetime_parsing": Message("must be a date written YYYY-MM-DD: %(error)s"),
    "date_from_datetime_inexact": Message("must be a date written YYYY-MM-DD, without a time"),
    "datetime_type": Message("must be a date and time in ISO 8601, such as 2025-09-01T04:10:00+01:00"),
    "datetime_parsing": Message("must be a date and time in ISO 8601, such as 2025-09-01T04:10:00+01:00: %(error)s"),
    "datetime_from_date_parsing": Message(
        "must be a date and time in ISO 8601, such as 2025-09-01T04:10:00+01:00: %(error)s"
    ),
    "timezone_aware": Message("must give its offset from UTC, such as +01:00 or Z"),
    "json_invalid": Message("is not valid JSON: %(error)s"),
}

# The English reasons that dates, times (Pydantic's parser) and JSON (Python's) give in `ctx["error"]`; one not
# here is shown as it is, in English.
DETAILS: dict[str, Message] = {
    "input is too short": Message("it is too short"),
    "unexpected extra characters at the end of the input": Message("it has extra characters at the end"),
    "invalid character in year": Message("the year is not a number"),
    "invalid character in month": Message("the month is not a number"),
    "invalid character in day": Message("the day is not a number"),
    "invalid date separator, expected `-`": Message("the year, month and day are to be separated by `-`"),
    "month value is outside expected range of 1-12": Message("the month is not between 1 and 12"),
    "day value is outside expected range": Message("the month has no such day"),
    "invalid datetime separator, expected `T`, `t`, `_` or space": Message(
        "the date and the time are to be separated by `T`"
    ),
    "invalid character in hour": Message("the hour is not a number"),
    "invalid character in minute": Message("the minutes are not a number"),
    "invalid character in second": Message("the seconds are not a number"),
    "invalid time separator, expected `:`": Message("the hours, minutes and seconds are to be separated by `:`"),
    "hour value is outside expected range of 0-23": Message("the hour is not between 0 and 23"),
    "minute value is outside expected range of 0-59": Message("the minutes are not between 0 and 59"),
    "second value is outside expected range of 0-59": Message("the seconds are not between 0 and 59"),
    "invalid timezone sign": Message("the offset from UTC must start with + or -, or be Z"),
    "timezone offset must be less than 24 hours": Message("the offset from UTC must be less than 24 hours"),
    "Expecting value": Message("a value is expected"),
    "Expecting property name enclosed in double quotes": Message("a field name in double quotes is expected"),
    "Expecting ',' delimiter": Message("a `,` is expected"),
    "Expecting ':' delimiter": Message("a `:` is expected"),
    "Extra data": Message("there is more after the JSON value"),
}


def reason(error: Mapping[str, Any]) -> Message | str:
    """Why one field was refused: a template filled with the error's `ctx`, or Pydantic's English `msg` for an
    error type without one (or, should Pydantic change, a `ctx` without the template's values)."""
    fallback = str(error.get("msg", "invalid"))
    template = REASONS.get(str(error.get("type")))
    if template is None:
        return fallback
    context: Mapping[str, Any] = error.get("ctx") or {}
    names = PLACEHOLDER.findall(template.template)
    if not set(names) <= set(context):
        return fallback
    return Message(template.template, **{name: _value(name, context[name]) for name in names})


def _value(name: str, value: Any) -> Scalar | Message:
    if name == "expected":
        return _choices(str(value))
    if name == "error":
        return DETAILS.get(str(value), str(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return str(value)


def _choices(expected: str) -> Scalar | Message:
    """Pydantic's list of the values allowed, `'M', 'F' or 'X'`, with its "or" in the reader's language."""
    some, separator, last = expected.rpartition(" or ")
    if not separator:
        return expected
    return Message("%(some)s or %(last)s", some=some, last=last)
