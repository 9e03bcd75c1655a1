"""A form's command id: the page's key when well-formed (a form sent twice repeats its command, it does not double
it), else a fresh one, so a key too long or odd for the command log never reaches it."""

from __future__ import annotations

import re

import pytest

from parity.accounts.roles import Principal, Role
from parity.web.forms import form_command_id

OFFICER = Principal("u-7", "officer", Role.UK_CASEWORKER, frozenset(), "session")
FRESH = re.compile(r"u-7:web:[0-9a-f-]{36}")


def test_the_pages_key_is_kept_per_user() -> None:
    assert form_command_id(OFFICER, "0b8e8f2c4d1a4c3e9a571f2d3c4b5a69-approve") == (
        "u-7:web:0b8e8f2c4d1a4c3e9a571f2d3c4b5a69-approve"
    )


@pytest.mark.parametrize("submitted", [None, "", "k" * 81, "short", "spaces are not allowed", "x;DROP TABLE"])
def test_a_missing_or_malformed_key_gets_a_fresh_command_id(submitted: object) -> None:
    assert FRESH.fullmatch(form_command_id(OFFICER, submitted))
