"""A refused request's path parameters reach the append-only audit log only when they look like what the routes
name: record ids (UUIDs), a loaded scheme, or a short code; a name or a date of birth typed into an address does
not."""

from __future__ import annotations

import uuid

import pytest

from parity.api.problems import NOT_AN_ID, path_record_id
from parity.services.context import Services


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("case_id", str(uuid.uuid4())),
        ("flag_id", str(uuid.uuid4()).upper()),
        ("scheme_id", "uk-fr-2025"),
        ("week", "2025-09-01"),
        ("verb", "approve"),
    ],
)
def test_an_id_a_loaded_scheme_or_a_short_code_is_recorded_as_sent(
    memory_services: Services, name: str, value: str
) -> None:
    assert path_record_id(memory_services, name, value) == value


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("case_id", "Amanuel Kidane born 2011-04-23 passport ER1234567"),
        ("case_id", "kidane"),
        ("case_id", "2011-04-23"),
        ("proposal_id", f"{uuid.uuid4()} Kidane"),
        ("scheme_id", "no-such-scheme"),
        ("verb", "Yonas Tesfay"),
        ("week", "A" * 60_000),
        ("verb", "x" * 33),
    ],
)
def test_anything_else_is_recorded_as_not_an_id(memory_services: Services, name: str, value: str) -> None:
    assert path_record_id(memory_services, name, value) == NOT_AN_ID
