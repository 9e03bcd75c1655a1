"""The French liaison officer's list of readmission requests: each request's times in its scheme's zone, as on the
request's own page, and the requests in the order their replies fall due, the overdue ones first."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.builders import person_input, utc
from tests.web_seed import END, SCHEME, Seeded, seeded_services

from parity.accounts.roles import Role
from parity.services.cases import CaseCommand, act_on_return_case
from parity.services.context import Services
from parity.services.intake import RecordArrival, record_arrival

SignIn = Callable[[Role], TestClient]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Services, Seeded]:
    """The web data set, plus three requests sent on 11, 12 and 13 September, the first sent for the highest case id:
    in case id order they would come last to first."""
    path: Path = tmp_path_factory.mktemp("web-readmission") / "parity.db"
    services, clock, ids = seeded_services(f"sqlite:///{path}")
    clock.current = utc(2025, 9, 10, 8)
    arrival = RecordArrival(
        "list-boat", "intake", SCHEME, "SB-0910", utc(2025, 9, 10, 3), "Dover", (person_input(),) * 3
    )
    cases = sorted(case["case_id"] for case in record_arrival(services, arrival)["cases"])
    for case_id in cases:
        act_on_return_case(services, CaseCommand(f"detain-{case_id}", "officer", case_id, "detain", {}))
    for day, case_id in zip((11, 12, 13), reversed(cases), strict=True):
        clock.current = utc(2025, 9, day, 9)
        act_on_return_case(services, CaseCommand(f"send-{case_id}", "officer", case_id, "send_request", {}))
    clock.current = END
    return services, ids


def rows(page: str) -> list[list[str]]:
    """The list's table, row by row: each cell's text."""
    body = page[page.index('<tbody class="govuk-table__body">') : page.index("</tbody>")]
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def summary_value(page: str, key: str) -> str:
    found = re.search(
        rf'<dt class="govuk-summary-list__key">\s*{re.escape(key)}\s*</dt>\s*<dd[^>]*>(.*?)</dd>', page, re.S
    )
    assert found is not None, f"no {key} on the page"
    return html.unescape(found.group(1)).strip()


def test_the_list_shows_times_in_the_schemes_zone_as_the_request_page_does(
    signed_in: SignIn, seeded: tuple[Services, Seeded]
) -> None:
    liaison = signed_in(Role.FR_LIAISON)
    case_id = seeded[1].claimed_human_rights  # arrived on 1 September at 04:00 UTC, 05:00 in London

    listed = {row[0]: row for row in rows(liaison.get("/readmission-requests").text)}
    page = liaison.get(f"/readmission-requests/{case_id}").text

    assert summary_value(page, "Boat").endswith(", 1 Sept 2025, 05:00")
    assert listed[case_id][2] == "1 Sept 2025, 05:00"
    assert listed[case_id][3] == summary_value(page, "Reply due") == "16 Sept 2025, 24:00"


def test_requests_come_in_the_order_their_replies_fall_due_overdue_first(
    signed_in: SignIn, seeded: tuple[Services, Seeded]
) -> None:
    liaison = signed_in(Role.FR_LIAISON)

    listed = rows(liaison.get("/readmission-requests").text)

    assert [row[3] for row in listed] == [
        "16 Sept 2025, 24:00",  # sent on 2 September: overdue
        "25 Sept 2025, 24:00",
        "26 Sept 2025, 24:00",
        "27 Sept 2025, 24:00",
    ]
    assert listed[0][0] == seeded[1].claimed_human_rights
    assert [row[0] for row in listed[1:]] == sorted((row[0] for row in listed[1:]), reverse=True)
    for case_id, *_cells, due in listed:
        page = liaison.get(f"/readmission-requests/{case_id}").text
        assert summary_value(page, "Reply due") == due


def test_the_reply_due_column_is_named_in_english_and_in_french(signed_in: SignIn) -> None:
    liaison = signed_in(Role.FR_LIAISON)

    english = liaison.get("/readmission-requests?lang=en").text
    french = liaison.get("/readmission-requests?lang=fr").text

    assert re.search(r'<th scope="col" class="govuk-table__header">\s*Reply due\s*</th>', english)
    assert re.search(r'<th scope="col" class="govuk-table__header">\s*Réponse attendue le\s*</th>', french)
    assert "16 sept. 2025, 24:00" in french


def test_the_case_lists_show_times_in_each_cases_scheme_zone(
    signed_in: SignIn, seeded: tuple[Services, Seeded]
) -> None:
    supervisor = signed_in(Role.UK_SUPERVISOR)

    returns = {row[0]: row for row in rows(supervisor.get("/return-cases").text)}
    admissions = {row[0]: row for row in rows(supervisor.get("/admission-cases").text)}

    assert returns[seeded[1].claimed_human_rights][2] == "1 Sept 2025, 05:00"  # arrived at 04:00 UTC
    assert admissions[seeded[1].admitted_family][2] == "8 Sept 2025, 11:00"  # submitted at 10:00 UTC
