"""The committee report's CSV and ODS: written from the same tables, so they hold the same figures."""

from __future__ import annotations

import csv
import io
from datetime import date

from odf.opendocument import load
from odf.table import Table, TableCell, TableRow

from parity.services.committee import CaseType, CommitteeReport, DeadlineTally, LegalBlockCount, RefusalCount
from parity.web.downloads import committee_tables, to_csv, to_ods
from parity.web.i18n import translations
from parity.web.labels import Labels

REPORT = CommitteeReport(
    scheme_id="uk-fr-2025",
    week_start=date(2025, 9, 8),
    last_day=date(2025, 9, 14),
    returned=41,
    admitted=17,
    clearances_issued=23,
    clearances_released=2,
    cumulative_returned=1234,
    cumulative_admitted=1201,
    balance=10.0,
    tolerance=25,
    weekly_level=50,
    deadlines=[DeadlineTally(CaseType.RETURN, "request", binding=True, met=38, missed=2)],
    refusals=[RefusalCount(CaseType.RETURN, "public_order", 3)],
    legal_blocks=[LegalBlockCount("injunction", 4, 7)],
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
    tables = committee_tables(REPORT, Labels(translations("en").gettext))
    csv_rows = [row for row in csv.reader(io.StringIO(to_csv(tables))) if row]
    ods = ods_rows(to_ods(tables))
    assert csv_rows == [[text for text, _value in row] for row in ods]
    numbers = {text: value for row in ods for text, value in row if value is not None}
    assert numbers == {"41": "41", "17": "17", "23": "23", "1234": "1234", "1201": "1201", "10.0": "10.0",
                       "25": "25", "50": "50", "38": "38", "2": "2", "3": "3", "4": "4", "7": "7"}  # fmt: skip


def test_every_figure_of_the_report_is_in_the_download_with_its_label() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(committee_tables(REPORT, Labels(translations("fr").gettext))))))
    assert ["Personnes renvoyées", "41"] in rows
    assert ["Solde en fin de semaine", "10.0"] in rows
    assert ["Renvoi", "Demande de réadmission", "Oui", "38", "2"] in rows
    assert ["Renvoi", "Ordre public", "3"] in rows
    assert ["Injonction", "4", "7"] in rows
