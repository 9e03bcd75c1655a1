"""The parity dashboard's figures: four charts, each with the table of the numbers it draws."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from parity.services.context import Services
from parity.services.reports import LedgerReport, arrivals_returned, scheme_weeks, weekly_ledger
from parity.web.charts import REFERENCE_CLASS, SERIES_CLASS, Chart, ChartKind, ReferenceLine, Series, render
from parity.web.i18n import Formats
from parity.web.labels import Gettext


@dataclass(frozen=True)
class Figure:
    """A chart and the same figures as a table (first column: the week)."""

    chart_id: str
    title: str
    svg: Markup
    legend: list[tuple[str, str]]  # (label, CSS class of its colour or line)
    head: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Dashboard:
    ledger: LedgerReport
    figures: list[Figure]
    arrivals_series: bool  # False: the scheme has no public arrivals series, so no "1 in N"


def build_dashboard(services: Services, scheme_id: str, fmt: Formats, _: Gettext) -> Dashboard:
    ledger = weekly_ledger(services, scheme_id)
    weeks = [ledger.week(monday) for monday in scheme_weeks(services, scheme_id)]
    labels = [fmt.short_date(w.week_start) for w in weeks]
    in_full = [fmt.long_date(w.week_start) for w in weeks]
    figures = [
        _figure(
            Chart(
                "returns-admissions",
                ChartKind.BARS,
                labels,
                [
                    Series(_("People returned"), [w.returned for w in weeks]),
                    Series(_("People admitted"), [w.admitted for w in weeks]),
                ],
            ),
            _("Returns and admissions each week"),
            fmt,
            [_("Week starting"), _("People returned"), _("People admitted")],
            in_full,
        ),
        _figure(
            Chart(
                "balance",
                ChartKind.LINES,
                labels,
                [Series(_("Balance"), [w.balance for w in weeks])],
                [
                    ReferenceLine(_("Tolerance: returns ahead"), ledger.tolerance),
                    ReferenceLine(_("Tolerance: admissions ahead"), -ledger.tolerance),
                ],
            ),
            _("Running balance against the tolerance"),
            fmt,
            [_("Week starting"), _("Balance")],
            in_full,
        ),
        _figure(
            Chart(
                "throughput",
                ChartKind.BARS,
                labels,
                [
                    Series(_("People returned"), [w.returned for w in weeks]),
                    Series(_("Entry clearances issued"), [w.clearances_issued for w in weeks]),
                ],
                [ReferenceLine(_("Weekly level"), ledger.weekly_level)],
            ),
            _("Throughput against the weekly level"),
            fmt,
            [_("Week starting"), _("People returned"), _("Entry clearances issued")],
            in_full,
        ),
    ]
    shares = arrivals_returned(services, scheme_id)
    if shares:
        figures.append(
            Figure(
                "one-in-n",
                _("Arrivals for each person returned (1 in N)"),
                render(
                    Chart(
                        "one-in-n",
                        ChartKind.LINES,
                        [fmt.short_date(s.week_start) for s in shares],
                        [
                            Series(_("That week"), [s.one_in for s in shares]),
                            Series(_("Since the start"), [s.cumulative_one_in for s in shares]),
                        ],
                    ),
                    fmt.number,
                ),
                [(_("That week"), SERIES_CLASS.format(0)), (_("Since the start"), SERIES_CLASS.format(1))],
                [
                    _("Week starting"),
                    _("Small-boat arrivals"),
                    _("People returned"),
                    _("1 in N that week"),
                    _("1 in N since the start"),
                ],
                [
                    [
                        fmt.long_date(s.week_start),
                        fmt.number(s.arrivals),
                        fmt.number(s.returned),
                        _one_in(fmt, s.one_in, _),
                        _one_in(fmt, s.cumulative_one_in, _),
                    ]
                    for s in shares
                ],
            )
        )
    return Dashboard(ledger, figures, bool(shares))


def _figure(chart: Chart, title: str, fmt: Formats, head: list[str], weeks: list[str]) -> Figure:
    """A figure whose table lists each week (`weeks`, in full) with the chart's series, in order."""
    rows = [[week, *(_value(fmt, s.values[i]) for s in chart.series)] for i, week in enumerate(weeks)]
    return Figure(
        chart.chart_id,
        title,
        render(chart, fmt.number),
        _legend(chart),
        head,
        rows,
    )


def _legend(chart: Chart) -> list[tuple[str, str]]:
    series = [(s.label, SERIES_CLASS.format(i)) for i, s in enumerate(chart.series)]
    return series + [(r.label, REFERENCE_CLASS) for r in chart.references]


def _value(fmt: Formats, value: float | None) -> str:
    return "" if value is None else fmt.number(value)


def _one_in(fmt: Formats, value: float | None, _: Gettext) -> str:
    return _("none returned") if value is None else _("1 in %(n)s") % {"n": fmt.number(value)}
