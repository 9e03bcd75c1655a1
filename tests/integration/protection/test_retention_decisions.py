"""Retention and decisions under separation of duties: a proposal's free text, repeated in the results of the
commands that proposed and decided it, is replaced for the cases anonymised and for no other; and a batch reads only
its own cases' command results (on PostgreSQL, a row of another case locked by a concurrent transaction does not hold
it up)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import Engine, select
from tests.builders import utc
from tests.personal_data_support import apply_as_family

from parity.audit import new_signer
from parity.domain.decisions import CaseType
from parity.services.audit import AuditPolicy, verify
from parity.services.context import Services, SettableClock
from parity.services.decisions import ProposeDecision, decide, propose_decision
from parity.services.retention import RetentionOutcome, apply_retention
from parity.store import tables as t
from parity.store.protected import REMOVED, SEALED

REFUSED = "Amina Rahimi's uncle in Kabul was found to have lied about the family"
DOUBTED = "The sponsor doubts Farid Rahimi's school record"


def _decided(services: Services, family_ref: str, prefix: str, reason: str, *, approve: bool) -> ProposeDecision:
    """A family's application whose refusal was proposed with a reason (kept in the proposal and repeated in the
    results of the commands that proposed and decided it), then approved (the case closes) or rejected."""
    case_id, members = apply_as_family(services, family_ref, document_number=f"{family_ref}-1")
    command = ProposeDecision(
        f"{prefix}:propose",
        "officer-a",
        CaseType.ADMISSION,
        case_id,
        "refuse",
        {"member_id": members[0], "reason": reason},
    )
    proposal_id = str(propose_decision(services, command)["proposal_id"])
    verb = "approve" if approve else "reject"
    decide(services, f"{prefix}:{verb}", "officer-b", CaseType.ADMISSION, proposal_id, approve=approve)
    return command


def _results(engine: Engine, *command_ids: str) -> dict[str, Any]:
    commands = t.processed_commands
    with engine.connect() as connection:
        rows = connection.execute(select(commands).where(commands.c.command_id.in_(command_ids))).mappings()
        return {row["command_id"]: row["result"] for row in rows}


def test_the_decided_free_text_of_an_anonymised_case_is_replaced_and_another_cases_left_as_it_was(
    services: Services, engine: Engine, clock: SettableClock
) -> None:
    services.audit = AuditPolicy(new_signer(), checkpoint_every=2)
    refused = _decided(services, "FAM-A", "a", REFUSED, approve=True)
    _decided(services, "FAM-B", "b", DOUBTED, approve=False)  # still open
    other_before = _results(engine, "b:propose", "b:reject")

    clock.current = utc(2027, 3, 3, 12)  # 18 months after the refusal
    [outcome] = apply_retention(services, ["uk-fr-2025"], batch=1)

    assert (outcome.return_cases, outcome.admission_cases) == (0, 1)
    assert outcome.action_payloads == 4  # the refusal's action, its proposal, and the two command results
    anonymised = _results(engine, "a:propose", "a:approve")
    assert {name: result["payload"] for name, result in anonymised.items()} == {
        "a:propose": {"member_id": refused.payload["member_id"], "reason": REMOVED, SEALED: None},
        "a:approve": {"member_id": refused.payload["member_id"], "reason": REMOVED, SEALED: None},
    }
    assert _results(engine, "b:propose", "b:reject") == other_before  # not rewritten: the same ciphertexts
    replayed = propose_decision(services, refused)["payload"]  # a replay gives what is left
    assert replayed == {"member_id": refused.payload["member_id"], "reason": REMOVED}
    assert verify(services).ok


def test_a_batch_does_not_wait_on_another_cases_command_results_locked_by_another_transaction(
    services: Services, engine: Engine, clock: SettableClock
) -> None:
    """Before, each batch read every decision command result FOR UPDATE, whatever case it was about: a key rotation
    holding another case's results (or any other transaction) held retention up until it ended."""
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks: PostgreSQL (SQLite has one writer at a time)")
    _decided(services, "FAM-A", "a", REFUSED, approve=True)
    other = _decided(services, "FAM-B", "b", DOUBTED, approve=False).case_id
    clock.current = utc(2027, 3, 3, 12)
    outcomes: list[RetentionOutcome] = []
    retention = threading.Thread(target=lambda: outcomes.extend(apply_retention(services, ["uk-fr-2025"], batch=1)))

    with engine.connect() as holder, holder.begin():
        commands, proposals, actions = t.processed_commands, t.decision_proposals, t.admission_actions
        holder.execute(select(commands).where(commands.c.command_id.in_(["b:propose", "b:reject"])).with_for_update())
        holder.execute(select(proposals).where(proposals.c.case_id == other).with_for_update())
        holder.execute(select(actions).where(actions.c.case_id == other).with_for_update())
        retention.start()
        retention.join(timeout=30)
        finished_while_held = not retention.is_alive()
    retention.join()

    assert finished_while_held
    assert [(o.admission_cases, o.action_payloads) for o in outcomes] == [(1, 4)]
