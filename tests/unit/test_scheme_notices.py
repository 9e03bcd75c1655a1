"""Rule 24: the scheme clock — notice of suspension (one week) and termination (one month), and what they stop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.builders import utc

from parity.domain.errors import InvalidCommand, SchemeClosed
from parity.domain.notices import NoticeKind, OperatingState, SchemeNotice, SchemeTimeline
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
    for action in ("send_request", "complete_transfer", "invite", "issue_entry_clearance"):
        with pytest.raises(SchemeClosed, match="rule 24"):
            timeline.check_new_work(action, utc(2025, 11, 20))
    timeline.check_new_work("record_claim", utc(2025, 11, 20))  # legal events are still recorded
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
