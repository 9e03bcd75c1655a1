"""A return case taken to "returned" through the pages: detain, request, the French answer, a removal proposed by
one officer and approved by another, the return; with a stale form refused and the liaison view minimised."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from tests.builders import record_boat, utc
from tests.web_seed import Seeded, seeded_services

from parity.accounts.roles import Role
from parity.domain.decisions import CaseType
from parity.services.cases import CaseCommand, act_on_return_case, sent_by_its_taker
from parity.services.context import Services, SettableClock

SignIn = Callable[[Role], TestClient]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Services, Seeded]:
    """A database of its own: this module changes cases that the read-only pages' tests count."""
    path: Path = tmp_path_factory.mktemp("web-cases") / "parity.db"
    services, _clock, ids = seeded_services(f"sqlite:///{path}")
    return services, ids


def hidden(html: str, name: str, action: str | None = None) -> str:
    """A hidden field of the page's forms (of the form for `action`, if named)."""
    scope = html
    if action is not None:
        start = html.index(f'name="action" value="{action}"')
        scope = html[html.rindex("<form", 0, start) : html.index("</form>", start)]
    found = re.search(rf'name="{name}" value="([^"]*)"', scope)
    assert found is not None, f"no field {name}"
    return found.group(1)


def take(client: TestClient, case_id: str, action: str, **fields: str) -> tuple[int, str]:
    page = client.get(f"/return-cases/{case_id}").text
    form = {
        "csrf_token": hidden(page, "csrf_token"),
        "action": action,
        "version": hidden(page, "version", action),
        **{f"{action}.{name}": value for name, value in fields.items()},
    }
    response = client.post(f"/return-cases/{case_id}/actions", data=form)
    return response.status_code, response.text


def declare_claim_inadmissible(client: TestClient, case_id: str) -> int:
    """Record on the page that the protection claim made on arrival is inadmissible, which clears it (rule 8)."""
    inadmissible = {"kind": "protection_claim", "state": "declared_inadmissible", "decided_on": "2025-09-17"}
    return take(client, case_id, "record_legal_event", **inadmissible, evidence="Inadmissibility notice")[0]


def status_of(client: TestClient, case_id: str) -> str:
    found = re.search(r'<strong class="govuk-tag">\s*([^<]+?)\s*</strong>', client.get(f"/return-cases/{case_id}").text)
    assert found is not None
    return found.group(1)


@contextmanager
def flight_left(services: Services) -> Iterator[None]:
    """The clock 25 minutes on, past the flight booked for 10:20 UTC (11:20 in London), within the sign-ins' idle time;
    back where it stopped afterwards, for the other tests of this module."""
    clock = services.clock
    assert isinstance(clock, SettableClock)
    stopped = clock.current
    clock.current = stopped + timedelta(minutes=25)
    try:
        yield
    finally:
        clock.current = stopped


def test_a_case_is_returned_through_the_pages(signed_in: SignIn, seeded: tuple[Services, Seeded]) -> None:
    case_id = seeded[1].second_boat[0]
    caseworker, supervisor, liaison = (signed_in(r) for r in (Role.UK_CASEWORKER, Role.UK_SUPERVISOR, Role.FR_LIAISON))

    assert take(caseworker, case_id, "detain")[0] == 200
    assert status_of(caseworker, case_id) == "Detained"

    page = caseworker.get(f"/return-cases/{case_id}").text
    before_detention = str(int(hidden(page, "version", "send_request")) - 1)  # a form drawn before "detain"
    stale = {"csrf_token": hidden(page, "csrf_token"), "action": "send_request", "version": before_detention}
    refused = caseworker.post(f"/return-cases/{case_id}/actions", data=stale)
    assert refused.status_code == 409
    assert "Someone changed this case after you opened it" in refused.text
    assert status_of(caseworker, case_id) == "Detained"

    assert take(caseworker, case_id, "send_request")[0] == 200
    assert status_of(caseworker, case_id) == "Request sent"
    assert declare_claim_inadmissible(caseworker, case_id) == 200

    listed = liaison.get("/readmission-requests").text
    assert f'href="/readmission-requests/{case_id}"' in listed  # a link, not escaped markup
    request_page = liaison.get(f"/readmission-requests/{case_id}").text
    assert "Evidence of stay or transit (Art. 7)" in request_page
    assert "Timeline" not in request_page  # no history for the other state
    assert "Detained" not in request_page
    answer = {"csrf_token": hidden(request_page, "csrf_token"), "version": hidden(request_page, "version")}
    no_reason = liaison.post(f"/readmission-requests/{case_id}/answer", data={**answer, "answer": "refuse"})
    assert no_reason.status_code == 409
    assert 'href="#reason"' in no_reason.text
    accepted = liaison.post(f"/readmission-requests/{case_id}/answer", data={**answer, "answer": "accept"})
    assert accepted.status_code == 200
    assert "Your answer has been recorded." in accepted.text
    assert liaison.get(f"/readmission-requests/{case_id}").status_code == 404  # answered: no longer theirs to see
    assert liaison.get(f"/return-cases/{case_id}").status_code == 403

    missing = take(caseworker, case_id, "schedule_transfer", flight_ref="PLF-0919", departs_at="")
    assert missing[0] == 409
    assert 'href="#schedule_transfer.departs_at"' in missing[1]
    assert (
        take(caseworker, case_id, "schedule_transfer", flight_ref="PLF-0917", departs_at="2025-09-17 11:20")[0] == 200
    )
    page = caseworker.get(f"/return-cases/{case_id}").text
    assert "Decisions awaiting a second officer" in page
    assert status_of(caseworker, case_id) == "Accepted"  # proposed, not yet decided
    proposal_id = re.search(r"/return-proposals/([^/]+)/approve", supervisor.get(f"/return-cases/{case_id}").text)
    assert proposal_id is not None
    approve = f"/return-proposals/{proposal_id.group(1)}/approve"
    own = {"csrf_token": hidden(page, "csrf_token"), "case_id": case_id}
    assert caseworker.post(approve, data=own).status_code == 403  # a caseworker may not approve

    supervisor_page = supervisor.get(f"/return-cases/{case_id}").text
    approved = supervisor.post(approve, data={"csrf_token": hidden(supervisor_page, "csrf_token"), "case_id": case_id})
    assert approved.status_code == 200
    assert status_of(supervisor, case_id) == "Transfer scheduled"

    with flight_left(seeded[0]):
        assert take(caseworker, case_id, "complete_transfer")[0] == 200
    assert status_of(caseworker, case_id) == "Returned"
    timeline = caseworker.get(f"/return-cases/{case_id}").text
    for step in ("Detained", "Readmission request sent", "Request accepted", "Transfer scheduled", "Returned"):
        assert step in timeline


def test_a_claim_made_on_arrival_is_on_the_case_and_holds_the_transfer_until_declared_inadmissible(
    signed_in: SignIn, seeded: tuple[Services, Seeded]
) -> None:
    services, _ids = seeded
    [case] = record_boat(services, "claimed-0915", {}, at=utc(2025, 9, 15, 4))["cases"]
    case_id = case["case_id"]
    caseworker = signed_in(Role.UK_CASEWORKER)
    for action in ("detain", "send_request"):
        take(caseworker, case_id, action)
    command = CaseCommand("fr-accepts", "fr-liaison", case_id, "accept", {})
    act_on_return_case(services, sent_by_its_taker(CaseType.RETURN, command))
    page = caseworker.get(f"/return-cases/{case_id}").text
    assert "protection claimed on arrival (treaty Art. 3(a)), recorded at screening" in page
    supervisor = signed_in(Role.UK_SUPERVISOR)
    refused = propose_and_approve_flight(caseworker, supervisor, case_id)
    assert refused.status_code == 409
    assert "Protection claim lodged since 15 September 2025" in refused.text
    assert declare_claim_inadmissible(caseworker, case_id) == 200
    assert propose_and_approve_flight(caseworker, supervisor, case_id).status_code == 200
    assert status_of(caseworker, case_id) == "Transfer scheduled"


def propose_and_approve_flight(caseworker: TestClient, supervisor: TestClient, case_id: str) -> httpx.Response:
    """A caseworker proposes a flight (rule: two officers) and a supervisor approves it: the approval's response."""

    def open_proposals() -> set[str]:
        return set(re.findall(r"/return-proposals/([^/]+)/approve", supervisor.get(f"/return-cases/{case_id}").text))

    before = open_proposals()
    assert take(caseworker, case_id, "schedule_transfer", flight_ref="PLF-1", departs_at="2025-09-19 09:30")[0] == 200
    [proposal] = open_proposals() - before  # the one just made: an earlier one refused may still be open
    page = supervisor.get(f"/return-cases/{case_id}").text
    form = {"csrf_token": hidden(page, "csrf_token"), "case_id": case_id}
    return supervisor.post(f"/return-proposals/{proposal}/approve", data=form)


def test_a_form_without_the_sessions_csrf_token_is_refused(signed_in: SignIn, seeded: tuple[Services, Seeded]) -> None:
    case_id = seeded[1].second_boat[1]
    caseworker = signed_in(Role.UK_CASEWORKER)
    response = caseworker.post(f"/return-cases/{case_id}/actions", data={"action": "detain", "version": "2"})
    assert response.status_code == 403
    assert status_of(caseworker, case_id) == "Eligible"


def test_the_proposer_of_a_removal_cannot_approve_it(signed_in: SignIn, seeded: tuple[Services, Seeded]) -> None:
    case_id = seeded[1].second_boat[2]
    supervisor = signed_in(Role.UK_SUPERVISOR)
    for action in ("detain", "send_request"):
        take(supervisor, case_id, action)
    declare_claim_inadmissible(supervisor, case_id)
    liaison = signed_in(Role.FR_LIAISON)
    page = liaison.get(f"/readmission-requests/{case_id}").text
    form = {"csrf_token": hidden(page, "csrf_token"), "version": hidden(page, "version"), "answer": "accept"}
    liaison.post(f"/readmission-requests/{case_id}/answer", data=form)
    take(supervisor, case_id, "schedule_transfer", flight_ref="PLF-1", departs_at="2025-09-19 09:30")
    page = supervisor.get(f"/return-cases/{case_id}").text
    proposal = re.search(r"/return-proposals/([^/]+)/approve", page)
    assert proposal is not None
    refused = supervisor.post(
        f"/return-proposals/{proposal.group(1)}/approve",
        data={"csrf_token": hidden(page, "csrf_token"), "case_id": case_id},
    )
    assert refused.status_code == 409
    assert "This decision was refused" in refused.text
    assert status_of(supervisor, case_id) == "Accepted"
