"""The Joint Committee's weekly report as CSV and as an OpenDocument spreadsheet, built from one set of tables.

Both formats are written from the same `ReportTable`s, so they cannot disagree. Figures are written as plain
numbers (no thousands separators) so that a spreadsheet or a script can add them up; labels are in the reader's
language.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from parity.services.committee import CommitteeReport
from parity.web.labels import Labels

Cell = str | int | float


@dataclass(frozen=True)
class ReportTable:
    title: str
    header: tuple[str, ...]
    rows: Sequence[tuple[Cell, ...]]


def committee_tables(report: CommitteeReport, labels: Labels) -> list[ReportTable]:
    _ = labels.gettext
    return [
        ReportTable(
            _("Summary"),
            (_("Figure"), _("Value")),
            [
                (_("Scheme"), report.scheme_id),
                (_("Week starting"), report.week_start.isoformat()),
                (_("Last day"), report.last_day.isoformat()),
                (_("People returned"), report.returned),
                (_("People admitted"), report.admitted),
                (_("Entry clearances issued"), report.clearances_issued),
                (_("Entry clearances given back unused"), report.clearances_released),
                (_("Returned since the start"), report.cumulative_returned),
                (_("Admitted since the start"), report.cumulative_admitted),
                (_("Balance at the end of the week"), report.balance),
                (_("Tolerance"), report.tolerance),
                (_("Weekly level"), report.weekly_level),
            ],
        ),
        ReportTable(
            _("Deadlines"),
            (_("Case type"), _("Deadline"), _("Binding"), _("Met"), _("Missed")),
            [
                (
                    labels.case_type(t.case_type),
                    labels.deadline(t.deadline),
                    _("Yes") if t.binding else _("No (target)"),
                    t.met,
                    t.missed,
                )
                for t in report.deadlines
            ],
        ),
        ReportTable(
            _("Refusals"),
            (_("Case type"), _("Reason"), _("Cases")),
            [(labels.case_type(r.case_type), labels.refusal_reason(r.reason), r.cases) for r in report.refusals],
        ),
        ReportTable(
            _("Legal blocks"),
            (_("Kind"), _("New this week"), _("In force at the end of the week")),
            [(labels.legal_block(b.kind), b.new, b.in_force) for b in report.legal_blocks],
        ),
    ]


def to_csv(tables: Sequence[ReportTable]) -> str:
    """One block per table (its title, its header, its rows), blocks separated by an empty line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for index, table in enumerate(tables):
        if index:
            writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.header)
        writer.writerows(table.rows)
    return out.getvalue()


def to_ods(tables: Sequence[ReportTable]) -> bytes:
    """One sheet per table, header first; figures as number cells."""
    document = OpenDocumentSpreadsheet()
    for table in tables:
        sheet = Table(name=table.title)
        sheet.addElement(_row(table.header))
        for row in table.rows:
            sheet.addElement(_row(row))
        document.spreadsheet.addElement(sheet)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def _row(cells: Sequence[Cell]) -> TableRow:
    row = TableRow()
    for value in cells:
        if isinstance(value, int | float):
            cell = TableCell(valuetype="float", value=value)
        else:
            cell = TableCell(valuetype="string")
        cell.addElement(P(text=str(value)))
        row.addElement(cell)
    return row
