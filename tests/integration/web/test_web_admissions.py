"""Admission cases and selection through the pages: a round proposed by a caseworker and approved by a supervisor
invites the families; a proposer may not approve their own proposal; a grant is proposed for a second officer."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.web_seed import SCHEME, Seeded, return_second_boat, seeded_services, submit_family

from parity.accounts.roles import Role
from parity.services.audit import latest_entries
from parity.services.cases import CaseCommand, act_on_admission_case
from parity.services.context import Services

from .test_web_return_case import hidden

SignIn = Callable[[Role], TestClient]
SELECTION = f"/schemes/{SCHEME}/selection"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Services, Seeded]:
    """A database of its own, with places released by three more returns and two families waiting."""
    path: Path = tmp_path_factory.mktemp("web-admissions") / "parity.db"
    services, clock, ids = seeded_services(f"sqlite:///{path}")
    return_second_boat(services, clock, ids)
    for ref in ("FAM-W1", "FAM-W2"):
        family(services, ref)
    return services, ids


def family(services: Services, ref: str) -> str:
    """A family of one whose location is confirmed and who is found eligible: waiting for an invitation."""
    case_id, member_ids = submit_family(services, ref, adults=1)
    for action, payload in [
        ("confirm_location", {"country": "FR", "confirmed_member_ids": member_ids}),
        ("find_eligible", {}),
    ]:
        act_on_admission_case(services, CaseCommand(f"{ref}-{action}", "officer", case_id, action, payload))
    return case_id


def test_selection_proposed_by_a_caseworker_and_approved_by_a_supervisor_invites_families(signed_in: SignIn) -> None:
    caseworker, supervisor = signed_in(Role.UK_CASEWORKER), signed_in(Role.UK_SUPERVISOR)
    page = caseworker.get(SELECTION).text
    assert "Approve and invite these families" not in page  # a caseworker may propose, never approve
    proposed = caseworker.post(f"{SELECTION}/proposals", data={"csrf_token": hidden(page, "csrf_token")})
    assert proposed.status_code == 200, proposed.text
    assert "Awaiting approval" in proposed.text
    assert "Families chosen" in proposed.text
    assert "Weeks waiting" in proposed.text  # the score broken down by factor

    page = supervisor.get(SELECTION).text
    action = re.search(r'action="(/selection-proposals/[^/]+/approve)"', page)
    assert action is not None
    approved = supervisor.post(action.group(1), data={"csrf_token": hidden(page, "csrf_token")})
    assert approved.status_code == 200, approved.text
    assert "Approved on" in approved.text
    invited = supervisor.get("/admission-cases?status=invited").text
    assert invited.count('href="/admission-cases/') >= 1
    case_page = supervisor.get(re.findall(r'href="(/admission-cases/[^"?]+)"', invited)[0]).text
    assert "Invited (selection approved)" in case_page
    assert 'value="invite"' not in case_page  # invitations come only from an approved selection


def test_the_proposer_may_not_approve_their_own_proposal(signed_in: SignIn, seeded: tuple[Services, Seeded]) -> None:
    family(seeded[0], "FAM-W3")
    supervisor = signed_in(Role.UK_SUPERVISOR)
    page = supervisor.get(SELECTION).text
    proposed = supervisor.post(f"{SELECTION}/proposals", data={"csrf_token": hidden(page, "csrf_token")}).text
    action = re.search(r'action="(/selection-proposals/[^/]+/approve)"', proposed)
    assert action is not None
    refused = supervisor.post(action.group(1), data={"csrf_token": hidden(proposed, "csrf_token")})
    assert refused.status_code == 409
    assert "There is a problem" in refused.text
    assert "You made this proposal, so you may not approve it: another person must." in refused.text
    assert 'href="#approve"' in refused.text
    assert "Awaiting approval" in refused.text  # nothing changed


def test_an_invited_family_is_assessed_and_its_entry_clearance_proposed_for_a_second_officer(
    signed_in: SignIn, seeded: tuple[Services, Seeded]
) -> None:
    caseworker, supervisor = signed_in(Role.UK_CASEWORKER), signed_in(Role.UK_SUPERVISOR)
    case_id = family(seeded[0], "FAM-W4")
    page = caseworker.get(SELECTION).text
    caseworker.post(f"{SELECTION}/proposals", data={"csrf_token": hidden(page, "csrf_token")})
    page = supervisor.get(SELECTION).text
    action = re.search(r'action="(/selection-proposals/[^/]+/approve)"', page)
    assert action is not None
    supervisor.post(action.group(1), data={"csrf_token": hidden(page, "csrf_token")})

    def take(action: str, **fields: str) -> tuple[int, str]:
        page = caseworker.get(f"/admission-cases/{case_id}").text
        form = {"csrf_token": hidden(page, "csrf_token"), "action": action, "version": hidden(page, "version", action)}
        response = caseworker.post(
            f"/admission-cases/{case_id}/actions", data=form | {f"{action}.{k}": v for k, v in fields.items()}
        )
        return response.status_code, response.text

    # Rule 18: the officer types the number each member shows; it must be the one given at stage 1 ("PFAM-W40").
    page = caseworker.get(f"/admission-cases/{case_id}").text
    (member_id,) = re.findall(r'name="enrol_biometrics\.documents_presented\.([^"]+)"', page)
    number_field = f"documents_presented.{member_id}"
    blank = take("enrol_biometrics", **{number_field: " "})
    assert blank[0] == 409
    assert f'href="#enrol_biometrics.{number_field}"' in blank[1]
    other = take("enrol_biometrics", **{number_field: "PFAM-W41"})
    assert other[0] == 409
    assert f"shown at the visa centre by {member_id} is not the one given at stage 1" in other[1]
    # The refused attempt stays on the record (rule 26), before the page shown again is read.
    refusal, reread = (entry.event for entry in latest_entries(seeded[0], 2)[::-1])
    assert (refusal.action, refusal.outcome) == ("POST /admission-cases/{case_id}/actions", "refused 409 not_eligible")
    assert refusal.record_ids == (case_id,)
    assert reread.action == "admission_case:read"
    enrolled = take("enrol_biometrics", **{number_field: "pfam w40"})
    assert enrolled[0] == 200
    assert "Documents shown at the visa centre: 1, each the one given at stage 1" in enrolled[1]
    assert take("clear_security")[0] == 200
    proposed = take("issue_entry_clearance")
    assert proposed[0] == 200
    assert "Decisions awaiting a second officer" in proposed[1]
    assert "Security cleared" in proposed[1]  # proposed, not yet decided
    decision = re.search(
        r'action="(/admission-proposals/[^/]+/approve)"', supervisor.get(f"/admission-cases/{case_id}").text
    )
    assert decision is not None
    page = supervisor.get(f"/admission-cases/{case_id}").text
    granted = supervisor.post(decision.group(1), data={"csrf_token": hidden(page, "csrf_token"), "case_id": case_id})
    assert granted.status_code == 200
    assert "Entry clearance issued" in granted.text
    assert "Conditions: No work, No recourse to public funds" in granted.text  # rule 19


def test_an_eligible_family_is_never_offered_a_direct_invitation(
    signed_in: SignIn, seeded: tuple[Services, Seeded]
) -> None:
    caseworker = signed_in(Role.UK_CASEWORKER)
    case_id = family(seeded[0], "FAM-W5")

    case_file = caseworker.get(f"/api/v1/admission-cases/{case_id}").json()
    page = caseworker.get(f"/admission-cases/{case_id}").text

    assert case_file["status"] == "eligible"
    assert "invite" not in case_file["allowed_actions"]  # invitations come only from an approved selection
    assert {"record_priority_factor", "withdraw"} <= set(case_file["allowed_actions"])
    assert 'value="invite"' not in page
    assert 'value="withdraw"' in page


def test_an_exclusion_is_chosen_from_the_list_and_an_unknown_one_is_refused_next_to_the_field(
    signed_in: SignIn, seeded: tuple[Services, Seeded]
) -> None:
    caseworker = signed_in(Role.UK_CASEWORKER)
    case_id = family(seeded[0], "FAM-W6")
    page = caseworker.get(f"/admission-cases/{case_id}").text
    assert '<option value="part9_grounds">Part 9 grounds for refusal</option>' in page
    member = re.search(r'<option value="([^"]+)">Senait Haile</option>', page)
    assert member is not None
    form = {
        "csrf_token": hidden(page, "csrf_token"),
        "action": "record_exclusion",
        "version": hidden(page, "version", "record_exclusion"),
        "record_exclusion.member_id": member.group(1),
        "record_exclusion.exclusion": "not_an_exclusion",
        "record_exclusion.evidence": "Home Office record",
    }

    refused = caseworker.post(f"/admission-cases/{case_id}/actions", data=form)
    recorded = caseworker.post(
        f"/admission-cases/{case_id}/actions", data=form | {"record_exclusion.exclusion": "part9_grounds"}
    )

    assert refused.status_code == 409
    assert 'href="#record_exclusion.exclusion"' in refused.text
    assert "Home Office record" in refused.text  # what was typed is kept
    assert recorded.status_code == 200
    assert "Exclusion recorded" in recorded.text
    assert "Part 9 grounds for refusal" in recorded.text.split('id="case-actions"')[0]  # in the family's checks
