"""Signing off a committee week through the pages: only a committee member, only a week that is over, only the
figures as read; a signed week then shows its figures as signed and each later change beside them."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.web_seed import SCHEME, Seeded, seeded_services

from parity.accounts.roles import Role
from parity.services.cases import CaseCommand, act_on_return_case
from parity.services.context import Services

from . import test_web_pages
from .test_web_return_case import hidden

SignIn = Callable[[Role], TestClient]
COMMITTEE = f"/schemes/{SCHEME}/committee"


def text(page: str) -> str:
    return html.unescape(test_web_pages.text(page))


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Services, Seeded]:
    """A database of its own: the weeks signed off here must not change the other modules' pages."""
    path: Path = tmp_path_factory.mktemp("web-committee") / "parity.db"
    services, _clock, ids = seeded_services(f"sqlite:///{path}")
    return services, ids


def _sign_off(client: TestClient, week: str, **changed: str) -> tuple[int, str]:
    page = client.get(f"{COMMITTEE}/{week}?lang=en").text
    form = {name: hidden(page, name) for name in ("csrf_token", "command_key", "figures")} | changed
    response = client.post(f"{COMMITTEE}/{week}/sign-off", data=form)
    return response.status_code, text(response.text)


def test_a_member_signs_off_a_week_and_later_records_show_as_changes(
    signed_in: SignIn, seeded: tuple[Services, Seeded]
) -> None:
    member = signed_in(Role.COMMITTEE_MEMBER)
    assert "Sign off this week's figures" in text(member.get(f"{COMMITTEE}/2025-09-08?lang=en").text)
    status, page = _sign_off(member, "2025-09-08")
    assert status == 200
    assert re.search(r"Signed off on 17 Sept 2025, \d\d:\d\d by \S+\. The figures below are those signed off", page)
    assert "No figure has changed since the week was signed off." in page
    assert "8 September 2025 (signed off)" in page
    assert "Sign off this week" not in page

    services, ids = seeded
    late = {"kind": "injunction", "state": "in_force", "decided_on": "2025-09-10", "evidence": "High Court order"}
    act_on_return_case(services, CaseCommand("late-order", "officer", ids.appealed, "record_legal_event", late))
    page = text(member.get(f"{COMMITTEE}/2025-09-08?lang=en").text)
    assert "Changes since sign-off Figures recorded for this week after it was signed off" in page
    assert "Injunction: In force at the end of the week 0 1" in page
    french = text(member.get(f"{COMMITTEE}/2025-09-08?lang=fr").text)
    assert "Modifications depuis la validation" in french
    download = member.get(f"{COMMITTEE}/2025-09-08.csv?lang=en").content.decode("utf-8-sig")
    assert "Injunction: In force at the end of the week,0,1" in download


def test_figures_changed_since_they_were_read_are_not_signed(signed_in: SignIn) -> None:
    member = signed_in(Role.COMMITTEE_MEMBER)
    status, page = _sign_off(member, "2025-09-01", figures="0123456789abcdef")
    assert status == 409
    assert "There is a problem The week was not signed off: the week's figures changed while you were reading" in page
    assert "Not signed off yet." in page
    status, _page = _sign_off(member, "2025-09-01")
    assert status == 200


def test_a_week_not_yet_over_cannot_be_signed_off(signed_in: SignIn) -> None:
    member = signed_in(Role.COMMITTEE_MEMBER)
    page = text(member.get(f"{COMMITTEE}/2025-09-15?lang=en").text)
    assert "Not signed off yet. The week can be signed off from 22 September 2025." in page
    assert "Sign off this week" not in page


def test_only_a_committee_member_may_sign_off(signed_in: SignIn) -> None:
    analyst = signed_in(Role.ANALYST)
    page = analyst.get(f"{COMMITTEE}/2025-09-08?lang=en").text
    assert "Sign off this week" not in text(page)
    refused = analyst.post(f"{COMMITTEE}/2025-09-08/sign-off", data={"csrf_token": hidden(page, "csrf_token")})
    assert refused.status_code == 403
