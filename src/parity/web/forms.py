"""What a form says back when it is refused: one message per field, shown in the GOV.UK error summary at the top
and next to the field (https://design-system.service.gov.uk/components/error-summary/)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData

from parity.accounts.roles import Principal
from parity.api.http import KEY
from parity.web.labels import Labels


@dataclass
class FormErrors:
    by_field: dict[str, str] = field(default_factory=dict)  # field name -> message; in the order found

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, message)  # the first problem with a field is the one to fix first

    def __bool__(self) -> bool:
        return bool(self.by_field)

    def message(self, name: str) -> dict[str, str] | None:
        """The `errorMessage` parameter of a GOV.UK macro for this field, or None."""
        text = self.by_field.get(name)
        return {"text": text} if text else None

    def summary(self) -> list[dict[str, str]]:
        """The `errorList` of govukErrorSummary: each message linking to its field."""
        return [{"text": text, "href": f"#{name}"} for name, text in self.by_field.items()]


@dataclass(frozen=True)
class ActionField:
    """A field a case action's form asks for."""

    name: str
    # "text"; "date" (YYYY-MM-DD); "datetime" (local time in the scheme's zone); "member" (one family member);
    # "members" (any of them, as a list); "documents" (the number of the document each member showed, one field a
    # member, named `{action}.{field}.{member id}`); "choice" (one of `choices`)
    kind: str = "text"
    choices: tuple[str, ...] = ()


def action_payload(
    fields: tuple[ActionField, ...],
    action: str,
    form: FormData,
    zone: ZoneInfo,
    errors: FormErrors,
    _: Callable[[str], str],
) -> dict[str, Any]:
    """An action's fields from its form (named `{action}.{field}`); a local date and time is read in `zone`."""
    payload: dict[str, Any] = {}
    labels = Labels(_)
    for action_field in fields:
        name = f"{action}.{action_field.name}"
        if action_field.kind == "members":
            payload[action_field.name] = [str(value) for value in form.getlist(name)]
            continue
        if action_field.kind == "documents":
            payload[action_field.name] = _documents_shown(name, form, errors, _)
            continue
        raw = str(form.get(name, "")).strip()
        if action_field.kind == "choice" and raw not in action_field.choices:
            errors.add(name, _("Choose the %(field)s") % {"field": labels.field(action_field.name).lower()})
        elif not raw:
            errors.add(name, _("Enter the %(field)s") % {"field": labels.field(action_field.name).lower()})
        elif action_field.kind == "datetime":
            try:
                payload[action_field.name] = datetime.fromisoformat(raw).replace(tzinfo=zone).isoformat()
            except ValueError:
                errors.add(name, _("Enter a date and time like 2025-09-08 09:30"))
        else:
            payload[action_field.name] = raw
    return payload


def _documents_shown(name: str, form: FormData, errors: FormErrors, _: Callable[[str], str]) -> list[dict[str, str]]:
    """Each member's document number from their field; the action compares them with stage 1 (rule 18)."""
    shown: list[dict[str, str]] = []
    for key in form:
        if key.startswith(f"{name}."):
            number = str(form.get(key, "")).strip()
            if not number:
                errors.add(key, _("Enter the number of the document this person showed"))
            shown.append({"member_id": key.removeprefix(f"{name}."), "document_number": number})
    return shown


def form_command_id(principal: Principal, submitted: object) -> str:
    """A form's command id, per user: the key the page drew into the form, so that sending the form twice repeats
    the command rather than doubling it; a fresh one if the key is missing or malformed (it is stored, so its length
    and characters are those an API client's Idempotency-Key may have)."""
    key = str(submitted or "")
    return f"{principal.user_id}:web:{key if KEY.fullmatch(key) else uuid.uuid4()}"


def form_version(form: FormData) -> int | None:
    """The case version the form was drawn from."""
    raw = str(form.get("version", ""))
    return int(raw) if raw.isdigit() else None
