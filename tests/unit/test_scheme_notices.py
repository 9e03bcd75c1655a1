"""Rule 24: the scheme clock — notice of suspension (one week) and termination (one month), and what they stop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.strategies import DrawFn
from tests.builders import utc

from parity.domain.errors import InvalidCommand, SchemeClosed
from parity.domain.notices import NEW_WORK, NoticeKind, OperatingState, SchemeNotice, SchemeTimeline
from parity.scheme import Scheme


def notice(scheme: Scheme, kind: NoticeKind, at: datetime, by: str = "FR") -> SchemeNotice:
    return SchemeNotice(f"n-{kind}-{at:%Y%m%d%H}", scheme.id, kind, by, at, "reason", "official", scheme.version)


def test_suspension_takes_effect_after_one_weeks_notice_at_midnight_uk_time(uk_fr: Scheme) -> None:
    given_at = utc(2025, 11, 3, 15)  # Monday afternoon
    suspension = notice(uk_fr, NoticeKind.SUSPENSION, given_at)
    # 7 calendar days, ending at the close of the 7th day in Europe/London (GMT in November).
    assert suspension.effective_at(uk_fr) == utc(2025, 11, 11, 0)
    timeline = SchemeTimeline(uk_fr, (suspension,))
    assert timeline.status(utc(2025, 11, 10, 23, 59)).state is OperatingState.NOTICE_PERIOD
    assert timeline.status(utc(2025, 11, 11, 0)).state is OperatingState.SUSPENDED


def test_termination_takes_effect_after_one_months_notice(uk_fr: Scheme) -> None:
    termination = notice(uk_fr, NoticeKind.TERMINATION, utc(2026, 1, 31, 10), by="GB")
    # One month from 31 January ends on 28 February (no 31 February), at midnight UK time.
    assert termination.effective_at(uk_fr) == utc(2026, 3, 1, 0)
    timeline = SchemeTimeline(uk_fr, (termination,))
    assert timeline.status(utc(2026, 3, 1, 0)).state is OperatingState.TERMINATED


def test_no_new_work_once_suspended_and_work_resumes_after_resumption(uk_fr: Scheme) -> None:
    suspension = notice(uk_fr, NoticeKind.SUSPENSION, utc(2025, 11, 3, 15))
    resumption = notice(uk_fr, NoticeKind.RESUMPTION, utc(2025, 12, 1, 9))
    timeline = SchemeTimeline(uk_fr, (suspension, resumption))
    timeline.check_new_work("send_request", utc(2025, 11, 10, 12))  # still in the notice period
    for action in ("send_request", "schedule_transfer", "invite", "issue_entry_clearance"):
        with pytest.raises(SchemeClosed, match="rule 24"):
            timeline.check_new_work(action, utc(2025, 11, 20))
    timeline.check_new_work("record_claim", utc(2025, 11, 20))  # legal events are still recorded
    timeline.check_new_work("complete_transfer", utc(2025, 11, 20))  # a flight booked before is still recorded
    timeline.check_new_work("send_request", utc(2025, 12, 1, 9))
    assert timeline.closed_reason(utc(2025, 11, 20).date(), utc(2025, 11, 20)) is not None
    assert timeline.closed_reason(utc(2025, 12, 2).date(), utc(2025, 12, 2)) is None


def test_no_new_cases_after_11_june_2026_without_any_notice(uk_fr: Scheme) -> None:
    timeline = SchemeTimeline(uk_fr)
    assert timeline.closed_reason(utc(2026, 6, 11).date(), utc(2026, 6, 11, 20)) is None
    assert "outside the scheme's period in force" in str(
        timeline.closed_reason(utc(2026, 6, 12).date(), utc(2026, 6, 12))
    )


def test_imbalance_must_be_resolved_in_the_notice_period_so_no_tolerance(uk_fr: Scheme) -> None:
    timeline = SchemeTimeline(uk_fr, (notice(uk_fr, NoticeKind.TERMINATION, utc(2026, 1, 5, 10)),))
    assert timeline.parity_rule(utc(2026, 1, 4)).tolerance == uk_fr.parity.tolerance == 25
    assert timeline.parity_rule(utc(2026, 1, 6)).tolerance == 0


def test_notices_that_make_no_sense_are_refused(uk_fr: Scheme) -> None:
    terminated = SchemeTimeline(uk_fr, (notice(uk_fr, NoticeKind.TERMINATION, utc(2026, 1, 5, 10)),))
    with pytest.raises(InvalidCommand, match="terminated"):
        terminated.check_can_give(NoticeKind.SUSPENSION, utc(2026, 3, 1))
    with pytest.raises(InvalidCommand, match="already running"):
        terminated.check_can_give(NoticeKind.TERMINATION, utc(2026, 1, 6))
    with pytest.raises(InvalidCommand, match="only a suspended scheme"):
        SchemeTimeline(uk_fr).check_can_give(NoticeKind.RESUMPTION, utc(2026, 1, 6))


@given(
    given_at=st.datetimes(min_value=datetime(2025, 8, 6), max_value=datetime(2026, 6, 1), timezones=st.just(UTC)),
    kind=st.sampled_from([NoticeKind.SUSPENSION, NoticeKind.TERMINATION]),
)
def test_a_notice_never_takes_effect_before_its_full_period_has_run(
    uk_fr: Scheme, given_at: datetime, kind: NoticeKind
) -> None:
    effective = notice(uk_fr, kind, given_at).effective_at(uk_fr)
    shortest = timedelta(days=7) if kind is NoticeKind.SUSPENSION else timedelta(days=28)
    assert effective - given_at >= shortest - timedelta(hours=1)  # an hour's slack for the clocks going back
    timeline = SchemeTimeline(uk_fr, (notice(uk_fr, kind, given_at),))
    assert timeline.status(effective - timedelta(seconds=1)).state is OperatingState.NOTICE_PERIOD
    assert timeline.status(effective).state is not OperatingState.OPERATING


def test_new_work_is_booking_a_transfer_not_recording_one_already_flown() -> None:
    assert "schedule_transfer" in NEW_WORK
    assert "complete_transfer" not in NEW_WORK


# Two notices at once. In October 2025 London is on BST until the 26th, then GMT: a week's notice given on 1 October
# ends at 23:00 UTC on the 8th; a month's notice given on 15 October ends at midnight UTC on 16 November.


def test_a_termination_given_while_suspended_leaves_the_scheme_suspended_until_it_takes_effect(uk_fr: Scheme) -> None:
    suspension = notice(uk_fr, NoticeKind.SUSPENSION, utc(2025, 10, 1, 9))
    termination = notice(uk_fr, NoticeKind.TERMINATION, utc(2025, 10, 15, 9), by="GB")
    assert suspension.effective_at(uk_fr) == utc(2025, 10, 8, 23)
    assert termination.effective_at(uk_fr) == utc(2025, 11, 16, 0)
    timeline = SchemeTimeline(uk_fr, (suspension, termination))

    status = timeline.status(utc(2025, 10, 16))
    assert status.state is OperatingState.SUSPENDED
    assert status.effective_at == utc(2025, 10, 8, 23)  # suspended since then, not reopened by the termination
    assert status.running == (termination,)
    with pytest.raises(SchemeClosed, match="suspended since 2025-10-08"):
        timeline.check_new_work("send_request", utc(2025, 10, 16))
    assert timeline.closed_reason(utc(2025, 10, 16).date(), utc(2025, 10, 16)) is not None
    assert timeline.parity_rule(utc(2025, 10, 16)).tolerance == 0  # the termination's notice period is running
    with pytest.raises(InvalidCommand, match="notice of termination is already running"):
        timeline.check_can_give(NoticeKind.TERMINATION, utc(2025, 10, 16))
    with pytest.raises(InvalidCommand, match="already suspended"):
        timeline.check_can_give(NoticeKind.SUSPENSION, utc(2025, 10, 16))
    timeline.check_can_give(NoticeKind.RESUMPTION, utc(2025, 10, 16))

    assert timeline.status(utc(2025, 11, 15, 23, 59)).state is OperatingState.SUSPENDED
    terminated = timeline.status(utc(2025, 11, 16, 0))
    assert (terminated.state, terminated.effective_at) == (OperatingState.TERMINATED, utc(2025, 11, 16, 0))
    with pytest.raises(SchemeClosed, match="terminated since 2025-11-16"):
        timeline.check_new_work("send_request", utc(2025, 11, 16, 0))


def test_resuming_while_a_termination_runs_reopens_the_scheme_only_until_the_termination(uk_fr: Scheme) -> None:
    suspension = notice(uk_fr, NoticeKind.SUSPENSION, utc(2025, 10, 1, 9))
    termination = notice(uk_fr, NoticeKind.TERMINATION, utc(2025, 10, 15, 9), by="GB")
    resumption = notice(uk_fr, NoticeKind.RESUMPTION, utc(2025, 11, 1, 9))
    timeline = SchemeTimeline(uk_fr, (suspension, termination, resumption))

    status = timeline.status(utc(2025, 11, 2))
    assert status.state is OperatingState.NOTICE_PERIOD
    assert (status.pending, status.effective_at) == (termination, utc(2025, 11, 16, 0))
    timeline.check_new_work("send_request", utc(2025, 11, 2))
    assert timeline.parity_rule(utc(2025, 11, 2)).tolerance == 0
    with pytest.raises(InvalidCommand, match="notice of termination is already running"):
        timeline.check_can_give(NoticeKind.TERMINATION, utc(2025, 11, 2))
    with pytest.raises(InvalidCommand, match="only a suspended scheme"):
        timeline.check_can_give(NoticeKind.RESUMPTION, utc(2025, 11, 2))
    assert timeline.status(utc(2025, 11, 16, 0)).state is OperatingState.TERMINATED


def test_a_suspension_given_while_a_termination_runs_does_not_stop_the_termination(uk_fr: Scheme) -> None:
    termination = notice(uk_fr, NoticeKind.TERMINATION, utc(2025, 10, 1, 9), by="GB")
    suspension = notice(uk_fr, NoticeKind.SUSPENSION, utc(2025, 10, 5, 9))
    assert termination.effective_at(uk_fr) == utc(2025, 11, 2, 0)  # end of 1 November in London (GMT)
    assert suspension.effective_at(uk_fr) == utc(2025, 10, 12, 23)  # end of 12 October in London (BST)
    timeline = SchemeTimeline(uk_fr, (termination, suspension))

    both = timeline.status(utc(2025, 10, 6))
    assert both.state is OperatingState.NOTICE_PERIOD
    assert both.running == (termination, suspension)
    # Both run: the termination, the weightier, is the one reported, with when it takes effect.
    assert (both.pending, both.effective_at) == (termination, utc(2025, 11, 2, 0))
    with pytest.raises(InvalidCommand, match="notice of suspension is already running"):
        timeline.check_can_give(NoticeKind.SUSPENSION, utc(2025, 10, 6))

    suspended = timeline.status(utc(2025, 10, 20))
    assert (suspended.state, suspended.effective_at) == (OperatingState.SUSPENDED, utc(2025, 10, 12, 23))
    assert suspended.running == (termination,)

    terminated = timeline.status(utc(2025, 11, 2, 0))
    assert (terminated.state, terminated.effective_at) == (OperatingState.TERMINATED, utc(2025, 11, 2, 0))
    with pytest.raises(InvalidCommand, match="terminated"):
        timeline.check_can_give(NoticeKind.RESUMPTION, utc(2025, 12, 1, 9))
    # Even a resumption recorded after the termination took effect cannot reopen the scheme.
    late = SchemeTimeline(uk_fr, (*timeline.notices, notice(uk_fr, NoticeKind.RESUMPTION, utc(2025, 12, 1, 9))))
    assert late.status(utc(2025, 12, 2)).state is OperatingState.TERMINATED


def test_a_resumption_withdraws_a_suspension_but_not_a_running_termination(uk_fr: Scheme) -> None:
    termination = notice(uk_fr, NoticeKind.TERMINATION, utc(2025, 10, 1, 9), by="GB")
    suspension = notice(uk_fr, NoticeKind.SUSPENSION, utc(2025, 10, 5, 9))
    before = SchemeTimeline(uk_fr, (termination, suspension))
    before.check_can_give(NoticeKind.RESUMPTION, utc(2025, 10, 7, 9))  # under notice of suspension: allowed
    resumption = notice(uk_fr, NoticeKind.RESUMPTION, utc(2025, 10, 7, 9))
    timeline = SchemeTimeline(uk_fr, (termination, suspension, resumption))

    for at in (utc(2025, 10, 7, 10), utc(2025, 10, 20)):  # before and after the suspension would have begun
        status = timeline.status(at)
        assert status.state is OperatingState.NOTICE_PERIOD
        assert (status.pending, status.running) == (termination, (termination,))
        timeline.check_new_work("send_request", at)
    timeline.check_can_give(NoticeKind.SUSPENSION, utc(2025, 10, 20))  # the suspension may be given again
    assert timeline.status(utc(2025, 11, 2, 0)).state is OperatingState.TERMINATED


# Sequences of notices of any kind at distinct minutes of the scheme's period in force, whether or not
# `check_can_give` would have let them in, to see that the state is derived soundly from any log.
_minutes = st.integers(min_value=0, max_value=300 * 24 * 60)  # from 6 August 2025 to about 2 June 2026


@st.composite
def notice_logs(draw: DrawFn, uk_fr: Scheme) -> tuple[SchemeNotice, ...]:
    offsets = draw(st.lists(_minutes, min_size=1, max_size=6, unique=True))
    kinds = draw(st.lists(st.sampled_from(list(NoticeKind)), min_size=len(offsets), max_size=len(offsets)))
    start = datetime(2025, 8, 6, tzinfo=UTC)
    return tuple(
        notice(uk_fr, kind, start + timedelta(minutes=offset)) for kind, offset in zip(kinds, offsets, strict=True)
    )


@given(data=st.data(), instants=st.lists(_minutes, min_size=1, max_size=4))
def test_the_state_derived_from_any_log_of_notices_is_sound(
    uk_fr: Scheme, data: st.DataObject, instants: list[int]
) -> None:
    notices = data.draw(notice_logs(uk_fr))
    timeline = SchemeTimeline(uk_fr, notices)
    start = datetime(2025, 8, 6, tzinfo=UTC)
    for at in sorted(start + timedelta(minutes=m, seconds=30) for m in instants):
        status = timeline.status(at)
        took_effect = [
            n.effective_at(uk_fr) for n in notices if n.kind is NoticeKind.TERMINATION and n.effective_at(uk_fr) <= at
        ]
        # Once a termination has taken effect the scheme is terminated, whatever follows, and at every later instant.
        if took_effect:
            assert (status.state, status.effective_at) == (OperatingState.TERMINATED, min(took_effect))
            later = timeline.status(at + timedelta(days=data.draw(st.integers(0, 400))))
            assert later.state is OperatingState.TERMINATED
            continue
        assert status.state is not OperatingState.TERMINATED
        # A suspension in effect that no resumption has followed keeps the scheme suspended.
        for suspension in (n for n in notices if n.kind is NoticeKind.SUSPENSION and n.effective_at(uk_fr) <= at):
            resumed = any(n.kind is NoticeKind.RESUMPTION and suspension.given_at < n.given_at <= at for n in notices)
            if not resumed:
                assert status.state is OperatingState.SUSPENDED
        # What is reported as running has been given and has not yet taken effect; the termination comes first.
        assert all(n.given_at <= at < n.effective_at(uk_fr) for n in status.running)
        if status.state is OperatingState.NOTICE_PERIOD:
            assert status.pending in status.running
            assert status.pending is not None
            assert status.effective_at == status.pending.effective_at(uk_fr)
            if any(n.kind is NoticeKind.TERMINATION for n in status.running):
                assert status.pending.kind is NoticeKind.TERMINATION
        else:
            assert status.pending is None
        assert (timeline.parity_rule(at).tolerance == 0) is bool(status.running)
        # Notices given later change nothing about the state now.
        assert SchemeTimeline(uk_fr, tuple(n for n in notices if n.given_at <= at)).status(at) == status


@given(data=st.data(), attempts=st.lists(st.tuples(st.sampled_from(list(NoticeKind)), _minutes), max_size=8))
def test_notices_let_in_one_by_one_never_hold_two_terminations_or_resume_a_terminated_scheme(
    uk_fr: Scheme, data: st.DataObject, attempts: list[tuple[NoticeKind, int]]
) -> None:
    start = datetime(2025, 8, 6, tzinfo=UTC)
    timeline = SchemeTimeline(uk_fr)
    for kind, offset in sorted(attempts, key=lambda attempt: attempt[1]):
        at = start + timedelta(minutes=offset)
        before = timeline.status(at)
        try:
            timeline.check_can_give(kind, at)
        except InvalidCommand:
            continue
        assert before.state is not OperatingState.TERMINATED
        timeline = SchemeTimeline(uk_fr, (*timeline.notices, notice(uk_fr, kind, at)))
        after = timeline.status(at)
        if kind is NoticeKind.RESUMPTION:
            assert after.state is not OperatingState.SUSPENDED
            assert [n for n in after.running if n.kind is NoticeKind.TERMINATION] == [
                n for n in before.running if n.kind is NoticeKind.TERMINATION
            ]  # a resumption leaves a running termination running
    assert sum(n.kind is NoticeKind.TERMINATION for n in timeline.notices) <= 1
