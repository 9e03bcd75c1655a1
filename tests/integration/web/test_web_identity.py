"""Identity flags through the pages: the pending flags oldest first, both records side by side with the model's
evidence, a decision that needs an answer and a reason, recorded on the case with the model version and audited;
the French liaison officer sees none of it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.web_seed import SCHEME, Seeded, seed_identity_flags, seeded_services

from parity.accounts.roles import Role
from parity.services.audit import latest_entries
from parity.services.context import Services
from parity.services.identity import identity_flags

from .test_web_return_case import hidden

SignIn = Callable[[Role], TestClient]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Services, Seeded]:
    """A database of its own, with the matcher on and three identity flags (tests/web_seed.py)."""
    path: Path = tmp_path_factory.mktemp("web-identity") / "parity.db"
    services, clock, ids = seeded_services(f"sqlite:///{path}")
    seed_identity_flags(services, clock)
    return services, ids


def flag_links(html: str) -> list[str]:
    return re.findall(r'href="(/identity-flags/[^"]+)"', html)


def test_pending_flags_are_listed_oldest_first_with_their_weight(signed_in: SignIn) -> None:
    page = signed_in(Role.UK_CASEWORKER).get("/identity-flags?lang=en")

    assert page.status_code == 200
    assert 'href="/identity-flags"' in page.text  # in the navigation
    rows = page.text.split('<tr class="govuk-table__row">')[2:]
    assert len(rows) == 3
    assert "Expression of interest" in rows[0]  # the applicant's flag was raised an hour before the others
    assert all("Small-boat arrival" in row for row in rows[1:])
    assert len(flag_links(page.text)) == 3


def test_a_flag_shows_both_records_side_by_side_and_each_fields_contribution(
    signed_in: SignIn, seeded: tuple[Services, Seeded]
) -> None:
    caseworker = signed_in(Role.UK_CASEWORKER)
    link = flag_links(caseworker.get("/identity-flags").text)[0]

    page = caseworker.get(f"{link}?lang=en").text

    names = page[page.index("Family name") :]
    assert names.index("Rezaee") < names.index("Rezaei")  # the new record, then the earlier one
    assert "P-77" in page
    assert "17 March 1994" in page
    assert "Transliteration variant" in page
    assert "Same document" in page
    assert re.search(r"\+\d+\.\d", page)  # each contribution with its sign
    assert seeded[0].identity.model_version in page
    shown = page[page.index("Match probability") :]
    assert re.search(r"\d+(\.\d)?\s?%", shown[:400])  # the calibrated probability
    assert "this model version was calibrated on" in shown[:600]  # and what it is worth
    assert 'name="decision"' in page
    flag_id = link.rsplit("/", 1)[1]
    reads = [e.event for e in latest_entries(seeded[0], 50) if e.event.action == "identity_flag:read"]
    assert reads
    assert flag_id in reads[0].record_ids


def test_a_decision_needs_an_answer_and_a_reason_and_saves_nothing_without_them(
    signed_in: SignIn, seeded: tuple[Services, Seeded]
) -> None:
    caseworker = signed_in(Role.UK_CASEWORKER)
    pending = flag_links(caseworker.get("/identity-flags").text)
    link = pending[0]
    page = caseworker.get(link).text

    refused = caseworker.post(f"{link}/decision", data={"csrf_token": hidden(page, "csrf_token"), "reason": "  "})

    assert refused.status_code == 409
    assert "There is a problem" in refused.text
    assert 'href="#decision"' in refused.text
    assert 'href="#reason"' in refused.text
    assert "Choose whether the two records are the same person" in refused.text
    assert "Enter why you decided this" in refused.text[refused.text.index('id="reason-error"') :][:200]
    kept = caseworker.post(
        f"{link}/decision", data={"csrf_token": hidden(page, "csrf_token"), "reason": "Photographs compared"}
    )
    assert kept.status_code == 409
    assert "Photographs compared" in kept.text
    assert 'href="#reason"' not in kept.text
    assert flag_links(caseworker.get("/identity-flags").text) == pending


def test_same_person_is_recorded_on_the_case_with_the_model_version(
    signed_in: SignIn, seeded: tuple[Services, Seeded]
) -> None:
    services = seeded[0]
    caseworker = signed_in(Role.UK_CASEWORKER)
    link = flag_links(caseworker.get("/identity-flags").text)[0]
    page = caseworker.get(link).text
    case_link = re.search(r'href="(/admission-cases/[^"]+)"', page)
    assert case_link is not None
    case_id = case_link.group(1).rsplit("/", 1)[1]
    form = {"csrf_token": hidden(page, "csrf_token"), "decision": "same_person", "reason": "Photographs compared"}

    decided = caseworker.post(f"{link}/decision", data=form)

    assert decided.status_code == 200
    assert "Your decision has been recorded on the case." in decided.text
    assert link not in flag_links(decided.text)
    [flag] = identity_flags(services, case_id)
    assert flag.decision is not None
    assert flag.decision.reason == "Photographs compared"
    with services.uow() as uow:
        actions = uow.admissions.get(case_id).actions
    decision, exclusion = actions[-2:]
    assert decision.kind == "decide_identity_match"
    assert decision.payload["model_version"] == services.identity.model_version
    assert exclusion.payload["exclusion"] == "prior_irregular_entry"  # rule 16
    case_page = caseworker.get(case_link.group(1)).text
    assert "Identity flag decided" in case_page
    assert "Entered the UK irregularly before" in case_page
    decided_page = caseworker.get(link).text
    assert "Same person" in decided_page
    assert 'name="decision"' not in decided_page  # decided once only


def test_the_french_liaison_officer_sees_no_identity_flag_and_an_inspector_may_not_decide(signed_in: SignIn) -> None:
    inspector = signed_in(Role.INSPECTOR)
    link = flag_links(inspector.get("/identity-flags").text)[0]
    page = inspector.get(link)
    assert page.status_code == 200
    assert 'name="decision"' not in page.text
    form = {"csrf_token": hidden(page.text, "csrf_token"), "decision": "not_same_person", "reason": "x"}
    assert inspector.post(f"{link}/decision", data=form).status_code == 403

    liaison = signed_in(Role.FR_LIAISON)
    dashboard = liaison.get(f"/schemes/{SCHEME}/dashboard").text
    assert "/identity-flags" not in dashboard
    assert liaison.get("/identity-flags").status_code == 403
    assert liaison.get(link).status_code == 403


def test_a_flag_decided_by_someone_else_meanwhile_is_refused_with_the_reason(signed_in: SignIn) -> None:
    first, second = signed_in(Role.UK_CASEWORKER), signed_in(Role.UK_SUPERVISOR)
    link = flag_links(first.get("/identity-flags").text)[-1]
    pages = [first.get(link).text, second.get(link).text]
    form = {"decision": "not_same_person", "reason": "Different photographs"}

    decided = first.post(f"{link}/decision", data=form | {"csrf_token": hidden(pages[0], "csrf_token")})
    late = second.post(f"{link}/decision", data=form | {"csrf_token": hidden(pages[1], "csrf_token")})

    assert decided.status_code == 200
    assert late.status_code == 409
    assert 'href="#decision"' in late.text
    assert "The decision was refused: identity flag" in late.text
    assert "was already decided (Not the same person)" in late.text  # the status in the page's words
    assert 'name="decision"' not in late.text  # the page as it is now: decided, no form
