"""A committee report for a week outside the scheme's period is a "not found" page in every format (the service
refuses the week; `PageRoute` shows a refusal as a 404), never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.web_seed import SCHEME


@pytest.mark.parametrize("week", ["0001-01-01", "2025-07-28", "9999-12-27"])
@pytest.mark.parametrize("extension", [".ods", ".csv", ""])
def test_a_week_outside_the_schemes_period_is_not_found(client: TestClient, week: str, extension: str) -> None:
    response = client.get(f"/schemes/{SCHEME}/committee/{week}{extension}")
    assert response.status_code == 404, response.text
    assert response.headers["content-type"].startswith("text/html")
