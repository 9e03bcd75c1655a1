"""Free text in action payloads (reasons, evidence) is encrypted at rest like the personal-data columns: the raw rows
never hold it, a ciphertext moved to another row does not decrypt, payloads written before still read and are
encrypted by a key rotation, and retention replaces it."""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, select, update
from tests.builders import act, utc
from tests.personal_data_support import YONAS, apply_as_family, arrive_people

from parity.audit import new_signer
from parity.domain.decisions import CaseType
from parity.protection import FieldCipher, TamperedValue
from parity.services.audit import AuditPolicy, verify
from parity.services.cases import CaseCommand, act_on_admission_case, act_on_return_case
from parity.services.context import Services, SettableClock
from parity.services.decisions import ProposeDecision, get_proposal, propose_decision
from parity.services.keys import key_usage, reencrypt_personal_data
from parity.services.reports import weekly_ledger
from parity.services.retention import apply_retention
from parity.services.subject_access import SubjectLookup, subject_access_export
from parity.store import tables as t
from parity.store.database import SqlUnitOfWorkFactory
from parity.store.migrate import alembic_config
from parity.store.protected import REMOVED, SEALED

RELEASED = "Yonas Tesfamariam's solicitor says he was trafficked through Libya"
EVIDENCE = "Letter from Ms Haile, Kent Law Clinic, on behalf of Yonas Tesfamariam"
REFUSED = "Amina Rahimi's uncle in Kabul was found to have lied about the family"


def _payloads(engine: Engine, table: Any, case_id: str) -> dict[str, dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(select(table.c.kind, table.c.payload).where(table.c.case_id == case_id))
        return {row.kind: row.payload for row in rows}


def _released(services: Services) -> str:
    [(case_id, _person)] = arrive_people(services, "b1", YONAS)
    legal_event = {
        "kind": "protection_claim",
        "state": "lodged",
        "decided_on": "2025-09-01",
        "evidence": EVIDENCE,
        "reference": "PA/01234/2025",
    }
    act_on_return_case(services, CaseCommand("legal", "cw", case_id, "record_legal_event", legal_event))
    act(services, case_id, "release_to_asylum_route", reason=RELEASED)
    return case_id


def test_free_text_is_encrypted_in_the_row_and_read_back_in_clear(
    services: Services, engine: Engine, data_cipher: FieldCipher
) -> None:
    case_id = _released(services)

    stored = _payloads(engine, t.return_actions, case_id)
    with services.uow() as uow:
        read = {a.kind: dict(a.payload) for a in uow.returns.get(case_id).actions}

    for text in (RELEASED, EVIDENCE, "PA/01234/2025"):
        assert text not in str(stored)
    assert stored["record_legal_event"]["kind"] == "protection_claim"  # coded values stay in clear
    assert stored["record_legal_event"]["decided_on"] == "2025-09-01"
    assert stored["detect"][SEALED] is None  # nothing free to encrypt
    assert stored["release_to_asylum_route"][SEALED].startswith(f"{data_cipher.active_key}:")
    assert read["release_to_asylum_route"] == {"reason": RELEASED}
    assert read["record_legal_event"]["evidence"] == EVIDENCE
    assert read["record_legal_event"]["reference"] == "PA/01234/2025"


def test_a_proposal_and_its_command_result_hold_no_free_text_but_replay_it(services: Services, engine: Engine) -> None:
    case_id, members = apply_as_family(services, "FAM-1")
    command = ProposeDecision(
        "p1", "officer", CaseType.ADMISSION, case_id, "refuse", {"member_id": members[0], "reason": REFUSED}
    )

    first = propose_decision(services, command)
    replayed = propose_decision(services, command)

    with engine.connect() as connection:
        proposal_row = connection.execute(select(t.decision_proposals.c.payload)).scalar_one()
        result_row = connection.execute(
            select(t.processed_commands.c.result).where(t.processed_commands.c.command_id == "p1")
        ).scalar_one()
    assert REFUSED not in str(proposal_row)
    assert REFUSED not in str(result_row)
    assert proposal_row["member_id"] == members[0]
    assert first["payload"]["reason"] == replayed["payload"]["reason"] == REFUSED
    assert get_proposal(services, CaseType.ADMISSION, first["proposal_id"]).payload["reason"] == REFUSED


def test_a_ciphertext_moved_to_another_action_does_not_decrypt(services: Services, engine: Engine) -> None:
    released = _released(services)
    [(other, _person)] = arrive_people(services, "b2", {"family_name": "Haile"})
    act(services, other, "release_to_asylum_route", reason="another reason")
    sealed = _payloads(engine, t.return_actions, released)["release_to_asylum_route"][SEALED]
    actions = t.return_actions
    with engine.begin() as connection:
        connection.execute(
            update(actions)
            .where(actions.c.case_id == other, actions.c.kind == "release_to_asylum_route")
            .values(payload={SEALED: sealed})
        )

    with services.uow() as uow, pytest.raises(TamperedValue):
        uow.returns.get(other)


def test_payloads_written_in_clear_still_read_and_rotation_encrypts_them(
    services: Services, engine: Engine, data_cipher: FieldCipher
) -> None:
    case_id = _released(services)
    actions = t.return_actions
    with engine.begin() as connection:  # as written before free text was encrypted
        connection.execute(
            update(actions)
            .where(actions.c.case_id == case_id, actions.c.kind == "release_to_asylum_route")
            .values(payload={"reason": RELEASED})
        )
    with services.uow() as uow:
        assert uow.returns.get(case_id).last("release_to_asylum_route").payload == {"reason": RELEASED}  # type: ignore[union-attr]
        assert uow.personal_data.rows_to_reencrypt() == 1
    old_usage = key_usage(services)
    cipher = FieldCipher(data_cipher.keyring.with_new_active_key())
    rotated = Services(uow=SqlUnitOfWorkFactory(engine, cipher), clock=services.clock, schemes=services.schemes)

    rows = reencrypt_personal_data(rotated, batch=2)

    stored = _payloads(engine, actions, case_id)
    # the legacy payload, the two legal events' (the claim made on arrival and the later one) under the old key, the
    # person and index rows
    assert rows == 1 + 2 + 2
    assert RELEASED not in str(stored)
    assert {p[SEALED].partition(":")[0] for p in stored.values() if p[SEALED]} == {cipher.active_key}
    assert key_usage(rotated) == {cipher.active_key: sum(old_usage.values()) + 1}
    with rotated.uow() as uow:
        assert uow.returns.get(case_id).last("release_to_asylum_route").payload == {"reason": RELEASED}  # type: ignore[union-attr]
        assert uow.personal_data.rows_to_reencrypt() == 0


def test_subject_access_shows_the_text_until_retention_replaces_it(
    services: Services, engine: Engine, clock: SettableClock
) -> None:
    services.audit = AuditPolicy(new_signer(), checkpoint_every=2)
    case_id = _released(services)
    withdrawn, _members = apply_as_family(services, "FAM-W")
    act_on_admission_case(services, CaseCommand("w", "cw", withdrawn, "withdraw", {"reason": REFUSED}))
    person = subject_access_export(services, SubjectLookup(document_number="ER0451277"))
    [record] = person["records"]
    exported = {a["kind"]: a["payload"] for a in record["return_case"]["actions"]}
    assert exported["release_to_asylum_route"] == {"reason": RELEASED}
    assert exported["record_legal_event"]["evidence"] == EVIDENCE
    ledger = weekly_ledger(services, "uk-fr-2025")

    clock.current = utc(2027, 3, 3, 12)  # 18 months after both cases closed
    [outcome] = apply_retention(services, ["uk-fr-2025"])

    assert outcome.action_payloads == 4  # release, the two legal events, withdrawal
    returned = _payloads(engine, t.return_actions, case_id)
    assert returned["release_to_asylum_route"] == {"reason": REMOVED, SEALED: None}
    assert returned["record_legal_event"]["evidence"] == REMOVED
    assert returned["record_legal_event"]["kind"] == "protection_claim"
    assert _payloads(engine, t.admission_actions, withdrawn)["withdraw"] == {"reason": REMOVED, SEALED: None}
    with services.uow() as uow:
        assert uow.returns.get(case_id).last("release_to_asylum_route").payload == {"reason": REMOVED}  # type: ignore[union-attr]
    after = weekly_ledger(services, "uk-fr-2025")
    assert (after.weeks, after.returned, after.admitted) == (ledger.weeks, ledger.returned, ledger.admitted)
    assert verify(services).ok  # the audit chain holds no payload
    with services.uow() as uow:
        assert uow.personal_data.rows_to_reencrypt() == 0  # an erased payload is not picked by a rotation


def test_other_commands_results_are_not_taken_for_decision_payloads(services: Services, engine: Engine) -> None:
    """A selection round's `select:propose` result holds no action payload: rotation has nothing to do with it."""
    with engine.begin() as connection:
        connection.execute(
            t.processed_commands.insert().values(
                command_id="round-1",
                name="select:propose",
                request_hash="0" * 64,
                result={"proposal_id": "round-1", "chosen": []},
                at=utc(2025, 9, 1),
            )
        )

    with services.uow() as uow:
        assert uow.personal_data.rows_to_reencrypt() == 0


def test_downgrading_past_0008_is_refused_while_free_text_is_sealed(services: Services, engine: Engine) -> None:
    _released(services)
    config = alembic_config(engine)

    with engine.connect() as connection:
        config.attributes["connection"] = connection
        with pytest.raises(RuntimeError, match="encrypted free text in return_actions"):
            command.downgrade(config, "0007")
