"""The committee report's CSV and ODS: written from the same tables, so they hold the same figures."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from odf.opendocument import load
from odf.table import Table, TableCell, TableRow
from tests.builders import week_report

from parity.domain.committee import (
    Correction,
    Figure,
    SignOff,
)
from parity.services.committee import CommitteeWeek
from parity.web.downloads import committee_tables, to_csv, to_ods
from parity.web.i18n import translations
from parity.web.labels import Labels

REPORT = week_report()
UNSIGNED = CommitteeWeek(REPORT, None, [], date(2025, 9, 15), over=True)
SIGNED = CommitteeWeek(
    REPORT,
    SignOff("uk-fr-2025", REPORT.week_start, datetime(2025, 9, 17, 10, tzinfo=UTC), "chair.uk", "u-1", "1.0", REPORT),
    [
        Correction(Figure("legal_blocks", ("injunction",), "in_force"), 7, 8),
        Correction(Figure("deadlines", ("return", "request", "binding"), "missed"), 2, 3),
        Correction(Figure("summary", (), "returned"), 41, 42),
    ],
    date(2025, 9, 15),
    over=True,
)


def ods_rows(body: bytes) -> list[list[tuple[str, str | None]]]:
    """Every row of every sheet, each cell as (text, number value or None)."""
    rows: list[list[tuple[str, str | None]]] = []
    for sheet in load(io.BytesIO(body)).spreadsheet.getElementsByType(Table):
        rows.append([(str(sheet.getAttribute("name")), None)])
        rows.extend(
            [(str(cell), cell.getAttribute("value")) for cell in row.getElementsByType(TableCell)]
            for row in sheet.getElementsByType(TableRow)
        )
    return rows


def test_csv_and_ods_hold_the_same_cells_and_ods_stores_figures_as_numbers() -> None:
    tables = committee_tables(UNSIGNED, Labels(translations("en").gettext))
    csv_rows = [row for row in csv.reader(io.StringIO(to_csv(tables))) if row]
    ods = ods_rows(to_ods(tables))
    assert csv_rows == [[text for text, _value in row] for row in ods]
    numbers = {text: value for row in ods for text, value in row if value is not None}
    assert numbers == {"41": "41", "17": "17", "23": "23", "1234": "1234", "1201": "1201", "10.0": "10.0",
                       "25": "25", "50": "50", "38": "38", "2": "2", "3": "3", "4": "4", "7": "7"}  # fmt: skip


def test_every_figure_of_the_report_is_in_the_download_with_its_label() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(committee_tables(UNSIGNED, Labels(translations("fr").gettext))))))
    assert ["Personnes renvoyées", "41"] in rows
    assert ["Solde en fin de semaine", "10.0"] in rows
    assert ["Renvoi", "Demande de réadmission", "Oui", "38", "2"] in rows
    assert ["Renvoi", "Ordre public", "3"] in rows
    assert ["Injonction", "4", "7"] in rows


def test_a_signed_week_names_its_signer_and_lists_each_change_since_sign_off() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(committee_tables(SIGNED, Labels(translations("en").gettext))))))
    assert ["Signed off at", "2025-09-17T10:00:00+00:00"] in rows
    assert ["Signed off by", "chair.uk"] in rows
    changes = rows[rows.index(["Changes since sign-off"]) + 1 :]
    assert changes == [
        ["Figure", "Signed off", "Now"],
        ["Injunction: In force at the end of the week", "7", "8"],
        ["Readmission request (Return): Missed", "2", "3"],
        ["People returned", "41", "42"],
    ]


def test_an_unsigned_week_says_so_and_lists_no_change() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(committee_tables(UNSIGNED, Labels(translations("fr").gettext))))))
    assert ["Validée le", "Non validée"] in rows
    assert rows[rows.index(["Modifications depuis la validation"]) + 1 :] == [["Indicateur", "Validé", "Actuel"]]
