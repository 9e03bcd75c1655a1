"""Languages of the web interface: message catalogues, the reader's choice, and dates and numbers in their locale.

The French catalogues are kept as `.po` sources in `translations/`: `messages` for the interface's own words,
`refusals` for the sentences of the domain and the services (refusals, screening and scoring reasons:
`parity.domain.messages`). Each is compiled in memory by Babel when first used, so there is no build step and no
compiled file to keep in step (see `docs/web.md`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton, format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations

from parity.domain.messages import KEPT_SUFFIX, Message, Scalar, restore, restore_all
from parity.web.codes import labelled
from parity.web.labels import Labels

DEFAULT_LANGUAGE = "en"
# A date, or a date and time, as the API and the payloads write them (ISO 8601).
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}.*)?$")
# Language code -> the Babel locale whose conventions it uses (the service is run from the UK and from France).
LOCALES = {"en": "en_GB", "fr": "fr_FR"}
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
REFUSALS = "refusals"  # the catalogue of the domain's and the services' sentences


@cache
def translations(language: str, domain: str = "messages") -> NullTranslations:
    """A message catalogue of a language; English is the source language and needs none."""
    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    source = resources.files("parity.web").joinpath("translations", language, "LC_MESSAGES", f"{domain}.po")
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=LOCALES[language])
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def negotiate(requested: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The language to answer in: an explicit choice, else the one kept in the cookie, else the browser's."""
    for choice in (requested, cookie):
        if choice in LOCALES:
            return choice
    if accept_language:
        preferred = [part.split(";")[0].strip().replace("-", "_") for part in accept_language.split(",")]
        best = Locale.negotiate(preferred, list(LOCALES.values()), sep="_")
        if best is not None:
            return best.language
    return DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Formats:
    """Numbers, dates and durations as a reader of one language expects them, times in the scheme's zone."""

    language: str
    zone: ZoneInfo
    # A code a sentence names is written as its label; with this, the code follows in brackets, for a reader who
    # acts on codes (an API client: `parity.api.problems`). See `parity.web.codes`.
    codes_shown: bool = False

    @property
    def locale(self) -> str:
        return LOCALES[self.language]

    def number(self, value: float, decimals: int = 0) -> str:
        pattern = "#,##0" if decimals == 0 else "#,##0." + "0" * decimals
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, value: float) -> str:
        return format_percent(value, format="#,##0.0%", locale=self.locale)

    def long_date(self, day: date) -> str:
        return format_date(day, "long", locale=self.locale)

    def short_date(self, day: date) -> str:
        return format_skeleton("MMMd", day, locale=self.locale)

    def date_time(self, instant: datetime) -> str:
        return format_datetime(instant, "d MMM y, HH:mm", tzinfo=self.zone, locale=self.locale)

    def deadline(self, instant: datetime) -> str:
        """A deadline: one that ends at midnight is shown as 24:00 on its last day, the day the law names."""
        local = instant.astimezone(self.zone)
        if local.time() == time(0):
            return format_datetime(local - timedelta(days=1), "d MMM y, '24:00'", locale=self.locale)
        return self.date_time(instant)

    def duration(self, span: timedelta) -> str:
        """A span without direction, in hours below two days and in days above ("30 hours", "3 jours")."""
        return format_timedelta(abs(span), threshold=2, locale=self.locale)

    def message(self, message: Message, case_type: str | None = None) -> str:
        """A sentence of the domain or the services (a refusal, a reason) in this language, with its dates and
        numbers written for the locale and the codes it names (an action, a status, a reason) as their labels
        (`parity.web.codes`; `case_type`, "return" or "admission", where the caller knows which kind of case it is
        about); one the catalogue does not know stays in English."""
        words = labelled(message, self.labels, case_type=case_type, codes_shown=self.codes_shown)
        return words.render(translations(self.language, REFUSALS).gettext, self._value)

    @property
    def labels(self) -> Labels:
        return Labels(translations(self.language).gettext)

    def kept(self, record: Mapping[str, Any], field: str) -> str:
        """The sentence a stored record keeps under `field` (`parity.domain.messages.keep`) in this language."""
        return self.message(restore(record, field))

    def kept_all(self, record: Mapping[str, Any], field: str) -> list[str]:
        return [self.message(message) for message in restore_all(record, field)]

    def details(self, payload: Mapping[str, Any]) -> list[tuple[str, Any]]:
        """An action's details as shown: each sentence kept with its message in this language, not the message."""
        return [
            (name, self._detail(payload, name, value))
            for name, value in payload.items()
            if not (name.endswith(KEPT_SUFFIX) and name.removesuffix(KEPT_SUFFIX) in payload)
        ]

    def _detail(self, payload: Mapping[str, Any], name: str, value: Any) -> Any:
        if name + KEPT_SUFFIX not in payload:
            return self._stored_value(value)
        return self.kept_all(payload, name) if isinstance(value, list) else self.kept(payload, name)

    def _stored_value(self, value: Any) -> Any:
        """Payloads hold dates and times as ISO text (JSON has no date): shown in this language like any other."""
        if isinstance(value, str) and ISO_DATE.match(value):
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                return value
            if len(value) == len("2025-09-19"):
                return self.long_date(parsed.date())
            return self.date_time(parsed) if parsed.tzinfo else value
        return value

    def _value(self, value: Scalar) -> str:
        if isinstance(value, datetime):
            return self.deadline(value)
        if isinstance(value, date):
            return self.long_date(value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return format_decimal(value, locale=self.locale)
        return str(value)
