"""Sentences for people, kept as an English template and its values so that each reader can have them in their
own language.

The domain and the services say why they refuse something with a `Message`: a template with named placeholders,
`%(name)s`, and the values that fill them. `str()` gives the English sentence (logs, the CLI, the API by default);
an entrypoint translates the template and formats the values for its reader's locale (`parity.web.i18n.Formats`).
Babel finds the templates to translate as the first argument of every `Message(...)` call (babel-refusals.cfg,
docs/web.md), so a template is always written out there, never built.

A sentence kept in the database is kept twice (`keep`, `keep_all`): its English text, which old records already
hold and readers of the raw data understand, and the message as JSON, so that a page can show it in French later.
`restore` and `restore_all` read either form back, and records from before messages were kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeAlias

# A value that fills a placeholder. A message, or several, can fill one: each is translated in turn.
Scalar = str | int | float | date | datetime
MessageParam: TypeAlias = "Scalar | Message | tuple[Message, ...]"
# Several messages in one placeholder read as one sentence in either language.
JOINED_BY = "; "
# The field beside a kept English text that holds its message(s) as JSON.
KEPT_SUFFIX = "_message"


@dataclass(frozen=True, init=False)
class Message:
    """A sentence for a person: an English template with `%(name)s` placeholders, and the values that fill them."""

    template: str
    params: tuple[tuple[str, MessageParam], ...]

    def __init__(self, template: str, /, **params: MessageParam) -> None:
        object.__setattr__(self, "template", template)
        object.__setattr__(self, "params", tuple(params.items()))

    def __str__(self) -> str:
        return self.render(lambda template: template, _english)

    def render(self, translate: Callable[[str], str], show: Callable[[Scalar], str]) -> str:
        """The sentence with its template translated by `translate` and each value written by `show`."""
        template = translate(self.template)
        if not self.params:  # A template without values is not %-formatted: "100%" stays as it is.
            return template
        return template % {name: _rendered(value, translate, show) for name, value in self.params}

    def to_json(self) -> dict[str, Any]:
        return {"template": self.template, "params": {name: _param_to_json(value) for name, value in self.params}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Message:
        return cls(data["template"], **{name: _param_from_json(value) for name, value in data["params"].items()})


def joined(messages: Sequence[Message]) -> Message:
    """Several messages as one, each translated in turn."""
    return Message("%(messages)s", messages=tuple(messages))


def keep(field: str, message: Message) -> dict[str, Any]:
    """A message to store under `field`: its English text there, and the message beside it."""
    return {field: str(message), field + KEPT_SUFFIX: message.to_json()}


def keep_all(field: str, messages: Sequence[Message]) -> dict[str, Any]:
    """Messages to store under `field`: their English texts there, and the messages beside them."""
    return {field: [str(m) for m in messages], field + KEPT_SUFFIX: [m.to_json() for m in messages]}


def restore(record: Mapping[str, Any], field: str) -> Message:
    """The message kept under `field`. A record from before messages were kept gives its English text, as it is (or
    translated, where it is word for word a template without values)."""
    kept = record.get(field + KEPT_SUFFIX)
    return Message(record[field]) if kept is None else Message.from_json(kept)


def restore_all(record: Mapping[str, Any], field: str) -> list[Message]:
    kept = record.get(field + KEPT_SUFFIX)
    if kept is None:
        return [Message(text) for text in record[field]]
    return [Message.from_json(message) for message in kept]


def _english(value: Scalar) -> str:
    """A value as the English sentence writes it: dates and times in ISO 8601, as the API and the logs show them."""
    if isinstance(value, date):  # a datetime is a date too
        return value.isoformat()
    return str(value)


def _rendered(value: MessageParam, translate: Callable[[str], str], show: Callable[[Scalar], str]) -> str:
    if isinstance(value, Message):
        return value.render(translate, show)
    if isinstance(value, tuple):
        return JOINED_BY.join(message.render(translate, show) for message in value)
    return show(value)


def _param_to_json(value: MessageParam) -> Any:
    # Dates and nested messages are tagged so they come back as what they were, to be formatted for the reader.
    if isinstance(value, Message):
        return {"message": value.to_json()}
    if isinstance(value, tuple):
        return {"messages": [message.to_json() for message in value]}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return value


def _param_from_json(value: Any) -> MessageParam:
    if not isinstance(value, dict):
        return value  # type: ignore[no-any-return]
    [(kind, content)] = value.items()
    if kind == "message":
        return Message.from_json(content)
    if kind == "messages":
        return tuple(Message.from_json(message) for message in content)
    if kind == "datetime":
        return datetime.fromisoformat(content)
    return date.fromisoformat(content)
