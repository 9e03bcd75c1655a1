"""Removal and admission decision proposals in and out of `decision_proposals` (issue 3)."""

from __future__ import annotations

from sqlalchemy import Connection, RowMapping, insert, select, update

from parity.domain.decisions import CaseType, DecisionProposal, DecisionStatus
from parity.domain.messages import Message
from parity.protection import FieldCipher
from parity.services.ports import ConcurrencyConflict, NotFound
from parity.store import tables as t
from parity.store.protected import DECISION_PROPOSALS, FREE_TEXT

proposals = t.decision_proposals


def _proposal(cipher: FieldCipher, row: RowMapping) -> DecisionProposal:
    return DecisionProposal(
        id=row["id"],
        case_type=CaseType(row["case_type"]),
        case_id=row["case_id"],
        action=row["action"],
        payload=DECISION_PROPOSALS.open(cipher, row["payload"], row),
        case_version=row["case_version"],
        proposed_by=row["proposed_by"],
        proposed_at=row["proposed_at"],
        status=DecisionStatus(row["status"]),
        decided_by=row["decided_by"],
        decided_at=row["decided_at"],
    )


class SqlDecisionProposalRepository:
    """A proposal's payload is the action's: its free text is encrypted (`parity.store.protected`)."""

    def __init__(self, connection: Connection, cipher: FieldCipher) -> None:
        self.connection = connection
        self.cipher = cipher

    def add(self, proposal: DecisionProposal) -> None:
        self.connection.execute(
            insert(proposals).values(
                id=proposal.id,
                case_type=proposal.case_type.value,
                case_id=proposal.case_id,
                action=proposal.action,
                payload=DECISION_PROPOSALS.seal(
                    self.cipher,
                    proposal.payload,
                    FREE_TEXT[proposal.case_type.value].get(proposal.action, frozenset()),
                    {"id": proposal.id},
                ),
                case_version=proposal.case_version,
                proposed_by=proposal.proposed_by,
                proposed_at=proposal.proposed_at,
                status=proposal.status.value,
                decided_by=proposal.decided_by,
                decided_at=proposal.decided_at,
            )
        )

    def get(self, proposal_id: str) -> DecisionProposal:
        row = self.connection.execute(select(proposals).where(proposals.c.id == proposal_id)).mappings().first()
        if row is None:
            raise NotFound(Message("no decision proposal %(proposal)s", proposal=proposal_id))
        return _proposal(self.cipher, row)

    def save(self, proposal: DecisionProposal) -> None:
        changed = self.connection.execute(
            update(proposals)
            .where(proposals.c.id == proposal.id, proposals.c.status == DecisionStatus.PROPOSED.value)
            .values(status=proposal.status.value, decided_by=proposal.decided_by, decided_at=proposal.decided_at)
        )
        if changed.rowcount != 1:
            raise ConcurrencyConflict(f"decision proposal {proposal.id} was decided by someone else")

    def page(
        self, case_type: CaseType, status: DecisionStatus | None, after: str | None, limit: int
    ) -> list[DecisionProposal]:
        query = select(proposals).where(proposals.c.case_type == case_type.value).order_by(proposals.c.id).limit(limit)
        if status is not None:
            query = query.where(proposals.c.status == status.value)
        if after is not None:
            query = query.where(proposals.c.id > after)
        return [_proposal(self.cipher, row) for row in self.connection.execute(query).mappings()]
