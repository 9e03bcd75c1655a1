"""Selection proposals in and out of `selection_proposals` (issue 7); an approval's reason is encrypted at rest
(`parity.store.protected.SELECTION_APPROVALS`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select, update

from parity.domain.lifecycle import SchemeRef
from parity.domain.messages import Message
from parity.domain.proposals import Approval, ProposalStatus, SelectionProposal
from parity.protection import FieldCipher
from parity.services.ports import ConcurrencyConflict, NotFound
from parity.store import tables as t
from parity.store.protected import APPROVAL_FREE_TEXT, SELECTION_APPROVALS

proposals = t.selection_proposals


class SqlSelectionProposalRepository:
    def __init__(self, connection: Connection, cipher: FieldCipher) -> None:
        self.connection = connection
        self.cipher = cipher

    def add(self, proposal: SelectionProposal) -> None:
        self.connection.execute(
            insert(proposals).values(
                id=proposal.id,
                scheme_id=proposal.scheme.id,
                scheme_version=proposal.scheme.version,
                method=proposal.method,
                inputs_hash=proposal.inputs_hash,
                solver_status=proposal.solver_status,
                objective=proposal.objective,
                places=proposal.places,
                places_filled=proposal.places_filled,
                as_of=proposal.as_of,
                window_id=proposal.window_id,
                explanation=dict(proposal.explanation),
                inputs=dict(proposal.inputs),
                proposed_by=proposal.proposed_by,
                proposed_at=proposal.proposed_at,
                **_decision_columns(self.cipher, proposal),
            )
        )

    def get(self, proposal_id: str) -> SelectionProposal:
        row = self.connection.execute(select(proposals).where(proposals.c.id == proposal_id)).mappings().first()
        if row is None:
            raise NotFound(Message("no selection proposal %(proposal)s", proposal=proposal_id))
        return _proposal(self.cipher, row)

    def save(self, proposal: SelectionProposal) -> None:
        """Store the decision on an open proposal; a proposal is decided once, so a second decision conflicts."""
        changed = self.connection.execute(
            update(proposals)
            .where(proposals.c.id == proposal.id, proposals.c.status == ProposalStatus.PROPOSED.value)
            .values(**_decision_columns(self.cipher, proposal))
        )
        if changed.rowcount != 1:
            raise ConcurrencyConflict(f"selection proposal {proposal.id} was decided by someone else")

    def ids_by_status(self, scheme_id: str, status: ProposalStatus) -> list[str]:
        query = (
            select(proposals.c.id)
            .where(proposals.c.scheme_id == scheme_id, proposals.c.status == status.value)
            .order_by(proposals.c.id)
        )
        return list(self.connection.execute(query).scalars())

    def latest(self, scheme_id: str | None, limit: int) -> list[SelectionProposal]:
        query = select(proposals).order_by(proposals.c.proposed_at.desc(), proposals.c.id).limit(limit)
        if scheme_id is not None:
            query = query.where(proposals.c.scheme_id == scheme_id)
        return [_proposal(self.cipher, row) for row in self.connection.execute(query).mappings()]


def _decision_columns(cipher: FieldCipher, proposal: SelectionProposal) -> dict[str, Any]:
    approval = proposal.approval
    return {
        "status": proposal.status.value,
        "superseded_by": proposal.superseded_by,
        "approved_by": None if approval is None else approval.approved_by,
        "approved_at": None if approval is None else approval.approved_at,
        "approval": None
        if approval is None
        else SELECTION_APPROVALS.seal(
            cipher,
            {
                "removed": list(approval.removed),
                "added": list(approval.added),
                "reason": approval.reason,
                "invited": list(approval.invited),
            },
            APPROVAL_FREE_TEXT,
            {"id": proposal.id},
        ),
    }


def _proposal(cipher: FieldCipher, row: RowMapping) -> SelectionProposal:
    stored = None if row["approval"] is None else SELECTION_APPROVALS.open(cipher, row["approval"], row)
    approval = (
        None
        if stored is None
        else Approval(
            approved_by=row["approved_by"],
            approved_at=row["approved_at"],
            removed=tuple(stored["removed"]),
            added=tuple(stored["added"]),
            reason=stored["reason"],
            invited=tuple(stored["invited"]),
        )
    )
    return SelectionProposal(
        id=row["id"],
        scheme=SchemeRef(row["scheme_id"], row["scheme_version"]),
        method=row["method"],
        inputs_hash=row["inputs_hash"],
        solver_status=row["solver_status"],
        objective=row["objective"],
        places=row["places"],
        places_filled=row["places_filled"],
        as_of=row["as_of"],
        window_id=row["window_id"],
        explanation=row["explanation"],
        inputs=row["inputs"],
        proposed_by=row["proposed_by"],
        proposed_at=row["proposed_at"],
        status=ProposalStatus(row["status"]),
        superseded_by=row["superseded_by"],
        approval=approval,
    )
