"""The audit chain: canonical hashing, Ed25519 checkpoints, and verification naming the first bad entry."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parity.audit import GENESIS, AuditEvent, Entry, canonical_json, chain_entry, new_signer, verify_chain

SIGNER = new_signer()
START = datetime(2025, 9, 1, 8, tzinfo=UTC)


def event(n: int) -> AuditEvent:
    return AuditEvent(f"user-{n % 3}", "uk-caseworker", f"return:action-{n}", (f"case-{n}",), "api 10.0.0.1", "done")


def chain(length: int) -> list[Entry]:
    entries: list[Entry] = []
    seq, prev = 0, GENESIS
    for n in range(length):
        entry = chain_entry(seq, prev, START + timedelta(seconds=n), event(n))
        entries.append(entry)
        seq, prev = entry.seq, entry.hash
    return entries


def test_canonical_json_has_one_spelling() -> None:
    assert canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'
    assert canonical_json({"a": [1, 2]}) == canonical_json({"a": [1, 2]})


def test_an_intact_chain_verifies_and_counts_its_entries() -> None:
    entries = chain(5)
    checkpoint = SIGNER.sign(5, entries[-1].hash, START)
    result = verify_chain(entries, [checkpoint], SIGNER.holds, head=(5, entries[-1].hash))
    assert result.ok
    assert (result.checked, result.checkpoints, result.first_bad) == (5, 1, None)


def test_an_empty_log_verifies() -> None:
    assert verify_chain([], [], SIGNER.holds, head=(0, GENESIS)).ok


def test_each_entry_hashes_its_predecessor() -> None:
    entries = chain(3)
    assert entries[0].prev_hash == GENESIS
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]


def test_an_edited_entry_is_named() -> None:
    entries = chain(6)
    entries[3] = replace(entries[3], event=replace(entries[3].event, actor_id="someone-else"))
    result = verify_chain(entries, [], SIGNER.holds)
    assert not result.ok
    assert result.first_bad == 4
    assert "altered" in (result.reason or "")
    assert result.checked == 3


def test_a_rewritten_chain_is_caught_by_its_signed_checkpoint() -> None:
    entries = chain(6)
    checkpoint = SIGNER.sign(6, entries[-1].hash, START)
    forged: list[Entry] = []
    seq, prev = 0, GENESIS
    for n, entry in enumerate(entries):  # edit entry 2 and recompute every hash after it
        changed = replace(entry.event, outcome="refused") if n == 1 else entry.event
        rebuilt = chain_entry(seq, prev, entry.at, changed)
        forged.append(rebuilt)
        seq, prev = rebuilt.seq, rebuilt.hash
    result = verify_chain(forged, [checkpoint], SIGNER.holds)
    assert result.first_bad == 6
    assert "signed checkpoint" in (result.reason or "")


def test_a_checkpoint_signed_by_another_key_is_refused() -> None:
    entries = chain(2)
    foreign = new_signer().sign(2, entries[-1].hash, START)
    result = verify_chain(entries, [foreign], SIGNER.holds)
    assert not result.ok
    assert "bad signature" in (result.reason or "")


def test_a_deleted_tail_is_caught_by_the_head_and_by_a_checkpoint() -> None:
    entries = chain(4)
    head = (4, entries[-1].hash)
    by_head = verify_chain(entries[:3], [], SIGNER.holds, head=head)
    by_checkpoint = verify_chain(entries[:3], [SIGNER.sign(4, entries[-1].hash, START)], SIGNER.holds)
    assert (by_head.first_bad, by_checkpoint.first_bad) == (4, 4)
    assert "missing" in (by_head.reason or "")
    assert "missing" in (by_checkpoint.reason or "")


TAMPERING = st.sampled_from(["edit", "delete", "insert", "swap"])


@given(length=st.integers(min_value=2, max_value=25), data=st.data(), tampering=TAMPERING)
def test_any_single_edit_delete_insert_or_swap_is_detected_and_located(
    length: int, data: st.DataObject, tampering: str
) -> None:
    entries = chain(length)
    checkpoint = SIGNER.sign(length, entries[-1].hash, START)
    head = (length, entries[-1].hash)
    at = data.draw(st.integers(min_value=0, max_value=length - 1), label="position")
    tampered = list(entries)
    if tampering == "edit":
        field = data.draw(st.sampled_from(["actor_id", "role", "action", "origin", "outcome", "record_ids"]))
        value: object = ("other",) if field == "record_ids" else "other"
        tampered[at] = replace(entries[at], event=replace(entries[at].event, **{field: value}))
        expected = {at + 1}
    elif tampering == "delete":
        del tampered[at]
        expected = {at + 1}
    elif tampering == "insert":
        # A well-formed forgery linked to its predecessor, numbered into place, later entries renumbered.
        prev = entries[at - 1] if at else None
        forged = chain_entry(prev.seq if prev else 0, prev.hash if prev else GENESIS, START, event(999))
        tampered = [*entries[:at], forged, *(replace(e, seq=e.seq + 1) for e in entries[at:])]
        expected = {at + 1, at + 2}
    else:
        at = min(at, length - 2)
        tampered[at], tampered[at + 1] = entries[at + 1], entries[at]
        expected = {at + 1}
    result = verify_chain(tampered, [checkpoint], SIGNER.holds, head=head)
    assert not result.ok
    assert result.first_bad in expected, result.reason
    assert result.reason


@pytest.mark.parametrize("seq", [1, 7])
def test_checkpoints_sign_position_and_hash(seq: int) -> None:
    entries = chain(seq)
    checkpoint = SIGNER.sign(seq, entries[-1].hash, START)
    assert SIGNER.holds(checkpoint)
    assert not SIGNER.holds(replace(checkpoint, seq=seq + 1))
    assert not SIGNER.holds(replace(checkpoint, entry_hash="0" * 64))
