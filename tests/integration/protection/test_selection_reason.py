"""The reason a supervisor gives for amending a selection round (taking families out of the proposed list, putting
others in) is free text about those families: it is encrypted at rest in the proposal and in the `select:approve`
command result like the free text of action payloads, rotated with the data keys, and replaced under retention when
an amended family's case is anonymised. The case ids of the approval stay in clear."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, select, update
from tests.builders import utc, waiting_family

from parity.protection import FieldCipher, TamperedValue
from parity.services.cases import CaseCommand, act_on_admission_case
from parity.services.context import Services, SettableClock
from parity.services.keys import key_usage, reencrypt_personal_data
from parity.services.reports import weekly_ledger
from parity.services.retention import apply_retention
from parity.services.selection import (
    ApproveProposal,
    ProposeInvitations,
    approve_proposal,
    get_proposal,
    list_proposals,
    propose_invitations,
)
from parity.store import tables as t
from parity.store.database import SqlUnitOfWorkFactory
from parity.store.protected import REMOVED, SEALED

REASON = "Amina Rahimi rang to say the family has left Calais for Germany; Farid is staying with an aunt"
ADULT, SECOND_ADULT, CHILD, SECOND_CHILD = date(1990, 1, 1), date(1992, 5, 5), date(2015, 6, 1), date(2017, 2, 3)


def _round(services: Services) -> dict[str, str]:
    """Three waiting families: the Afghan family of four and the Iranian adult are chosen for five places."""
    return {
        "afg4": waiting_family(services, "FAM-AFG4", ADULT, SECOND_ADULT, CHILD, SECOND_CHILD, nationality="AFG"),
        "irn1": waiting_family(services, "FAM-IRN1", ADULT, nationality="IRN", factors=("family_link",)),
        "vnm2": waiting_family(services, "FAM-VNM2", ADULT, SECOND_ADULT, nationality="VNM"),
    }


def _amended(services: Services, families: dict[str, str]) -> tuple[str, ApproveProposal]:
    """A round proposed by alice and approved by bob with the Afghan family swapped for the Vietnamese couple."""
    proposed = propose_invitations(services, ProposeInvitations("p1", "uk-fr-2025", "alice", places=5))
    proposal_id = str(proposed["proposal_id"])
    command = ApproveProposal(
        "a1", proposal_id, "bob", remove=[families["afg4"]], add=[families["vnm2"]], reason=REASON
    )
    approve_proposal(services, command)
    return proposal_id, command


def _stored(engine: Engine, proposal_id: str, command_id: str = "a1") -> tuple[dict[str, Any], dict[str, Any]]:
    """The proposal's `approval` column and the approve command's `result` column, as stored."""
    proposals, commands = t.selection_proposals, t.processed_commands
    with engine.connect() as connection:
        approval = connection.execute(select(proposals.c.approval).where(proposals.c.id == proposal_id)).scalar_one()
        result = connection.execute(select(commands.c.result).where(commands.c.command_id == command_id)).scalar_one()
    return approval, result


def _ledger(services: Services) -> tuple[object, ...]:
    report = weekly_ledger(services, "uk-fr-2025")
    return report.weeks, report.returned, report.admitted, report.committed


def test_the_reason_is_encrypted_in_the_proposal_and_its_result_and_read_and_replayed_in_clear(
    services: Services, engine: Engine, data_cipher: FieldCipher
) -> None:
    families = _round(services)
    proposal_id, command = _amended(services, families)

    approval, result = _stored(engine, proposal_id)
    replayed = approve_proposal(services, command)

    assert REASON not in str(approval)
    assert REASON not in str(result)
    assert approval[SEALED].startswith(f"{data_cipher.active_key}:")
    assert result["approval"][SEALED].startswith(f"{data_cipher.active_key}:")
    assert approval[SEALED] != result["approval"][SEALED]  # each bound to its own row
    # The case ids stay in clear.
    assert approval["removed"] == result["approval"]["removed"] == [families["afg4"]]
    assert approval["added"] == result["approval"]["added"] == [families["vnm2"]]
    assert approval["invited"] == result["approval"]["invited"] == [families["irn1"], families["vnm2"]]
    assert replayed["approval"]["reason"] == REASON
    assert SEALED not in replayed["approval"]
    assert get_proposal(services, proposal_id)["approval"]["reason"] == REASON
    assert [p["approval"]["reason"] for p in list_proposals(services, "uk-fr-2025")] == [REASON]


def test_a_sealed_reason_copied_to_another_proposal_or_result_does_not_decrypt(
    services: Services, engine: Engine
) -> None:
    families = _round(services)
    proposal_id, _command = _amended(services, families)
    approval, result = _stored(engine, proposal_id)
    other = str(propose_invitations(services, ProposeInvitations("p2", "uk-fr-2025", "alice", places=5))["proposal_id"])
    with engine.begin() as connection:
        connection.execute(
            update(t.selection_proposals).where(t.selection_proposals.c.id == other).values(approval=approval)
        )
        connection.execute(
            t.processed_commands.insert().values(
                command_id="a2", name="select:approve", request_hash="0" * 64, result=result, at=utc(2025, 9, 1)
            )
        )

    with services.uow() as uow, pytest.raises(TamperedValue):
        uow.proposals.get(other)
    with services.uow() as uow, pytest.raises(TamperedValue):
        uow.commands.get("a2")


def test_a_reason_written_in_clear_still_reads_and_rotation_encrypts_it(
    services: Services, engine: Engine, data_cipher: FieldCipher
) -> None:
    families = _round(services)
    proposal_id, command = _amended(services, families)
    usage = key_usage(services)
    approval, result = _stored(engine, proposal_id)
    clear = {**{k: v for k, v in approval.items() if k != SEALED}, "reason": REASON}
    with engine.begin() as connection:  # as written before the reason was encrypted
        connection.execute(
            update(t.selection_proposals).where(t.selection_proposals.c.id == proposal_id).values(approval=clear)
        )
        connection.execute(
            update(t.processed_commands)
            .where(t.processed_commands.c.command_id == "a1")
            .values(result={**result, "approval": {**clear, "approved_by": "bob"}})
        )

    assert key_usage(services) == {data_cipher.active_key: usage[data_cipher.active_key] - 2}  # both were counted
    assert get_proposal(services, proposal_id)["approval"]["reason"] == REASON
    assert approve_proposal(services, command)["approval"]["reason"] == REASON
    with services.uow() as uow:
        assert uow.personal_data.rows_to_reencrypt() == 2
    cipher = FieldCipher(data_cipher.keyring.with_new_active_key())
    rotated = Services(uow=SqlUnitOfWorkFactory(engine, cipher), clock=services.clock, schemes=services.schemes)

    reencrypt_personal_data(rotated, batch=3)

    approval, result = _stored(engine, proposal_id)
    assert REASON not in str(approval)
    assert REASON not in str(result)
    assert approval[SEALED].startswith(f"{cipher.active_key}:")
    assert result["approval"][SEALED].startswith(f"{cipher.active_key}:")
    assert key_usage(rotated) == {cipher.active_key: sum(usage.values())}
    assert get_proposal(rotated, proposal_id)["approval"]["reason"] == REASON
    assert approve_proposal(rotated, command)["approval"]["reason"] == REASON
    with rotated.uow() as uow:
        assert uow.personal_data.rows_to_reencrypt() == 0


def test_retention_of_an_amended_familys_case_replaces_the_reason_and_nothing_else(
    services: Services, engine: Engine, clock: SettableClock
) -> None:
    families = _round(services)
    proposal_id, command = _amended(services, families)
    # The Iranian adult, invited but not named by the amendment, withdraws at once; the Afghan family, taken out of
    # the round by the amendment, a month later.
    act_on_admission_case(services, CaseCommand("w1", "cw", families["irn1"], "withdraw", {"reason": "moved away"}))
    clock.current = utc(2025, 10, 1, 8)
    act_on_admission_case(services, CaseCommand("w2", "cw", families["afg4"], "withdraw", {"reason": "moved away"}))
    before = get_proposal(services, proposal_id)["approval"]
    ledger = _ledger(services)

    clock.current = utc(2027, 3, 3, 12)  # 18 months after the Iranian adult's withdrawal, not yet the Afghan family's
    [first] = apply_retention(services, ["uk-fr-2025"])

    assert (first.admission_cases, first.action_payloads) == (1, 2)  # the priority factor's evidence, the withdrawal
    assert get_proposal(services, proposal_id)["approval"]["reason"] == REASON

    clock.current = utc(2027, 4, 3, 12)
    [second] = apply_retention(services, ["uk-fr-2025"])

    assert (second.admission_cases, second.action_payloads) == (1, 3)  # the withdrawal, the approval, its result
    approval, result = _stored(engine, proposal_id)
    for stored in (approval, result["approval"]):
        assert stored["reason"] == REMOVED
        assert stored[SEALED] is None
        assert (stored["removed"], stored["added"], stored["invited"]) == (
            before["removed"],
            before["added"],
            before["invited"],
        )
    assert get_proposal(services, proposal_id)["approval"] == {**before, "reason": REMOVED}
    assert approve_proposal(services, command)["approval"] == {**before, "reason": REMOVED}  # the replay too
    assert _ledger(services) == ledger
    with services.uow() as uow:
        assert uow.personal_data.rows_to_reencrypt() == 0  # an erased reason is not picked by a rotation
