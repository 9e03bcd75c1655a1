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

from parity.domain.committee import SUMMARY_FIGURES
from parity.services.committee import CommitteeWeek
from parity.web.labels import Labels

Cell = str | int | float


@dataclass(frozen=True)
class ReportTable:
    title: str
    header: tuple[str, ...]
    rows: Sequence[tuple[Cell, ...]]


def committee_tables(week: CommitteeWeek, labels: Labels) -> list[ReportTable]:
    """The week's report as the page shows it: the figures as signed off (or as they stand, if not yet signed off),
    then every figure changed since sign-off."""
    _ = labels.gettext
    report, sign_off = week.report, week.sign_off
    return [
        ReportTable(
            _("Summary"),
            (_("Figure"), _("Value")),
            [
                (_("Scheme"), report.scheme_id),
                (_("Week starting"), report.week_start.isoformat()),
                (_("Last day"), report.last_day.isoformat()),
                (_("Signed off at"), sign_off.signed_at.isoformat() if sign_off else _("Not signed off")),
                (_("Signed off by"), sign_off.signed_by if sign_off else ""),
                *((labels.summary_figure(name), getattr(report, name)) for name in SUMMARY_FIGURES),
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
        ReportTable(
            _("Changes since sign-off"),
            (_("Figure"), _("Signed off"), _("Now")),
            [(labels.committee_figure(c.figure), c.signed, c.now) for c in week.corrections],
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
