"""Server-rendered SVG charts: grouped bars or lines over weeks, with reference lines (a level, a tolerance).

Charts are drawn on the server so that pages work without JavaScript and print as they look. A chart is never the
only way to the figures: every page puts a table with the same numbers beside it, and the SVG names itself after
its heading for screen readers. Colours come from CSS classes (`parity-chart__series--N`), so the print and
high-contrast styles can change them without touching this module.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40
MOST_X_LABELS = 12
SERIES_CLASS = "parity-chart__series--{}"
REFERENCE_CLASS = "parity-chart__reference"


class ChartKind(StrEnum):
    BARS = "bars"
    LINES = "lines"


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # one per category; None: no figure (a gap, not a zero)


@dataclass(frozen=True)
class ReferenceLine:
    label: str
    value: float


@dataclass(frozen=True)
class Chart:
    chart_id: str  # unique on the page; the SVG is labelled by the element with this id
    kind: ChartKind
    categories: Sequence[str]
    series: Sequence[Series]
    references: Sequence[ReferenceLine] = ()

    def __post_init__(self) -> None:
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(f"series '{series.label}' has {len(series.values)} values for {len(self.categories)}")


def nice_ticks(low: float, high: float, most: int = 6, min_step: float = 1) -> list[float]:
    """Round axis values (steps of 1, 2, 2.5 or 5 x 10^k) from at or below `low` to at or above `high`.

    Steps are never below `min_step`: the charts count people, and an axis reading 0, 0.5, 1 would show halves.
    """
    if high < low:
        raise ValueError("high must not be below low")
    if high == low:
        high = low + 1
    rough = max((high - low) / max(1, most - 1), min_step)
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= rough)
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    # The divisions can round past the range (a value like -5e-324 divides to -0.0): step out once more if so.
    first -= step if first > low else 0
    last += step if last < high else 0
    count = round((last - first) / step)
    return [first + i * step for i in range(count + 1)]


@dataclass(frozen=True)
class _Frame:
    """The plot area and the value scale of one chart."""

    ticks: list[float]
    bands: int

    @property
    def band_width(self) -> float:
        return (WIDTH - LEFT - RIGHT) / max(1, self.bands)

    def y(self, value: float) -> float:
        low, high = self.ticks[0], self.ticks[-1]
        return TOP + (HEIGHT - TOP - BOTTOM) * (high - value) / (high - low)

    def x_centre(self, index: int) -> float:
        return LEFT + self.band_width * (index + 0.5)


def render(chart: Chart, value_label: Callable[[float], str]) -> Markup:
    """The chart as inline SVG; `value_label` formats axis values in the reader's locale."""
    values = [v for s in chart.series for v in s.values if v is not None] + [r.value for r in chart.references]
    frame = _Frame(nice_ticks(min([0.0, *values]), max([0.0, *values])), len(chart.categories))
    parts = [
        f'<svg class="parity-chart parity-chart--{chart.kind.value}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{escape(chart.chart_id)}" focusable="false" xmlns="http://www.w3.org/2000/svg">',
        *_axes(chart, frame, value_label),
        *(_bars(chart, frame) if chart.kind is ChartKind.BARS else _lines(chart, frame)),
        *_references(chart, frame),
        "</svg>",
    ]
    return Markup("\n".join(parts))  # noqa: S704 (every text above is escaped)


def _axes(chart: Chart, frame: _Frame, value_label: Callable[[float], str]) -> list[str]:
    parts = []
    for tick in frame.ticks:
        y = frame.y(tick)
        parts.append(
            f'<line class="parity-chart__grid{" parity-chart__grid--zero" if tick == 0 else ""}" '
            f'x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="parity-chart__tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(value_label(tick))}</text>"
        )
    every = math.ceil(len(chart.categories) / MOST_X_LABELS) or 1
    parts.extend(
        f'<text class="parity-chart__tick" x="{frame.x_centre(i):.1f}" y="{HEIGHT - BOTTOM + 18}" '
        f'text-anchor="middle">{escape(label)}</text>'
        for i, label in enumerate(chart.categories)
        if i % every == 0
    )
    return parts


def _bars(chart: Chart, frame: _Frame) -> list[str]:
    parts = []
    inner = frame.band_width * 0.8
    width = inner / max(1, len(chart.series))
    zero = frame.y(0)
    for s_index, series in enumerate(chart.series):
        for c_index, value in enumerate(series.values):
            if value is None:
                continue
            x = frame.x_centre(c_index) - inner / 2 + s_index * width
            top = min(zero, frame.y(value))
            parts.append(
                f'<rect class="{SERIES_CLASS.format(s_index)}" x="{x:.1f}" y="{top:.1f}" width="{width:.1f}" '
                f'height="{abs(zero - frame.y(value)):.1f}" data-value="{value:g}"/>'
            )
    return parts


def _lines(chart: Chart, frame: _Frame) -> list[str]:
    parts = []
    for s_index, series in enumerate(chart.series):
        segment: list[str] = []
        # A missing value breaks the line: joining across it would draw a figure that does not exist.
        for c_index, value in [*enumerate(series.values), (len(series.values), None)]:
            if value is not None:
                x, y = frame.x_centre(c_index), frame.y(value)
                segment.append(f"{x:.1f},{y:.1f}")
                # A marker on every point, so that a figure with no neighbour still shows.
                parts.append(
                    f'<circle class="{SERIES_CLASS.format(s_index)}" cx="{x:.1f}" cy="{y:.1f}" r="4" '
                    f'data-value="{value:g}"/>'
                )
                continue
            if segment:
                parts.append(
                    f'<polyline class="{SERIES_CLASS.format(s_index)}" fill="none" points="{" ".join(segment)}"/>'
                )
            segment = []
    return parts


def _references(chart: Chart, frame: _Frame) -> list[str]:
    parts = []
    for reference in chart.references:
        y = frame.y(reference.value)
        parts.append(
            f'<line class="{REFERENCE_CLASS}" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'data-value="{reference.value:g}"/>'
            f'<text class="parity-chart__reference-label" x="{WIDTH - RIGHT}" y="{y - 4:.1f}" text-anchor="end">'
            f"{escape(reference.label)}</text>"
        )
    return parts
