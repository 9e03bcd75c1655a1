"""Scenario files: the bundled ones load, impossible values are rejected before anything runs, naming the field."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from parity.simulate import ScenarioError, bundled_scenario_ids, load_scenario, parse_scenario
from parity.simulate.arrivals import data_range

PILOT_TEXT = resources.files("parity.simulate.bundled").joinpath("uk-fr-2025-pilot.toml").read_text(encoding="utf-8")


def pilot_with(section: str, key: str, value: Any) -> str:
    """The pilot scenario's text with one value replaced (TOML literal given as a Python value)."""
    lines = PILOT_TEXT.splitlines()
    in_section = section == ""
    for index, line in enumerate(lines):
        if line.startswith("["):
            in_section = line.strip() == f"[{section}]"
        elif in_section and line.split("=")[0].strip() == key:
            lines[index] = f"{key} = {value}"
            return "\n".join(lines)
    raise AssertionError(f"{section}.{key} not in the pilot scenario")


def problems_of(text: str) -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(text, "test.toml", data_range())
    return raised.value.problems


def test_every_bundled_scenario_loads() -> None:
    assert bundled_scenario_ids() == ["uk-fr-2025-pilot", "uk-fr-full-flow", "uk-fr-scale-200"]
    for scenario_id in bundled_scenario_ids():
        assert load_scenario(scenario_id).id == scenario_id


def test_every_bundled_parameter_names_its_source() -> None:
    for scenario_id in bundled_scenario_ids():
        text = resources.files("parity.simulate.bundled").joinpath(f"{scenario_id}.toml").read_text(encoding="utf-8")
        for line in text.splitlines():
            if "=" in line and not line.lstrip().startswith("#") and not line.startswith(("id", "name", "scheme")):
                assert "#" in line, f"{scenario_id}: no source comment on {line!r}"


def test_the_behavioural_response_is_off_by_default() -> None:
    assert all(not load_scenario(scenario_id).behaviour.enabled for scenario_id in bundled_scenario_ids())


@pytest.mark.parametrize(
    ("section", "key", "value", "field", "reason"),
    [
        ("operations", "france_refusal_rate", -0.1, "operations.france_refusal_rate", "greater than or equal to 0"),
        ("operations", "selection_share", 1.5, "operations.selection_share", "less than or equal to 1"),
        ("operations", "detention_places", -5, "operations.detention_places", "greater than or equal to 0"),
        ("operations", "reply_days", 0, "operations.reply_days", "greater than or equal to 1"),
        ("admissions", "family_sizes", "[0.5, 0.6]", "admissions.family_sizes", "must sum to 1"),
        ("operations", "flight_weekdays", '["someday"]', "operations.flight_weekdays.0", "Input should be"),
        ("period", "end", "2025-01-01", "period", "end must not be before start"),
        ("", "scheme", '"no-such-scheme"', "scheme", "cannot load scheme 'no-such-scheme'"),
        ("period", "end", "2030-01-01", "period.end", "outside the arrivals data"),
    ],
)
def test_impossible_values_are_rejected_naming_field_and_reason(
    section: str, key: str, value: Any, field: str, reason: str
) -> None:
    problems = problems_of(pilot_with(section, key, value))
    assert any(name == field and reason in why for name, why in problems), problems


def test_unknown_fields_are_rejected() -> None:
    problems = problems_of(PILOT_TEXT.replace("[operations]", "[operations]\nwarp_speed = 9", 1))
    assert ("operations.warp_speed", "Extra inputs are not permitted") in problems


def test_model_arrivals_need_a_fit_period_inside_the_data() -> None:
    model = pilot_with("arrivals", "mode", '"model"')
    assert any(field == "arrivals" and "fit_start and fit_end" in why for field, why in problems_of(model))
    outside = model.replace('mode = "model"', 'mode = "model"\nfit_start = 2010-01-01\nfit_end = 2011-06-30')
    assert any(field == "arrivals.fit_start" for field, _ in problems_of(outside))


def test_model_arrivals_may_project_beyond_the_data() -> None:
    text = pilot_with("period", "end", "2030-01-01").replace(
        'mode = "replay"', 'mode = "model"\nfit_start = 2024-01-01\nfit_end = 2025-12-31'
    )
    assert parse_scenario(text, "projection.toml", data_range()).period.end.year == 2030


def test_a_syntax_error_is_reported_as_such() -> None:
    assert problems_of("id = ")[0][0] == "(syntax)"


def test_a_missing_file_names_the_bundled_scenarios(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="uk-fr-2025-pilot"):
        load_scenario(str(tmp_path / "nope.toml"))


def test_a_scenario_file_by_path_loads(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(PILOT_TEXT.replace('id = "uk-fr-2025-pilot"', 'id = "mine"'), encoding="utf-8")
    assert load_scenario(str(path)).id == "mine"
