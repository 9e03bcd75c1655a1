"""The audit hash chain in and out of `audit_entries`, `audit_checkpoints` and `audit_head` (issue 3)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, RowMapping, insert, select, update

from parity.audit.chain import AuditEvent, Checkpoint, Entry
from parity.store import tables as t

BATCH = 2_000  # entries read per query while walking the chain: bounded memory for any length of log


def _entry(row: RowMapping) -> Entry:
    event = AuditEvent(
        actor_id=row["actor_id"],
        role=row["role"],
        action=row["action"],
        record_ids=tuple(row["record_ids"]),
        origin=row["origin"],
        outcome=row["outcome"],
        command_id=row["command_id"],
    )
    return Entry(row["seq"], row["at"], event, row["prev_hash"], row["hash"])


class SqlAuditLog:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def head(self) -> tuple[int, str]:
        # FOR UPDATE: PostgreSQL appenders queue on this row (SQLite's BEGIN IMMEDIATE already serialises writers).
        query = select(t.audit_head.c.seq, t.audit_head.c.hash).where(t.audit_head.c.id == 1).with_for_update()
        row = self.connection.execute(query).one()
        return int(row.seq), str(row.hash)

    def append(self, entry: Entry) -> None:
        event = entry.event
        self.connection.execute(
            insert(t.audit_entries).values(
                seq=entry.seq,
                at=entry.at,
                actor_id=event.actor_id,
                role=event.role,
                action=event.action,
                record_ids=list(event.record_ids),
                origin=event.origin,
                outcome=event.outcome,
                command_id=event.command_id,
                prev_hash=entry.prev_hash,
                hash=entry.hash,
            )
        )
        self.connection.execute(
            update(t.audit_head).where(t.audit_head.c.id == 1).values(seq=entry.seq, hash=entry.hash)
        )

    def add_checkpoint(self, checkpoint: Checkpoint) -> None:
        self.connection.execute(insert(t.audit_checkpoints).values(**vars(checkpoint)))

    def entries(self, after: int = 0) -> Iterator[Entry]:
        while True:
            query = (
                select(t.audit_entries)
                .where(t.audit_entries.c.seq > after)
                .order_by(t.audit_entries.c.seq)
                .limit(BATCH)
            )
            batch = [_entry(row) for row in self.connection.execute(query).mappings()]
            yield from batch
            if len(batch) < BATCH:
                return
            after = batch[-1].seq

    def latest(self, limit: int, before: int | None = None) -> list[Entry]:
        query = select(t.audit_entries).order_by(t.audit_entries.c.seq.desc()).limit(limit)
        if before is not None:
            query = query.where(t.audit_entries.c.seq < before)
        return [_entry(row) for row in self.connection.execute(query).mappings()]

    def checkpoints(self) -> list[Checkpoint]:
        rows = self.connection.execute(select(t.audit_checkpoints).order_by(t.audit_checkpoints.c.seq)).mappings()
        return [
            Checkpoint(row["seq"], row["entry_hash"], row["at"], row["key_id"], bytes(row["signature"])) for row in rows
        ]
