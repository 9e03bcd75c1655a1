"""Field names beginning with "$" are reserved in action payloads, at any depth: the store keeps a payload's encrypted
free text under one, and a client's could hide a row from key rotation."""

from __future__ import annotations

from typing import Any

import pytest

from parity.domain.errors import InvalidCommand
from parity.domain.payloads import check_field_names


@pytest.mark.parametrize(
    ("payload", "path"),
    [
        ({"$sealed": None}, "$sealed"),
        ({"flight_ref": "RM-19", "flight": {"$sealed": None}}, "flight.$sealed"),
        ({"legs": [{"from": "LHR"}, {"to": {"$x": 1}}]}, "legs[1].to.$x"),
    ],
)
def test_a_reserved_field_name_is_refused_naming_where_it_is(payload: dict[str, Any], path: str) -> None:
    with pytest.raises(InvalidCommand) as refused:
        check_field_names(payload)

    assert f"field '{path}'" in str(refused.value)
    assert "reserved" in str(refused.value)


def test_ordinary_payloads_pass_including_a_dollar_inside_values() -> None:
    check_field_names({"reason": "$sealed", "cost": "£1,200", "legs": [{"price$": 3}], "nested": {"a": ["$b"]}})
