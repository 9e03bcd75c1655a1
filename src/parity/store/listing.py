"""Pages of return and admission cases for lists: keyset pagination by case id, filtered by scheme and status."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Column, Connection, Table, func, select

from parity.services.ports import CaseSummary
from parity.store import tables as t


class SqlCaseListing:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def returns_page(
        self, scheme_id: str | None, statuses: Collection[str], after: str | None, limit: int
    ) -> list[CaseSummary]:
        return self._page(
            t.return_cases,
            opened_at=t.return_cases.c.arrived_at,
            scheme_id=scheme_id,
            statuses=statuses,
            after=after,
            limit=limit,
        )

    def admissions_page(
        self, scheme_id: str | None, statuses: Collection[str], after: str | None, limit: int
    ) -> list[CaseSummary]:
        return self._page(
            t.admission_cases,
            opened_at=t.admission_cases.c.submitted_at,
            scheme_id=scheme_id,
            statuses=statuses,
            after=after,
            limit=limit,
        )

    def admission_counts(self, scheme_id: str) -> dict[str, int]:
        cases = t.admission_cases
        query = select(cases.c.status, func.count()).where(cases.c.scheme_id == scheme_id).group_by(cases.c.status)
        return {str(status): int(count) for status, count in self.connection.execute(query)}

    def _page(
        self,
        cases: Table,
        *,
        opened_at: Column,  # type: ignore[type-arg]
        scheme_id: str | None,
        statuses: Collection[str],
        after: str | None,
        limit: int,
    ) -> list[CaseSummary]:
        query = select(cases.c.id, cases.c.scheme_id, cases.c.status, cases.c.version, opened_at.label("opened_at"))
        if scheme_id is not None:
            query = query.where(cases.c.scheme_id == scheme_id)
        if statuses:
            query = query.where(cases.c.status.in_(sorted(statuses)))
        if after is not None:
            query = query.where(cases.c.id > after)
        rows = self.connection.execute(query.order_by(cases.c.id).limit(limit)).mappings()
        return [CaseSummary(r["id"], r["scheme_id"], r["status"], r["version"], r["opened_at"]) for r in rows]
