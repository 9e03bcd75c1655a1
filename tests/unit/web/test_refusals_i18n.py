"""Refusals and reasons of the domain and the services in French: a complete catalogue, and real refusals written
with their dates and numbers as each locale writes them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from tests.builders import action, arriving, boat, return_case, utc
from tests.catalogue_support import PLACEHOLDER, assert_translated

from parity.domain.eligibility import screen_arrival
from parity.domain.errors import DeadlinePassed, LedgerLimitReached
from parity.domain.ledger import Ledger
from parity.domain.messages import Message, keep_all
from parity.scheme import Scheme
from parity.web.i18n import Formats

ROOT = Path(__file__).resolve().parents[3]
CATALOGUE = ROOT / "src" / "parity" / "web" / "translations" / "fr" / "LC_MESSAGES" / "refusals.po"
LONDON = ZoneInfo("Europe/London")
EN, FR = Formats("en", LONDON), Formats("fr", LONDON)


def extracted_templates() -> set[str]:
    """Every template of a `Message(...)` in the domain, the services and the selection, read with the mapping that
    `pybabel extract` uses for them (babel-refusals.cfg)."""
    with (ROOT / "babel-refusals.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    return {str(found[2]) for found in extract_from_dir(ROOT, method_map, options_map)}


def test_every_refusal_has_a_french_translation_with_the_same_placeholders() -> None:
    templates = extracted_templates()
    catalog = assert_translated(CATALOGUE, templates)
    for template in templates:  # a template without values is not %-formatted, so it may not hold a stray "%"
        assert PLACEHOLDER.findall(template) or "%" not in template, template
    obsolete = {str(entry.id) for entry in catalog if entry.id} - templates
    assert not obsolete, f"refusals.po translates templates no code uses: {sorted(obsolete)}"


def test_a_request_deadline_passed_says_when_in_either_language(uk_fr: Scheme) -> None:
    case = return_case(uk_fr, utc(2025, 9, 1, 4), "detain")
    with pytest.raises(DeadlinePassed) as refused:
        case.record(action(uk_fr, "send_request", utc(2025, 9, 16, 8)), uk_fr)  # arrival + 14 days has passed

    assert str(refused.value).startswith("the readmission request had to be sent before 2025-09-15T23:00:00+00:00")
    assert EN.message(refused.value.message) == (
        "the readmission request had to be sent before 15 Sept 2025, 24:00 (arrival + 14 days, treaty Art. 8); "
        "it can no longer be sent"
    )
    assert FR.message(refused.value.message) == (
        "la demande de réadmission devait être envoyée avant le 15 sept. 2025, 24:00 (arrivée + 14 jours, art. 8 "
        "du traité) ; elle ne peut plus être envoyée"
    )


def test_the_ledger_refusal_writes_its_figures_for_the_locale(eu_tr: Scheme) -> None:
    ledger = Ledger("eu-tr-2016", returned=100_000, committed=71_999)
    with pytest.raises(LedgerLimitReached) as refused:
        ledger.commit_admission(2, date(2025, 9, 1), eu_tr.parity)

    assert "returned 100000, admitted 0, clearances outstanding 71999, tolerance 0" in str(refused.value)
    assert "returned 100,000, admitted 0, clearances outstanding 71,999, tolerance 0" in EN.message(
        refused.value.message
    )
    assert FR.message(refused.value.message) == (
        "2 place(s) d\u2019admission nécessaire(s) mais 1 disponible(s) : renvoyés 100\u202f000, admis 0, "
        "autorisations d\u2019entrée non encore utilisées 71\u202f999, tolérance 0, niveau hebdomadaire 1\u202f000 "
        "(règles 21 à 23)"
    )


def test_a_screening_reason_kept_in_a_record_is_read_back_in_french(uk_fr: Scheme) -> None:
    [screening] = screen_arrival(uk_fr, boat(arriving(), at=utc(2025, 8, 1, 4)), utc(2025, 8, 1, 8))
    [before_the_scheme] = screening.reasons
    stored = keep_all("reasons", screening.reasons)

    assert stored["reasons"] == ["arrived on 2025-08-01, outside the scheme's period in force (rule 24)"]
    assert EN.kept_all(stored, "reasons") == [
        "arrived on 1 August 2025, outside the scheme's period in force (rule 24)"
    ]
    assert FR.kept_all(stored, "reasons") == [
        "arrivée le 1 août 2025, en dehors de la période de validité du dispositif (règle 24)"
    ]
    assert FR.message(before_the_scheme) == FR.kept_all(stored, "reasons")[0]


def test_an_old_record_and_an_unknown_sentence_stay_in_english() -> None:
    assert FR.kept_all({"reasons": ["no age status recorded"]}, "reasons") == ["no age status recorded"]
    assert FR.message(Message("a sentence no catalogue knows: %(n)s", n=3)) == "a sentence no catalogue knows: 3"


def test_an_action_payload_shows_its_kept_sentences_in_the_language_and_hides_their_stored_form() -> None:
    reasons = [Message("unaccompanied minor: never eligible (rule 3)")]
    payload = {"boat_ref": "SB-1", **keep_all("reasons", reasons)}
    assert FR.details(payload) == [
        ("boat_ref", "SB-1"),
        ("reasons", ["mineur non accompagné : jamais éligible (règle 3)"]),
    ]
