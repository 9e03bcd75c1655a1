"""A committee week's figures: kept as plain JSON with a sign-off, and compared figure by figure afterwards."""

from __future__ import annotations

import json
from dataclasses import replace

from tests.builders import week_report

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

SIGNED = week_report()


def test_a_report_survives_its_json_record_unchanged() -> None:
    stored = json.loads(json.dumps(SIGNED.to_record()))
    assert CommitteeReport.from_record(stored) == SIGNED


def test_no_correction_when_nothing_changed() -> None:
    assert corrections(SIGNED, SIGNED) == []


def test_a_changed_figure_is_a_correction_with_both_values() -> None:
    later = replace(SIGNED, returned=42, cumulative_returned=1235, balance=11.0)
    assert corrections(SIGNED, later) == [
        Correction(Figure("summary", (), "balance"), 10.0, 11.0),
        Correction(Figure("summary", (), "cumulative_returned"), 1234, 1235),
        Correction(Figure("summary", (), "returned"), 41, 42),
    ]


def test_a_row_that_appears_or_vanishes_counts_as_zero_on_its_other_side() -> None:
    later = replace(
        SIGNED,
        refusals=[],
        legal_blocks=[*SIGNED.legal_blocks, LegalBlockCount("nrm", 0, 1)],
    )
    assert corrections(SIGNED, later) == [
        Correction(Figure("legal_blocks", ("nrm",), "in_force"), 0, 1),
        Correction(Figure("refusals", ("return", "public_order"), "cases"), 3, 0),
    ]


def test_a_row_that_appears_with_zeros_is_no_correction() -> None:
    later = replace(SIGNED, legal_blocks=[*SIGNED.legal_blocks, LegalBlockCount("nrm", 0, 0)])
    assert corrections(SIGNED, later) == []


def test_the_fingerprint_follows_every_figure_and_nothing_else() -> None:
    assert SIGNED.fingerprint() == replace(SIGNED).fingerprint()
    assert (
        SIGNED.fingerprint()
        != replace(SIGNED, refusals=[RefusalCount(CaseType.RETURN, "public_order", 2)]).fingerprint()
    )
    deadline = DeadlineTally(CaseType.RETURN, "request", binding=False, met=38, missed=2)  # only the binding differs
    assert SIGNED.fingerprint() != replace(SIGNED, deadlines=[deadline]).fingerprint()
