"""The API refuses a boat recorded before, a family reference in use, arrival times and dates of birth that cannot
be, and over-long CSV fields, each as a 4xx problem naming the field (never a 500), on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from tests.api_support import Account
from tests.integration.api.test_api_flows import ARRIVAL, PERSON, problem

from parity.accounts.roles import Role

FRENCH = {"Accept-Language": "fr"}
CSV_HEADER = "boat_ref,arrived_at,place,given_names,family_name,nationality,sex,age_status,grounds,departed_from\n"
CSV_ROW = "SB-CSV-1,2025-09-01T04:10,Dover,Yonas,Tesfay,ERI,M,adult,protection_claim,FR\n"


def post_arrival(http: TestClient, who: Account, body: dict[str, Any], **headers: str) -> Any:
    return http.post("/api/v1/arrivals", json=body, headers={**who.bearer, **headers})


def import_csv(http: TestClient, who: Account, content: str) -> Any:
    return http.post(
        "/api/v1/arrivals/imports", content=content.encode(), headers={**who.bearer, "Content-Type": "text/csv"}
    )


def cases(http: TestClient, who: Account) -> int:
    return len(http.get("/api/v1/return-cases?limit=100", headers=who.bearer).json()["items"])


def test_a_boat_already_recorded_is_refused_naming_its_reference(
    http: TestClient, accounts: dict[Role, Account]
) -> None:
    caseworker = accounts[Role.UK_CASEWORKER]
    first = post_arrival(http, caseworker, ARRIVAL, **{"Idempotency-Key": "boat-0001"})
    assert first.status_code == 201, first.text

    again = problem(post_arrival(http, caseworker, {**ARRIVAL, "place": "Deal"}), 422, "invalid_command")
    assert "boat SB-2025-09-01-01 is already recorded" in again["detail"]
    french = problem(post_arrival(http, caseworker, ARRIVAL, **FRENCH), 422, "invalid_command")
    assert "SB-2025-09-01-01" in french["detail"]
    assert "already recorded" not in french["detail"]
    assert cases(http, caseworker) == 1

    replay = post_arrival(http, caseworker, ARRIVAL, **{"Idempotency-Key": "boat-0001"})
    assert replay.status_code == 201
    assert replay.json() == first.json()
    assert cases(http, caseworker) == 1


def test_an_arrival_time_out_of_range_is_a_422_naming_arrived_at_in_either_language(
    http: TestClient, accounts: dict[Role, Account]
) -> None:
    caseworker = accounts[Role.UK_CASEWORKER]
    for arrived_at in ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00"):
        body = {**ARRIVAL, "arrived_at": arrived_at}
        english = problem(post_arrival(http, caseworker, body), 422, "invalid_command")
        assert english["detail"].startswith("arrived_at: must lie between 2020-08-06")
        french = problem(post_arrival(http, caseworker, body, **FRENCH), 422, "invalid_command")
        assert "arrived_at" in french["detail"]
    assert cases(http, caseworker) == 0


def test_a_date_of_birth_after_the_arrival_is_a_422_naming_the_field(
    http: TestClient, accounts: dict[Role, Account]
) -> None:
    caseworker = accounts[Role.UK_CASEWORKER]
    for born in ("2031-01-01", "2025-09-02", "1899-12-31"):
        body = {**ARRIVAL, "people": [PERSON, {**PERSON, "date_of_birth": born}]}
        refused = problem(post_arrival(http, caseworker, body), 422, "invalid_command")
        assert refused["detail"].startswith("people.1.date_of_birth: is impossible")
        assert born not in refused["detail"]
        problem(post_arrival(http, caseworker, body, **FRENCH), 422, "invalid_command")
    assert cases(http, caseworker) == 0


def test_a_family_ref_already_in_use_is_a_422_naming_it(http: TestClient, accounts: dict[Role, Account]) -> None:
    caseworker = accounts[Role.UK_CASEWORKER]
    member = {
        "given_names": "Mariam",
        "family_name": "Ahmadi",
        "date_of_birth": "1990-04-01",
        "nationality": "AFG",
        "sex": "F",
        "is_main_applicant": True,
        "document_type": "passport",
        "document_number": "P1234567",
    }
    child = {**member, "given_names": "Omid", "date_of_birth": "2016-05-02", "is_main_applicant": False}
    family = {"scheme_id": "uk-fr-2025", "family_ref": "FAM-2025-0042", "members": [member, child]}
    first = http.post(
        "/api/v1/admission-cases", json=family, headers={**caseworker.bearer, "Idempotency-Key": "eoi-0042"}
    )
    assert first.status_code == 201, first.text

    other = {**family, "members": [{**member, "given_names": "Zahra", "document_number": "P7654321"}]}
    refused = problem(
        http.post("/api/v1/admission-cases", json=other, headers=caseworker.bearer), 422, "invalid_command"
    )
    assert refused["detail"].startswith("family_ref FAM-2025-0042 is already the reference of another")
    french = http.post("/api/v1/admission-cases", json=other, headers={**caseworker.bearer, **FRENCH})
    assert "FAM-2025-0042" in problem(french, 422, "invalid_command")["detail"]

    replay = http.post(
        "/api/v1/admission-cases", json=family, headers={**caseworker.bearer, "Idempotency-Key": "eoi-0042"}
    )
    assert replay.status_code == 201
    assert replay.json() == first.json()
    listed = http.get("/api/v1/admission-cases", headers=caseworker.bearer).json()["items"]
    assert len(listed) == 1


def test_an_import_of_boats_already_recorded_names_each_boat_and_line(
    http: TestClient, accounts: dict[Role, Account]
) -> None:
    caseworker = accounts[Role.UK_CASEWORKER]
    assert import_csv(http, caseworker, CSV_HEADER + CSV_ROW).status_code == 201
    # The same file byte for byte replays its first result; one newline more is another file, with the same boat.
    assert import_csv(http, caseworker, CSV_HEADER + CSV_ROW).status_code == 201
    refused = problem(import_csv(http, caseworker, CSV_HEADER + CSV_ROW + "\n"), 422, "invalid_command")
    assert "line 2: boat SB-CSV-1 is already recorded" in refused["detail"]
    assert cases(http, caseworker) == 1


def test_an_import_refuses_over_long_fields_and_two_letter_nationalities_by_line_and_field(
    http: TestClient, accounts: dict[Role, Account]
) -> None:
    caseworker = accounts[Role.UK_CASEWORKER]
    rows = [
        "SB-" + "1" * 62 + ",2025-09-01T04:10,Dover,Yonas,Tesfay,ERI,M,adult,protection_claim,FR",
        "SB-2,2025-09-01T04:10," + "D" * 201 + ",Yonas,Tesfay,ERI,M,adult,protection_claim,FR",
        "SB-3,2025-09-01T04:10,Dover," + "Y" * 201 + ",Tesfay,ER,M,adult,protection_claim,FR",
    ]
    refused = problem(import_csv(http, caseworker, CSV_HEADER + "\n".join(rows)), 422, "invalid_command")
    detail = refused["detail"]
    assert "line 2, boat_ref: is 65 characters long; at most 64 are allowed" in detail
    assert "line 3, place: is 201 characters long; at most 200 are allowed" in detail
    assert "line 4, given_names: is 201 characters long; at most 200 are allowed" in detail
    assert "line 4, nationality: 'ER' is not an ISO 3166-1 alpha-3 country code" in detail
    assert "Y" * 201 not in detail
    assert cases(http, caseworker) == 0
