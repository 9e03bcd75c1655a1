"""What a form says back when it is refused: one message per field, shown in the GOV.UK error summary at the top
and next to the field (https://design-system.service.gov.uk/components/error-summary/)."""

from __future__ import annotations

from dataclasses import dataclass, field


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
