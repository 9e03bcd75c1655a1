"""A committee week's figures: kept as plain JSON with a sign-off, and compared figure by figure afterwards."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

from parity.domain.committee import (
    CommitteeReport,
    Correction,
    DeadlineTally,
    Figure,
    LegalBlockCount,
    RefusalCount,
    corrections,
)
from parity.domain.decisions import CaseType

SIGNED = CommitteeReport(
    scheme_id="uk-fr-2025",
    week_start=date(2025, 9, 8),
    last_day=date(2025, 9, 14),
    returned=2,
    admitted=2,
    clearances_issued=2,
    clearances_released=0,
    cumulative_returned=2,
    cumulative_admitted=2,
    balance=0,
    tolerance=25,
    weekly_level=50,
    deadlines=[DeadlineTally(CaseType.RETURN, "request_target", binding=False, met=0, missed=3)],
    refusals=[RefusalCount(CaseType.RETURN, "public_order", 1)],
    legal_blocks=[LegalBlockCount("suspensive_appeal", 1, 1)],
)


def test_a_report_survives_its_json_record_unchanged() -> None:
    stored = json.loads(json.dumps(SIGNED.to_record()))
    assert CommitteeReport.from_record(stored) == SIGNED


def test_no_correction_when_nothing_changed() -> None:
    assert corrections(SIGNED, SIGNED) == []


def test_a_changed_figure_is_a_correction_with_both_values() -> None:
    later = replace(SIGNED, returned=3, cumulative_returned=3, balance=1)
    assert corrections(SIGNED, later) == [
        Correction(Figure("summary", (), "balance"), 0, 1),
        Correction(Figure("summary", (), "cumulative_returned"), 2, 3),
        Correction(Figure("summary", (), "returned"), 2, 3),
    ]


def test_a_row_that_appears_or_vanishes_counts_as_zero_on_its_other_side() -> None:
    later = replace(
        SIGNED,
        refusals=[],
        legal_blocks=[LegalBlockCount("suspensive_appeal", 1, 1), LegalBlockCount("injunction", 0, 1)],
    )
    assert corrections(SIGNED, later) == [
        Correction(Figure("legal_blocks", ("injunction",), "in_force"), 0, 1),
        Correction(Figure("refusals", ("return", "public_order"), "cases"), 1, 0),
    ]


def test_a_row_that_appears_with_zeros_is_no_correction() -> None:
    later = replace(SIGNED, legal_blocks=[*SIGNED.legal_blocks, LegalBlockCount("injunction", 0, 0)])
    assert corrections(SIGNED, later) == []


def test_the_fingerprint_follows_every_figure_and_nothing_else() -> None:
    assert SIGNED.fingerprint() == replace(SIGNED).fingerprint()
    assert (
        SIGNED.fingerprint()
        != replace(SIGNED, refusals=[RefusalCount(CaseType.RETURN, "public_order", 2)]).fingerprint()
    )
    deadline = DeadlineTally(CaseType.RETURN, "request_target", binding=True, met=0, missed=3)
    assert SIGNED.fingerprint() != replace(SIGNED, deadlines=[deadline]).fingerprint()
