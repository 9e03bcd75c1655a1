"""The interface's languages: a complete French catalogue, the reader's choice, formats per locale."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import extract_from_dir
from tests.catalogue_support import assert_translated

from parity.web.i18n import Formats, negotiate, translations

ROOT = Path(__file__).resolve().parents[3]
WEB = ROOT / "src" / "parity" / "web"


def extracted_messages() -> set[str]:
    """Every English message the templates and the web code ask to translate, read with babel.cfg's methods."""
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(WEB, method_map, options):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_has_a_french_translation_with_the_same_placeholders() -> None:
    assert_translated(WEB / "translations" / "fr" / "LC_MESSAGES" / "messages.po", extracted_messages())


def test_french_translations_are_compiled_at_run_time() -> None:
    assert translations("fr").gettext("Parity dashboard") == "Tableau de bord de la parité"
    assert translations("en").gettext("Parity dashboard") == "Parity dashboard"


@pytest.mark.parametrize(
    ("requested", "cookie", "accept", "expected"),
    [
        ("fr", "en", "en-GB", "fr"),
        (None, "fr", "en-GB", "fr"),
        ("de", None, "fr-CA,fr;q=0.9", "fr"),
        (None, None, "de-DE,de;q=0.9", "en"),
        (None, None, None, "en"),
    ],
)
def test_the_language_is_the_explicit_choice_then_the_cookie_then_the_browser(
    requested: str | None, cookie: str | None, accept: str | None, expected: str
) -> None:
    assert negotiate(requested, cookie, accept) == expected


def test_numbers_dates_and_durations_follow_the_locale() -> None:
    london = ZoneInfo("Europe/London")
    en, fr = Formats("en", london), Formats("fr", london)
    assert (en.number(12345.6), fr.number(12345.6)) == ("12,346", "12\u202f346")
    assert (en.long_date(date(2025, 9, 1)), fr.long_date(date(2025, 9, 1))) == ("1 September 2025", "1 septembre 2025")
    assert en.date_time(datetime(2025, 9, 1, 8, tzinfo=UTC)) == "1 Sept 2025, 09:00"  # shown in UK time
    assert (en.duration(timedelta(hours=-30)), fr.duration(timedelta(days=3, hours=5))) == ("30 hours", "3\xa0jours")


def test_a_deadline_ending_at_midnight_shows_as_the_end_of_its_last_day() -> None:
    en = Formats("en", ZoneInfo("Europe/London"))
    assert en.deadline(datetime(2025, 9, 15, 23, tzinfo=UTC)) == "15 Sept 2025, 24:00"
    assert en.deadline(datetime(2025, 9, 15, 9, tzinfo=UTC)) == "15 Sept 2025, 10:00"


def test_dates_and_times_kept_as_iso_text_in_a_payload_are_shown_in_the_readers_language() -> None:
    payload = {"departure": "2025-09-19T09:30:00+01:00", "decided_on": "2025-09-17", "flight_ref": "PLF-0919"}
    french = dict(Formats("fr", ZoneInfo("Europe/London")).details(payload))
    english = dict(Formats("en", ZoneInfo("Europe/London")).details(payload))
    assert french == {"departure": "19 sept. 2025, 09:30", "decided_on": "17 septembre 2025", "flight_ref": "PLF-0919"}
    assert english["departure"] == "19 Sept 2025, 09:30"
    assert english["decided_on"] == "17 September 2025"
    # Text that only starts like a date, or a time with no zone to convert from, is left as it was typed.
    assert dict(Formats("en", ZoneInfo("Europe/London")).details({"ref": "2025-09-19T25:99 boat"})) == {
        "ref": "2025-09-19T25:99 boat"
    }
