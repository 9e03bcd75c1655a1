"""Normalisation of identity records for matching across transliterations.

The names in this register are written in Latin letters by many hands from Tigrinya, Arabic, Persian, Pashto,
Kurdish, Vietnamese and other scripts. English phonetic codes (Soundex, Metaphone) encode English spelling rules
and collapse or split these names badly, so matching here works on three representations of each name token:

* the *canonical token*: lower case, diacritics and apostrophes removed, Arabic articles (al-, el-, ...) and
  connectives (bin, ibn, ...) dropped, and the compound prefixes of Arabic (abd-, abu-) and Ethiopic
  (gebre-, wolde-, ...) names joined to the word they belong to, so that "Abdel Rahman", "Abd al-Rahman" and
  "Abdulrahman" or "Gebre Medhin" and "Gebremedhin" become one token each;
* the *skeleton*: the canonical token with the spelling choices that differ between transliteration schemes
  folded together (kh/k, q/k, ph/f, w/v, ou/u, doubled letters, most vowels), so that "Mohammed", "Muhammad"
  and "Mohamed" agree, as do "Tesfay", "Tesfaye" and "Tesfai";
* the order of tokens is kept but never trusted: given and family names are swapped in many records, and an
  Ethiopic or Eritrean name ("Tesfay Gebremedhin Haile": own name, father's, grandfather's) has no family name
  at all, so clerks split it in different places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from anyascii import anyascii

from parity.identity.nationality import normalise_nationality
from parity.identity.records import IdentityRecord

# Apostrophe-like marks used for the Arabic ʿayn and hamza ("Sa'id", "Ma'mun", also written with curly quotes,
# modifier letters or accents): dropped, not turned into spaces.
_GLOTTAL_MARKS = re.compile("['`\u2019\u2018\u02bf\u02be\u02bb\u00b4]")
_NOT_A_LETTER = re.compile(r"[^a-z]+")

# Arabic definite article and its sun-letter assimilations, and the "son/daughter of" connectives.
_DROPPED_PARTICLES = frozenset(
    {"al", "el", "ul", "ad", "ed", "ar", "er", "as", "es", "at", "et", "an", "az", "ash", "bin", "ben", "bint", "ibn"}
)
# A particle written joined with a hyphen ("al-Hassan") is split off before this runs; these are joined forms
# written without one ("Alhassan") that are common enough to strip.
_JOINED_ARTICLE = re.compile(r"^(?:al|el)(?=[bcdfghjklmnpqrstvwxyz][a-z]{3,})")

# Compound-name prefixes joined to the following token. "abd" variants also appear fused ("abdulrahman").
_ARABIC_SERVANT_PREFIX = re.compile(r"^abd(?:[aeiou][lr]?)?(?=[a-z]{3,}$)")
_JOINING_PREFIXES = {
    "abd": "abd",
    "abdel": "abd",
    "abdul": "abd",
    "abdal": "abd",
    "abdol": "abd",
    "abdil": "abd",
    "abdur": "abd",
    "abu": "abu",
    "abou": "abu",
    "abo": "abu",
    "gebre": "gebre",
    "ghebre": "gebre",
    "gebra": "gebre",
    "gabre": "gebre",
    "ghebrie": "gebre",
    "wolde": "wolde",
    "welde": "wolde",
    "wold": "wolde",
    "weld": "wolde",
    "w": "wolde",
    "habte": "habte",
    "tekle": "tekle",
    "zere": "zere",
}

# Ordered rewrites applied to a canonical token before vowels are dropped.
_SKELETON_REWRITES = (
    ("sch", "s"),
    ("tch", "c"),
    ("dj", "j"),
    ("sh", "s"),
    ("ch", "s"),
    ("zh", "j"),
    ("kh", "k"),
    ("gh", "g"),
    ("ph", "f"),
    ("th", "s"),  # Arabic ث: "Othman" and "Osman", "Thabit" and "Sabit"
    ("dh", "d"),
    ("ck", "k"),
    ("q", "k"),
    ("c", "k"),
    ("x", "ks"),
    ("w", "v"),
    ("p", "f"),
)
# Arabic ta marbuta and Persian final -eh are written with or without an h ("Tara"/"Tarah", "Fatemeh"/"Fateme").
_FINAL_H_AFTER_VOWEL = re.compile(r"(?<=[aeiou])h$")
# The diphthong of "Hussein"/"Hussain", "Sheikh"/"Shaikh", "Zeinab"/"Zainab" is written with either vowel.
_DIPHTHONG = re.compile(r"e(?=[iy])")
_VOWELS_AND_H = re.compile(r"[aeiouyh]")
_REPEATED_LETTER = re.compile(r"(.)\1+")
_VOWEL_CLASS = {"a": "a", "e": "i", "i": "i", "y": "i", "o": "u", "u": "u"}
_SHORT_TOKEN = 4

# Dates before this are data-entry sentinels rather than births of living applicants.
EARLIEST_PLAUSIBLE_BIRTH = date(1900, 1, 2)


@dataclass(frozen=True, slots=True)
class NormalisedRecord:
    """A record in the form the model compares. ``issues`` explains anything that was discarded."""

    record_id: str
    name_tokens: tuple[str, ...]
    name_skeletons: tuple[str, ...]
    date_of_birth: date | None
    dob_is_placeholder: bool
    nationality: str | None
    sex: str | None
    document_number: str | None
    biometric_id: str | None
    issues: tuple[str, ...] = ()

    @property
    def has_name(self) -> bool:
        return bool(self.name_tokens)


def fold_to_ascii(text: str) -> str:
    """Lower case Latin letters: diacritics stripped ("Nguyễn" -> "nguyen", "đ" -> "d") and other scripts
    transliterated by anyascii ("ተስፋይ" -> "tesfay", "محمد" -> "mhmd": Arabic script writes no short vowels)."""
    return anyascii(text).casefold()


def canonical_tokens(*name_parts: str) -> tuple[str, ...]:
    """Canonical name tokens, in the order written, from any number of name fields."""
    raw_tokens: list[str] = []
    for part in name_parts:
        cleaned = _GLOTTAL_MARKS.sub("", fold_to_ascii(part).replace("w/", "wolde "))
        raw_tokens.extend(token for token in _NOT_A_LETTER.split(cleaned) if token)
    tokens: list[str] = []
    pending_prefix = ""
    for raw in raw_tokens:
        if raw in _DROPPED_PARTICLES:
            continue
        if raw in _JOINING_PREFIXES:
            pending_prefix += _JOINING_PREFIXES[raw]
            continue
        token = _ARABIC_SERVANT_PREFIX.sub("abd", pending_prefix + _JOINED_ARTICLE.sub("", raw))
        tokens.append(token)
        pending_prefix = ""
    if pending_prefix:
        # A prefix with nothing after it ("Abu" alone) is the whole name as far as we can tell.
        tokens.append(pending_prefix)
    return tuple(tokens)


def skeleton(token: str) -> str:
    """A transliteration-insensitive key for one canonical token ("muhammad" -> "md", "tesfaye" -> "tsf").

    In long tokens vowels vary most between transliterations and are dropped. In short ones (Vietnamese
    syllables, "Ali", "Reza") they carry the name ("Lan" and "Linh" are different people), so they are only
    folded into three classes.
    """
    rewritten = _DIPHTHONG.sub("a", _FINAL_H_AFTER_VOWEL.sub("", token))
    for spelling, replacement in _SKELETON_REWRITES:
        rewritten = rewritten.replace(spelling, replacement)
    rewritten = _REPEATED_LETTER.sub(r"\1", rewritten)
    if len(rewritten) <= _SHORT_TOKEN:
        return _REPEATED_LETTER.sub(r"\1", "".join(_VOWEL_CLASS.get(ch, ch) for ch in rewritten))
    head, tail = rewritten[0], rewritten[1:]
    head = _VOWEL_CLASS.get(head, head)
    return _REPEATED_LETTER.sub(r"\1", head + _VOWELS_AND_H.sub("", tail))


def is_placeholder_date_of_birth(value: date) -> bool:
    """1 January is what registers record when only the year (or an age) is known."""
    return value.month == 1 and value.day == 1


def normalise_date_of_birth(value: date | None, today: date) -> tuple[date | None, list[str]]:
    if value is None:
        return None, []
    if value > today:
        return None, [f"date of birth {value.isoformat()} is in the future: treated as unknown"]
    if value < EARLIEST_PLAUSIBLE_BIRTH:
        return None, [f"date of birth {value.isoformat()} is not plausible: treated as unknown"]
    return value, []


def normalise_sex(raw: str | None) -> str | None:
    code = (raw or "").strip().upper()[:1]
    return code if code in {"M", "F", "X"} else None


def normalise_document_number(raw: str | None) -> str | None:
    cleaned = re.sub(r"[^0-9A-Z]", "", fold_to_ascii(raw or "").upper())
    return cleaned or None


def normalise_biometric_id(raw: str | None) -> str | None:
    cleaned = (raw or "").strip()
    return cleaned or None


def normalise_record(record: IdentityRecord, today: date) -> NormalisedRecord:
    tokens = canonical_tokens(record.given_names or "", record.family_name or "")
    date_of_birth, issues = normalise_date_of_birth(record.date_of_birth, today)
    nationality = normalise_nationality(record.nationality)
    if nationality is None and (record.nationality or "").strip():
        issues.append(f"nationality code {record.nationality.strip()!r} is not known: treated as missing")
    if not tokens:
        issues.append("no usable name: matched on the other fields only")
    return NormalisedRecord(
        record_id=record.record_id,
        name_tokens=tokens,
        name_skeletons=tuple(skeleton(token) for token in tokens),
        date_of_birth=date_of_birth,
        dob_is_placeholder=date_of_birth is not None and is_placeholder_date_of_birth(date_of_birth),
        nationality=nationality,
        sex=normalise_sex(record.sex),
        document_number=normalise_document_number(record.document_number),
        biometric_id=normalise_biometric_id(record.biometric_id),
        issues=tuple(issues),
    )
