"""Retention (`parity retention apply`) over a register holding many decision command results.

Start from a register built by the demo (`parity demo`: the pilot's first weeks replayed through the services). The
demo's twin takes every action directly and records no decision proposals, so this script adds them through the
services, as officers would: for every case, `--decisions` proposals (a transfer on a return case; a refusal with its
reason, free text, on an admission case), each rejected by a second officer, so two command results per proposal
(`return:propose` and `return:reject`, or `admission:...`), each repeating the proposal's payload; and it answers
every identity flag the demo raised ("not the same person", with a reason, recorded on the flagged record's case
while it is open). That is far more decisions than a register holds (only transfers and admission decisions are
proposed: some 50 in the demo's 8 weeks), to show how the cost grows with them. The register with decisions is kept
next to the demo's, named by the count, and reused.

Each run is a fresh process on a fresh copy of that register (a temporary SQLite file, or a new schema in the
PostgreSQL database `test` at `PARITY_TEST_POSTGRES_URL`, filled from the SQLite copy, the copy untimed), with the
clock set past the retention period of every case the demo closed; it times `apply_retention` over every scheme in
batches of `--batch` cases, then checks that the audit chain verifies and the ledger is unchanged, and prints a
digest of every row retention may rewrite (the command log without retention's own entries, case action payloads,
decision proposals, selection approvals, anonymised people, identity decision reasons opened): the same register
gives the same digest whichever code ran, so two versions of the store can be compared for identical effects. It
also counts the rows the store read while looking for payloads to rewrite, per table.

    PARITY_DATABASE_URL=sqlite:////tmp/ret/demo8.db uv run --frozen parity demo --weeks 8
    uv run --frozen python benchmarks/retention_benchmark.py --register /tmp/ret/demo8.db --decisions 1 --batch 50

Both use the same data keys (here the local key file, var/data-keys.json; or PARITY_DATA_KEY_FILE for both).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, delete, event, func, insert, select, text

import parity
from fresh_process import run_once
from parity.bootstrap import build_services, data_keyring, database
from parity.config import Settings
from parity.domain.decisions import CaseType
from parity.protection import FieldCipher
from parity.services.audit import verify
from parity.services.context import SettableClock
from parity.services.decisions import ProposeDecision, decide, propose_decision
from parity.services.identity import DecideIdentityMatch, decide_identity_match
from parity.services.reports import weekly_ledger
from parity.services.retention import apply_retention
from parity.store import tables as t
from parity.store.personal_data import SqlPersonalData
from parity.store.protected import IDENTITY_FLAGS

POSTGRES_URL = os.environ.get("PARITY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# Past 18 months (uk-fr-2025 [data] retention) after every case the demo's weeks close; eu-tr-2016 keeps 10 years.
RETENTION_AT = datetime(2027, 7, 1, 12, tzinfo=UTC)


def with_decisions(register: Path, decisions: int) -> Path:
    """A copy of the demo's register with `decisions` rejected proposals per case (built once, then reused)."""
    built = register.with_name(f"{register.stem}.decisions{decisions}{register.suffix}")
    if built.exists():
        return built
    partial = built.with_name(built.name + ".partial")
    shutil.copyfile(register, partial)
    engine = database(f"sqlite:///{partial}")
    members = t.admission_members
    with engine.connect() as connection:
        returns = list(connection.execute(select(t.return_cases.c.id).order_by(t.return_cases.c.id)).scalars())
        first_members = select(members.c.case_id, func.min(members.c.id)).group_by(members.c.case_id)
        admissions = sorted((case_id, member_id) for case_id, member_id in connection.execute(first_members))
        latest = connection.execute(select(func.max(t.return_actions.c.at))).scalar_one()
        flags = list(connection.execute(select(t.identity_flags.c.id).order_by(t.identity_flags.c.id)).scalars())
    clock = SettableClock(latest + timedelta(days=1))
    services = build_services(_settings(f"sqlite:///{partial}"), clock, engine)
    proposals = [
        (CaseType.RETURN, case_id, "schedule_transfer", {"flight_ref": f"PLF-{n}", "departs_at": "2025-10-20T09:00"})
        for n, case_id in enumerate(returns)
    ] + [
        (CaseType.ADMISSION, case_id, "refuse", {"member_id": member_id, "reason": f"Sponsor letter {n} withdrawn"})
        for n, (case_id, member_id) in enumerate(admissions)
    ]
    started = time.perf_counter()
    for number, (case_type, case_id, action, payload) in enumerate(proposals):
        for k in range(decisions):
            clock.current += timedelta(seconds=1)
            command = ProposeDecision(f"bench:{case_id}:{k}", "bench-officer-a", case_type, case_id, action, payload)
            proposal_id = str(propose_decision(services, command)["proposal_id"])
            decide(services, f"bench:{case_id}:{k}:reject", "bench-officer-b", case_type, proposal_id, approve=False)
        if number % 1000 == 999:
            print(f"  {number + 1}/{len(proposals)} cases, {time.perf_counter() - started:.0f} s", flush=True)
    for flag_id in flags:
        clock.current += timedelta(seconds=1)
        answer = DecideIdentityMatch(
            f"bench:{flag_id}", flag_id, "bench-officer-b", same_person=False, reason="Another date of birth"
        )
        decide_identity_match(services, answer)
    engine.dispose()
    with closing(sqlite3.connect(partial)) as plain:  # one file, copied as it is: nothing left in the write-ahead log
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    partial.rename(built)
    return built


def _settings(url: str) -> Settings:
    return replace(Settings.from_environment(), database_url=url, identity="none")


def _copy_to_postgres(source: Path) -> tuple[str, Callable[[], None]]:
    """A new PostgreSQL schema, migrated and filled row for row from the SQLite register."""
    schema = f"parity_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"create schema {schema}"))
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    target, origin = database(url), database(f"sqlite:///{source}", migrate=False)
    with origin.connect() as reading, target.begin() as writing:
        for table in t.metadata.sorted_tables:
            rows = [dict(row) for row in reading.execute(select(table)).mappings()]
            writing.execute(delete(table))  # what the migrations seed (the audit chain's head): the register's instead
            for start in range(0, len(rows), 5_000):
                writing.execute(insert(table), rows[start : start + 5_000])
    target.dispose()
    origin.dispose()

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f"drop schema {schema} cascade"))
        admin.dispose()

    return url, drop


def digest(engine: Engine, cipher: FieldCipher) -> str:
    """A hash of every row retention may rewrite, as stored (free text erased is stored in clear, the rest as it was)
    or opened where a rewrite re-encrypts (identity decision reasons)."""
    rows: list[Any] = []
    with engine.connect() as connection:
        commands = t.processed_commands
        query = select(commands.c.command_id, commands.c.result).where(commands.c.name != "apply_retention")
        rows.extend(connection.execute(query.order_by(commands.c.command_id)).all())
        for table, keys, column in (
            (t.return_actions, ("case_id", "seq"), "payload"),
            (t.admission_actions, ("case_id", "seq"), "payload"),
            (t.decision_proposals, ("id",), "payload"),
            (t.selection_proposals, ("id",), "approval"),
            (t.people, ("id",), "anonymised_at"),
            (t.admission_members, ("id",), "anonymised_at"),
        ):
            columns = [table.c[k] for k in keys]
            rows.extend(connection.execute(select(*columns, table.c[column]).order_by(*columns)).all())
        flags = t.identity_flags
        for row in connection.execute(select(flags.c.id, flags.c.decision_reason).order_by(flags.c.id)).mappings():
            reason = IDENTITY_FLAGS.open(cipher, row)["decision_reason"] if row["decision_reason"] else None
            rows.append((row["id"], reason))
        rows.append(connection.execute(select(func.count()).select_from(t.identity_records)).scalar_one())
    encoded = json.dumps([list(r) if isinstance(r, Sequence) else r for r in rows], default=str, sort_keys=True)
    return hashlib.sha256(encoded.encode()).hexdigest()[:16]


def _count_rows_read() -> Counter[str]:
    """Count the rows the store reads from each table when it looks for payloads to rewrite (this process only)."""
    read: Counter[str] = Counter()
    payloads = SqlPersonalData._payloads  # instrumented for the figures, not changed

    def counted(self: SqlPersonalData, source: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        for found in payloads(self, source, *args, **kwargs):
            read[source.payloads.table.name] += 1
            yield found

    SqlPersonalData._payloads = counted  # type: ignore[method-assign]
    return read


def _nothing() -> None:
    pass


def one_run(register: Path, backend: str, batch: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "register.db"
        shutil.copyfile(register, copy)
        url, cleanup = (f"sqlite:///{copy}", _nothing) if backend == "sqlite" else _copy_to_postgres(copy)
        try:
            engine = database(url)
            statements = {"all": 0, "processed_commands": 0}

            @event.listens_for(engine, "before_cursor_execute")
            def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
                statements["all"] += 1
                if statement.lstrip().upper().startswith("SELECT") and "FROM processed_commands" in statement:
                    statements["processed_commands"] += 1

            read = _count_rows_read()
            clock = SettableClock(RETENTION_AT)
            settings = _settings(url)
            services = build_services(settings, clock, engine)
            ledgers = {scheme: weekly_ledger(services, scheme) for scheme in sorted(services.schemes)}
            started = time.perf_counter()
            outcomes = apply_retention(services, batch=batch)
            seconds = time.perf_counter() - started
            checked = verify(services)
            if not checked.ok:
                raise SystemExit(f"audit chain does not verify: {checked}")
            if {scheme: weekly_ledger(services, scheme) for scheme in sorted(services.schemes)} != ledgers:
                raise SystemExit("the ledger changed")
            with engine.connect() as connection:
                commands = connection.execute(select(func.count()).select_from(t.processed_commands)).scalar_one()
            figures = {
                "seconds": seconds,
                "cases": sum(o.return_cases + o.admission_cases for o in outcomes),
                "batches": sum(-(-(o.return_cases + o.admission_cases) // batch) for o in outcomes),
                "people": sum(o.people + o.admission_members for o in outcomes),
                "payloads": sum(o.action_payloads for o in outcomes),
                "commands": commands,
                "statements": statements["all"],
                "command_log_selects": statements["processed_commands"],
                "rows_read": dict(sorted(read.items())),
                "digest": digest(engine, FieldCipher(data_keyring(settings))),
            }
            engine.dispose()
        finally:
            cleanup()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--register", type=Path, required=True, help="a SQLite register built by `parity demo`")
    parser.add_argument("--decisions", type=int, default=1, help="rejected proposals added per return case")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.one:
        print(json.dumps(one_run(arguments.one, arguments.backend, arguments.batch)))
        return
    register = with_decisions(arguments.register, arguments.decisions) if arguments.decisions else arguments.register
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"parity from {Path(parity.__file__).parent}"
    )
    results = []
    for run in range(arguments.runs):
        result = run_once(
            __file__,
            "--register",
            str(register),
            "--one",
            str(register),
            "--backend",
            arguments.backend,
            "--batch",
            str(arguments.batch),
        )
        results.append(result)
        print(f"  run {run + 1}/{arguments.runs}: {result['seconds']:.2f} s", flush=True)
    first = results[0]
    print(
        f"{arguments.backend}, {register.name}: {first['commands']} commands after the run; {first['cases']} cases in "
        f"{first['batches']} batches of {arguments.batch}; {first['people']} people and {first['payloads']} payloads "
        f"cleared; {first['statements']} statements, {first['command_log_selects']} reading the command log"
    )
    print(f"rows read looking for payloads: {', '.join(f'{n} {table}' for table, n in first['rows_read'].items())}")
    seconds = [r["seconds"] for r in results]
    print(f"median {statistics.median(seconds):.2f} s ({', '.join(f'{s:.2f}' for s in seconds)})")
    print(f"digest {', '.join(sorted({r['digest'] for r in results}))}")


if __name__ == "__main__":
    main()
