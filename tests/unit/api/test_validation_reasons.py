"""Each validation error type the API translates renders, in English and in French, with the `ctx` Pydantic really
gives it: the errors here are raised by Pydantic itself, not written by hand."""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import pytest
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, Strict, StrictBool, StrictInt, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from parity.api.validation import DETAILS, PLACEHOLDER, REASONS, reason
from parity.domain.messages import Message
from parity.web.i18n import Formats

FR = Formats("fr", ZoneInfo("UTC"))


class Colour(StrEnum):
    RED = "red"
    GREEN = "green"
    BLUE = "blue"


class Inner(BaseModel):
    name: str


class Everything(BaseModel):
    """One field per constraint the request models use (parity.api.schemas and the routers' parameters)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=2, max_length=5, pattern=r"^[a-z]+$")
    strict_count: StrictInt = Field(ge=1, le=366)
    count: int = Field(gt=0, lt=10)
    strict_flag: StrictBool
    flag: bool
    born: date
    at: AwareDatetime
    naive_at: datetime
    colour: Colour
    answer: Literal["accept", "refuse", "extend"]
    one: Literal["only"]
    items: list[int] = Field(min_length=1, max_length=2)
    payload: dict[str, Any]
    inner: Inner


GOOD: dict[str, Any] = {
    "name": "abc",
    "strict_count": 1,
    "count": 1,
    "strict_flag": True,
    "flag": True,
    "born": "2020-01-01",
    "at": "2020-01-01T00:00:00Z",
    "naive_at": "2020-01-01T00:00:00",
    "colour": "red",
    "answer": "accept",
    "one": "only",
    "items": [1],
    "payload": {},
    "inner": {"name": "x"},
}

# (field, bad value): each breaks one rule; together they raise every mapped error type at least once.
BAD: list[tuple[str, Any]] = [
    ("name", None),  # deleted: missing
    ("surplus", 1),  # extra_forbidden
    ("name", 3),  # string_type
    ("name", "a"),  # string_too_short
    ("name", "abcdef"),  # string_too_long
    ("name", "ABCD"),  # string_pattern_mismatch
    ("strict_count", "3"),  # int_type
    ("count", "three"),  # int_parsing
    ("count", 1.5),  # int_from_float
    ("strict_count", 0),  # greater_than_equal
    ("strict_count", 367),  # less_than_equal
    ("count", 0),  # greater_than
    ("count", 10),  # less_than
    ("strict_flag", "yes"),  # bool_type
    ("flag", "perhaps"),  # bool_parsing
    ("items", []),  # too_short
    ("items", [1, 2, 3]),  # too_long
    ("items", "1"),  # list_type
    ("payload", []),  # dict_type
    ("inner", []),  # model_type
    ("colour", "mauve"),  # enum
    ("answer", "maybe"),  # literal_error
    ("one", "other"),  # literal_error, one value
    ("born", []),  # date_type
    ("born", "2025-02-30"),  # date_from_datetime_parsing
    ("born", "2025-02-01T10:00:00"),  # date_from_datetime_inexact
    ("naive_at", []),  # datetime_type
    ("naive_at", float("nan")),  # datetime_parsing
    ("naive_at", "2025-09-01T25:00:00Z"),  # datetime_from_date_parsing
    ("at", "2025-09-01T10:00:00"),  # timezone_aware
]


def raised(field: str, value: Any) -> list[dict[str, Any]]:
    data = {**GOOD, field: value}
    if value is None:
        del data[field]
    with pytest.raises(PydanticValidationError) as refused:
        Everything.model_validate(data)
    return [dict(error) for error in refused.value.errors()]


def real_errors() -> list[dict[str, Any]]:
    errors = [error for field, value in BAD for error in raised(field, value)]
    with pytest.raises(PydanticValidationError) as not_json:
        Everything.model_validate_json("{bad")
    errors.extend(dict(error) for error in not_json.value.errors())
    with pytest.raises(PydanticValidationError) as strict_date:  # a strict date, from JSON text
        TypeAdapter(Annotated[date, Strict()]).validate_json('"2025-13-01"')
    errors.extend(dict(error) for error in strict_date.value.errors())  # date_parsing
    with pytest.raises(PydanticValidationError) as from_attributes:
        TypeAdapter(Inner).validate_python([], from_attributes=True)
    errors.extend(dict(error) for error in from_attributes.value.errors())
    return errors


ERRORS = real_errors()


def test_every_mapped_type_is_raised_here_by_pydantic_itself() -> None:
    assert set(REASONS) <= {error["type"] for error in ERRORS}


@pytest.mark.parametrize("error", ERRORS, ids=lambda error: f"{error['type']}-{'.'.join(map(str, error['loc']))}")
def test_each_real_error_renders_in_english_and_french_with_its_own_ctx(error: dict[str, Any]) -> None:
    why = reason(error)
    assert isinstance(why, Message), f"{error['type']} fell back to Pydantic's English: {error['msg']!r}"
    placeholders = set(PLACEHOLDER.findall(REASONS[error["type"]].template))
    assert placeholders <= set(error.get("ctx") or {})
    english, french = str(why), FR.message(why)
    sent = error.get("input")
    for text in (english, french):
        assert "%(" not in text
        assert not (isinstance(sent, str) and len(sent) > 3 and sent in text), "the value sent is never quoted"
    assert french != english


def test_reasons_read_as_the_english_and_french_refusals_do() -> None:
    def first(field: str, value: Any) -> Message:
        why = reason(raised(field, value)[0])
        assert isinstance(why, Message)
        return why

    too_long, enum, one = first("name", "abcdef"), first("colour", "mauve"), first("one", "x")
    born = first("born", "2025-02-30")
    assert (str(too_long), FR.message(too_long)) == (
        "must be at most 5 character(s) long",
        "doit compter au plus 5 caractère(s)",
    )
    assert (str(enum), FR.message(enum)) == ("must be 'red', 'green' or 'blue'", "doit valoir 'red', 'green' ou 'blue'")
    assert (str(one), FR.message(one)) == ("must be 'only'", "doit valoir 'only'")
    assert (str(born), FR.message(born)) == (
        "must be a date written YYYY-MM-DD: the month has no such day",
        "doit être une date au format AAAA-MM-JJ : ce jour n\u2019existe pas dans ce mois",
    )
    big = reason(
        {"type": "less_than_equal", "msg": "Input should be less than or equal to 100000", "ctx": {"le": 100_000}}
    )
    assert isinstance(big, Message)
    assert (str(big), FR.message(big)) == ("must be 100000 or less", "doit être inférieur ou égal à 100\u202f000")


def test_every_date_and_json_detail_translated_is_one_pydantic_or_json_really_gives() -> None:
    given = {error["ctx"]["error"] for error in ERRORS if "error" in (error.get("ctx") or {})}
    samples = [
        "",
        "x",
        "2025-09-01 extra",
        "x025-09-01",
        "2025-x9-01",
        "2025-09-x1",
        "2025/09/01",
        "2025-13-01",
        "2025-09-31",
        "2025-09-01X10:00:00Z",
        "2025-09-01Tx0:00:00Z",
        "2025-09-01T10:x0:00Z",
        "2025-09-01T10:00:x0Z",
        "2025-09-01T10-00:00Z",
        "2025-09-01T25:00:00Z",
        "2025-09-01T10:60:00Z",
        "2025-09-01T10:00:61Z",
        "2025-09-01T10:00:00*01:00",
        "2025-09-01T10:00:00+25:00",
        "2025-09-01T10:00:00+01:00:00:00",
    ]
    for text in samples:
        for kind in (date, datetime):
            try:
                TypeAdapter(kind).validate_python(text)
            except PydanticValidationError as refused:
                given |= {str(e["ctx"]["error"]) for e in refused.errors() if "error" in (e.get("ctx") or {})}
    for document in ("", "{bad", '{"a" 1}', '{"a": 1 "b": 2}', '{"a": 1} x'):  # FastAPI decodes with json.loads
        try:
            json.loads(document)
        except json.JSONDecodeError as refused:
            given.add(refused.msg)
    assert set(DETAILS) <= given, "DETAILS translates texts neither Pydantic nor json gives"
    for detail in DETAILS.values():
        assert FR.message(detail) != str(detail)


def test_an_unknown_type_or_a_changed_ctx_keeps_pydantics_english() -> None:
    with pytest.raises(PydanticValidationError) as refused:
        TypeAdapter(float).validate_python("not a number")
    [error] = refused.value.errors()
    assert error["type"] not in REASONS
    assert reason(error) == "Input should be a valid number, unable to parse string as a number"
    changed = {"type": "string_too_long", "msg": "String should have at most 3 characters", "ctx": {"limit": 3}}
    assert reason(changed) == "String should have at most 3 characters"
    unknown_detail = reason({"type": "date_parsing", "msg": "…", "ctx": {"error": "a reason not seen before"}})
    assert isinstance(unknown_detail, Message)
    assert FR.message(unknown_detail) == "doit être une date au format AAAA-MM-JJ : a reason not seen before"
