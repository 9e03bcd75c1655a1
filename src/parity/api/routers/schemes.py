"""Schemes in force and their aggregates: the weekly ledger, case counts, and the deadline board."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from parity.accounts.roles import Principal, Scope
from parity.api.http import documented
from parity.api.schemas import SchemeSummary
from parity.api.security import require, services_of
from parity.services.case_views import CaseCounts, case_counts
from parity.services.reports import DeadlineRow, LedgerReport, deadline_board, weekly_ledger

router = APIRouter(prefix="/schemes", tags=["schemes and reports"])
SchemeId = Annotated[str, "scheme id"]

LEDGER_EXAMPLE = {
    "scheme_id": "uk-fr-2025",
    "weeks": [
        {
            "week_start": "2025-09-01",
            "returned": 26,
            "clearances_issued": 20,
            "admitted": 18,
            "clearances_released": 0,
            "cumulative_returned": 42,
            "cumulative_admitted": 23,
            "balance": 22.0,
        }
    ],
    "returned": 42,
    "admitted": 23,
    "committed": 2,
    "balance": 17.0,
    "tolerance": 50,
    "weekly_level": 50,
    "admissions_paused": False,
    "returns_ahead": False,
}


@router.get(
    "",
    response_model=list[SchemeSummary],
    responses=documented([SchemeSummary.model_config["json_schema_extra"]["examples"][0]]),  # type: ignore[index]
)
def list_schemes(
    request: Request, _: Annotated[Principal, Depends(require(Scope.SCHEMES_READ))]
) -> list[SchemeSummary]:
    """The schemes in force here, with the version (a hash of the rules) every decision records."""
    return [SchemeSummary(id=s.id, version=s.version, name=s.name) for s in services_of(request).schemes.values()]


@router.get(
    "/{scheme_id}",
    response_model=dict[str, Any],
    responses=documented({"id": "uk-fr-2025", "version": "4be1…", "name": "UK-France one in, one out pilot"}),
)
def show_scheme(
    scheme_id: str, request: Request, _: Annotated[Principal, Depends(require(Scope.SCHEMES_READ))]
) -> dict[str, Any]:
    """A scheme's rules as validated, each with its source, and its version."""
    scheme = services_of(request).scheme(scheme_id)
    return {"version": scheme.version, **scheme.model_dump(mode="json")}


@router.get("/{scheme_id}/ledger", response_model=LedgerReport, responses=documented(LEDGER_EXAMPLE))
def ledger(
    scheme_id: str, request: Request, _: Annotated[Principal, Depends(require(Scope.LEDGER_READ))]
) -> LedgerReport:
    """The weekly parity ledger (rule 21): returns against admissions, running totals and balance."""
    return weekly_ledger(services_of(request), scheme_id)


@router.get(
    "/{scheme_id}/case-counts",
    response_model=CaseCounts,
    responses=documented({"scheme_id": "uk-fr-2025", "returns": {"returned": 42}, "admissions": {"arrived": 23}}),
)
def counts(
    scheme_id: str, request: Request, _: Annotated[Principal, Depends(require(Scope.REPORTS_READ))]
) -> CaseCounts:
    """Aggregates only: how many return and admission cases are in each status."""
    return case_counts(services_of(request), scheme_id)


@router.get(
    "/{scheme_id}/deadlines",
    response_model=list[DeadlineRow],
    responses=documented(
        [
            {
                "case_type": "return",
                "case_id": "6f1c…",
                "status": "request_sent",
                "deadline": "reply",
                "due_at": "2025-09-15T23:59:59+02:00",
                "state": "due_soon",
                "time_left": "P1DT4H",
                "binding": True,
            }
        ]
    ),
)
def deadlines(
    scheme_id: str,
    request: Request,
    _: Annotated[Principal, Depends(require(Scope.DEADLINES_READ))],
    include_running: Annotated[bool, Query(description="Also clocks that are not yet near")] = False,
) -> list[DeadlineRow]:
    """Legal deadlines that are overdue or near, most urgent first."""
    return deadline_board(services_of(request), scheme_id, include_running=include_running)
