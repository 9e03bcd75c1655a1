"""Scheme files: the bundled schemes carry the brief's values; bad files are refused naming field and reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from parity.cli import app
from parity.scheme import SchemeError, load_scheme, parse_scheme
from parity.scheme.model import DurationUnit

BUNDLED = Path(__file__).parents[2] / "src" / "parity" / "scheme" / "bundled"


def test_uk_fr_2025_carries_the_treaty_values() -> None:
    scheme = load_scheme("uk-fr-2025")
    deadlines = scheme.returns.deadlines
    assert (scheme.in_force.start.isoformat(), str(scheme.in_force.end)) == ("2025-08-06", "2026-06-11")
    assert deadlines.request is not None
    assert (deadlines.request.amount, deadlines.request.unit) == (14, DurationUnit.CALENDAR_DAYS)
    assert deadlines.request_target is not None
    assert deadlines.request_target.amount == 3
    assert deadlines.reply is not None
    assert deadlines.reply_extended is not None
    assert (deadlines.reply.amount, deadlines.reply_extended.amount) == (14, 28)
    assert deadlines.transfer_aim is not None
    assert (deadlines.transfer_aim.amount, deadlines.transfer_aim.unit) == (3, DurationUnit.MONTHS)
    assert scheme.admissions.entry_clearance_validity.amount == 3
    assert scheme.parity.weekly_level == 50
    assert set(scheme.admissions.priority.high_grant_rate_nationalities) == {"ERI", "AFG", "SDN"}


def test_every_value_of_the_uk_fr_file_names_its_source() -> None:
    lines = (BUNDLED / "uk-fr-2025.toml").read_text(encoding="utf-8").splitlines()
    values = [
        line for line in lines if "=" in line and not line.lstrip().startswith("#") and line.strip()[-1] not in "[("
    ]
    unsourced = [line for line in values if "#" not in line and not line.strip().startswith('"')]
    assert unsourced == []


def test_eu_turkey_pairs_syrians_under_a_cap() -> None:
    scheme = load_scheme("eu-tr-2016")
    assert scheme.parity.counted_nationalities == ("SYR",)
    assert scheme.parity.admissions_cap == 72000
    assert scheme.returns.deadlines.request is not None
    assert scheme.returns.deadlines.request.unit is DurationUnit.WORKING_DAYS


def test_version_is_a_content_hash_that_ignores_comments() -> None:
    text = (BUNDLED / "uk-fr-2025.toml").read_text(encoding="utf-8")
    same = parse_scheme(text.replace("# brief §5", "# another comment"))
    changed = parse_scheme(text.replace("weekly_level = 50", "weekly_level = 51"))
    assert same.version == load_scheme("uk-fr-2025").version
    assert changed.version != same.version


@pytest.mark.parametrize(
    ("edit", "field", "reason"),
    [
        (("weekly_level = 50", "weekly_level = -5"), "parity.weekly_level", "greater than 0"),
        (("tolerance = 25", "tolerance = 25\nsurprise = 1"), "parity.surprise", "Extra inputs"),
        (("start = 2025-08-06", "start = 2026-08-06"), "in_force", "end must not be before start"),
        (
            ('request = { amount = 14, unit = "calendar_days" }', 'request = { amount = 14, unit = "fortnights" }'),
            "returns.deadlines.request.unit",
            "Input should be",
        ),
        (
            ("high_grant_rate_nationality = 4.0", "high_grant_rate_nationality = -1.0"),
            "admissions.priority.weights",
            "greater than or equal to 0",
        ),
    ],
)
def test_bad_values_are_refused_naming_the_field(edit: tuple[str, str], field: str, reason: str) -> None:
    text = (BUNDLED / "uk-fr-2025.toml").read_text(encoding="utf-8")
    assert edit[0] in text
    with pytest.raises(SchemeError) as refused:
        parse_scheme(text.replace(*edit), "edited.toml")
    assert any(f.startswith(field) and reason in why for f, why in refused.value.problems), refused.value.problems


def test_syntax_errors_name_the_line() -> None:
    with pytest.raises(SchemeError, match="line 2"):
        parse_scheme('id = "x"\nname = \n')


def test_validate_command_exits_non_zero_naming_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        (BUNDLED / "uk-fr-2025.toml").read_text(encoding="utf-8").replace("weekly_level = 50", "weekly_level = 0")
    )
    runner = CliRunner()
    refused = runner.invoke(app, ["scheme", "validate", str(bad)])
    accepted = runner.invoke(app, ["scheme", "validate", "uk-fr-2025"])
    assert refused.exit_code == 1
    assert "parity.weekly_level" in refused.output
    assert accepted.exit_code == 0
    assert "valid" in accepted.output
