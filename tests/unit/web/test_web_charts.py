"""Server-rendered SVG charts: axes that cover the data, bars and lines where the figures put them."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parity.web.charts import HEIGHT, Chart, ChartKind, ReferenceLine, Series, nice_ticks, render

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(str(render(chart, lambda v: f"{v:g}")))  # noqa: S314 (our own output, not untrusted)


@given(st.floats(-1e6, 1e6), st.floats(0, 1e6))
def test_ticks_are_evenly_spaced_round_values_covering_the_range(low: float, span: float) -> None:
    ticks = nice_ticks(low, low + span)
    assert ticks[0] <= low
    assert ticks[-1] >= low + span
    steps = {round(b - a, 6) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1
    assert 2 <= len(ticks) <= 8


def test_bars_are_as_tall_as_their_values_from_a_zero_baseline() -> None:
    svg = parse(Chart("c", ChartKind.BARS, ["a", "b", "c"], [Series("s", [10, 20, -5])]))
    bars = svg.findall(f"{SVG}rect")
    heights = {bar.get("data-value"): float(bar.get("height", "0")) for bar in bars}
    assert heights["20"] == pytest.approx(2 * heights["10"], rel=0.01)
    assert heights["-5"] == pytest.approx(heights["10"] / 2, rel=0.01)
    tops = {bar.get("data-value"): float(bar.get("y", "0")) for bar in bars}
    assert tops["-5"] > tops["10"]  # below the baseline, not above


def test_each_series_gets_its_own_class_and_a_missing_value_no_bar() -> None:
    svg = parse(Chart("c", ChartKind.BARS, ["a", "b"], [Series("x", [1, None]), Series("y", [2, 3])]))
    classes = [bar.get("class") for bar in svg.findall(f"{SVG}rect")]
    assert classes == ["parity-chart__series--0", "parity-chart__series--1", "parity-chart__series--1"]


def test_a_missing_value_breaks_a_line_instead_of_joining_across_it() -> None:
    svg = parse(Chart("c", ChartKind.LINES, list("abcde"), [Series("x", [1, 2, None, 4, 5])]))
    lines = svg.findall(f"{SVG}polyline")
    assert [len(line.get("points", "").split()) for line in lines] == [2, 2]
    assert [c.get("data-value") for c in svg.findall(f"{SVG}circle")] == ["1", "2", "4", "5"]


def test_small_counts_get_whole_number_ticks() -> None:
    assert nice_ticks(0, 2) == [0, 1, 2]


def test_reference_lines_sit_at_their_value_and_the_axis_includes_them() -> None:
    svg = parse(Chart("c", ChartKind.BARS, ["a"], [Series("x", [10])], [ReferenceLine("level", 50)]))
    [reference] = [line for line in svg.findall(f"{SVG}line") if line.get("data-value") == "50"]
    axis = {
        float(t.text or "0"): float(t.get("y", "0")) - 4  # labels sit 4 units below their grid line
        for t in svg.findall(f"{SVG}text")
        if t.get("class") == "parity-chart__tick" and t.get("text-anchor") == "end"
    }
    assert max(axis) >= 50
    assert 0 < float(reference.get("y1", "0")) < HEIGHT
    assert float(reference.get("y1", "0")) == pytest.approx(axis[50], abs=0.2)


def test_the_chart_is_labelled_by_its_heading_and_its_text_is_escaped() -> None:
    svg = parse(Chart("balance", ChartKind.LINES, ["<week>"], [Series("s", [1])]))
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "balance"
    assert "<week>" in [t.text for t in svg.findall(f"{SVG}text")]


def test_a_series_must_have_one_value_per_category() -> None:
    with pytest.raises(ValueError, match="2 values for 3"):
        Chart("c", ChartKind.BARS, ["a", "b", "c"], [Series("s", [1, 2])])
