"""Which action follows which passed deadline, and when it is due (brief §10 rules 5, 6, 13 and 19)."""

from __future__ import annotations

from datetime import timedelta

from tests.builders import utc

from parity.domain.admissions import AdmissionStatus
from parity.domain.clocks import Deadline
from parity.domain.lapses import LAPSES
from parity.domain.returns import ReturnStatus

BY_ACTION = {lapse.action: lapse for lapse in LAPSES}
DUE = utc(2025, 9, 15, 23)


def test_each_lapse_moves_on_only_the_statuses_its_action_leaves() -> None:
    assert BY_ACTION["expire_request_deadline"].statuses == {ReturnStatus.ELIGIBLE, ReturnStatus.DETAINED}
    assert BY_ACTION["escalate_overdue_reply"].statuses == {ReturnStatus.REQUEST_SENT}
    assert BY_ACTION["lapse_location"].statuses == {AdmissionStatus.SUBMITTED}
    assert BY_ACTION["expire_entry_clearance"].statuses == {AdmissionStatus.CLEARANCE_ISSUED}


def test_a_lapse_is_due_once_its_deadline_has_passed_with_nothing_done() -> None:
    lapse = BY_ACTION["expire_request_deadline"]
    request = Deadline("request", DUE)
    assert lapse.due([request], DUE - timedelta(seconds=1)) is None
    assert lapse.due([request], DUE) == request
    assert lapse.due([Deadline("request", DUE, done_at=DUE - timedelta(days=2))], DUE + timedelta(days=1)) is None
    assert lapse.due([Deadline("reply", DUE)], DUE + timedelta(days=1)) is None  # another deadline
