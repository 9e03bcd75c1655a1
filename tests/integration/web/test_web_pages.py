"""The pages in-process, in English and French: words, figures in each locale, downloads and error pages."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow
from tests.web_seed import SCHEME, Seeded

from parity.data import small_boat_days
from parity.services.context import Services

NARROW_NBSP = "\u202f"  # French thousands separator (CLDR)


def text(html: str) -> str:
    """What a reader sees, roughly: tags dropped, ASCII blanks collapsed (the no-break spaces of numbers are kept)."""
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


def week_arrivals(first: date) -> int:
    return sum(day.people for day in small_boat_days(first, date(first.year, first.month, first.day + 6)))


def test_home_opens_the_dashboard_of_the_first_scheme_once_signed_in(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.url.path == f"/schemes/{SCHEME}/dashboard"


def test_dashboard_in_english_shows_the_ledger_and_the_real_arrivals_per_person_returned(client: TestClient) -> None:
    page = text(client.get(f"/schemes/{SCHEME}/dashboard?lang=en").text)
    arrivals = week_arrivals(date(2025, 9, 8))
    assert "Parity dashboard" in page
    assert "People returned 2 People admitted 2" in page
    assert f"8 September 2025 {arrivals:,} 2 1 in {round(arrivals / 2):,}" in page
    html = client.get(f"/schemes/{SCHEME}/dashboard").text
    assert html.count('role="img"') >= 4
    for chart_id in ("returns-admissions", "balance", "throughput", "one-in-n"):
        assert f'aria-labelledby="{chart_id}"' in html
        assert f'id="{chart_id}"' in html


def test_dashboard_in_french_uses_french_words_and_number_formats(client: TestClient) -> None:
    page = text(client.get(f"/schemes/{SCHEME}/dashboard?lang=fr").text)
    assert "Tableau de bord de la parité" in page
    assert "Parity dashboard" not in page
    week = week_arrivals(date(2025, 9, 8))
    since_start = sum(d.people for d in small_boat_days(date(2025, 8, 6), date(2025, 9, 14)))
    assert since_start > 1000  # so that the thousands separator shows

    def french(n: float) -> str:
        return f"{round(n):,}".replace(",", NARROW_NBSP)

    assert f"8 septembre 2025 {french(week)} 2 1 sur {french(week / 2)} 1 sur {french(since_start / 2)}" in page


def test_the_chosen_language_is_kept_for_the_next_pages(client: TestClient) -> None:
    client.get(f"/schemes/{SCHEME}/dashboard?lang=fr")
    assert "File de travail des délais" in client.get(f"/schemes/{SCHEME}/deadlines").text
    client.get(f"/schemes/{SCHEME}/deadlines?lang=en")
    assert "Deadlines work queue" in client.get(f"/schemes/{SCHEME}/deadlines").text


def test_the_browser_language_is_used_when_nothing_was_chosen(client: TestClient) -> None:
    page = client.get(f"/schemes/{SCHEME}/deadlines", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert "File de travail des délais" in page.text
    assert 'lang="fr"' in page.text


def test_the_language_switch_keeps_the_page_and_its_parameters(client: TestClient) -> None:
    html = client.get(f"/schemes/{SCHEME}/deadlines?running=true&lang=en").text
    assert f'href="/schemes/{SCHEME}/deadlines?running=true&amp;lang=fr"' in html


def test_work_queue_lists_overdue_deadlines_most_urgent_first_with_time_left(
    client: TestClient, seeded: tuple[Services, Seeded]
) -> None:
    ids = seeded[1]
    page = text(client.get(f"/schemes/{SCHEME}/deadlines?lang=en").text)
    # 17 Sep 10:00 UTC: the target for the request never sent ended with 4 Sep (12 days 10 hours ago).
    first = page.index(ids.never_requested)
    assert page[first:].startswith(
        f"{ids.never_requested} Return Detained Readmission request (target) 4 Sept 2025, 24:00 Overdue by 12 days"
    )
    positions = [page.index(case_id) for case_id in ids.second_boat]
    assert first < min(positions)
    french = text(client.get(f"/schemes/{SCHEME}/deadlines?lang=fr").text)
    row = "Renvoi En rétention Demande de réadmission (objectif) 4 sept. 2025, 24:00 En retard de 12\u00a0jours"
    assert f"{ids.never_requested} {row}" in french


def test_work_queue_can_include_deadlines_still_running(client: TestClient, seeded: tuple[Services, Seeded]) -> None:
    ids = seeded[1]
    urgent = text(client.get(f"/schemes/{SCHEME}/deadlines?lang=en").text)
    everything = text(client.get(f"/schemes/{SCHEME}/deadlines?lang=en&running=true").text)
    assert f"{ids.appealed} Return" not in urgent
    assert f"{ids.appealed} Return Transfer scheduled Transfer (3-month aim)" in everything


def test_committee_page_shows_the_weeks_figures_in_both_languages(client: TestClient) -> None:
    english = text(client.get(f"/schemes/{SCHEME}/committee/2025-09-08?lang=en").text)
    assert "Joint Committee report: week starting 8 September 2025" in english
    assert "People returned 2 People admitted 2 Entry clearances issued 2" in english
    assert "Readmission request (target) Return No (target) 0 3" in english
    assert "own reasons (not counted by reason) Admission 1" in english
    assert "security checks" not in english  # an admission refusal's own words are not shown
    assert "Suspensive appeal 1 1" in english
    french = text(client.get(f"/schemes/{SCHEME}/committee/2025-09-08?lang=fr").text)
    assert "Rapport au comité mixte : semaine du 8 septembre 2025" in french
    assert "Demande de réadmission (objectif) Renvoi Non (objectif) 0 3" in french
    assert "Recours suspensif 1 1" in french
    assert "Motifs propres au décideur (non détaillés) Admission 1" in french


def test_committee_index_opens_the_week_just_ended_or_the_one_chosen(client: TestClient) -> None:
    assert client.get(f"/schemes/{SCHEME}/committee").url.path == f"/schemes/{SCHEME}/committee/2025-09-08"
    chosen = client.get(f"/schemes/{SCHEME}/committee?week=2025-09-01&lang=fr")
    assert chosen.url.path == f"/schemes/{SCHEME}/committee/2025-09-01"
    assert "semaine du 1 septembre 2025" in chosen.text


def _csv_tables(body: str) -> dict[str, list[list[str]]]:
    tables: dict[str, list[list[str]]] = {}
    for block in body.strip().split("\r\n\r\n"):
        title, *rows = list(csv.reader(io.StringIO(block)))
        tables[title[0]] = rows
    return tables


def _ods_tables(body: bytes) -> dict[str, list[list[str]]]:
    document = load(io.BytesIO(body))
    return {
        str(sheet.getAttribute("name")): [
            [str(cell) for cell in row.getElementsByType(TableCell)] for row in sheet.getElementsByType(TableRow)
        ]
        for sheet in document.spreadsheet.getElementsByType(Table)
    }


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_csv_and_ods_downloads_carry_the_same_figures_as_the_page(client: TestClient, lang: str) -> None:
    csv_response = client.get(f"/schemes/{SCHEME}/committee/2025-09-08.csv?lang={lang}")
    ods_response = client.get(f"/schemes/{SCHEME}/committee/2025-09-08.ods?lang={lang}")
    assert csv_response.headers["content-type"].startswith("text/csv")
    assert ods_response.headers["content-type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert 'filename="parity-uk-fr-2025-committee-2025-09-08.ods"' in ods_response.headers["content-disposition"]
    from_csv = _csv_tables(csv_response.content.decode("utf-8-sig"))
    from_ods = _ods_tables(ods_response.content)
    assert from_csv == from_ods
    summary = {row[0]: row[1] for row in next(iter(from_csv.values()))[1:]}
    returned = "People returned" if lang == "en" else "Personnes renvoyées"
    assert summary[returned] == "2"


def test_unknown_addresses_get_a_page_in_the_readers_language(client: TestClient) -> None:
    for path in ("/schemes/nope/dashboard", f"/schemes/{SCHEME}/committee/2025-09-09", "/no/such/page"):
        response = client.get(f"{path}?lang=fr")
        assert response.status_code == 404
        assert "Page introuvable" in response.text


def test_a_failure_gives_a_plain_error_page_and_no_details(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret detail for case of Yonas Tesfay")

    monkeypatch.setattr("parity.web.routes.deadline_board", broken)
    response = client.get(f"/schemes/{SCHEME}/deadlines?lang=en")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    assert "secret detail" not in response.text
    assert "Traceback" not in response.text
    assert "/schemes/{scheme_id}/deadlines" in caplog.text  # the route, not the address that was asked for
