"""Return cases under uk-fr-2025: brief §10 rules 1-10 with the treaty's real values."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from unittest.mock import ANY

import pytest
from tests.builders import action, arriving, boat, return_case, utc

from parity.domain.clocks import DeadlineState
from parity.domain.eligibility import screen_arrival
from parity.domain.errors import DeadlinePassed, IllegalTransition, InvalidCommand, TooEarly, TransferBlocked
from parity.domain.people import AgeStatus
from parity.domain.returns import RETURN_TRANSITIONS, ReturnCase, ReturnStatus, claim_made_on_arrival
from parity.scheme import Scheme
from parity.scheme.model import ReturnGround, TransferPrecondition


def test_rule_1_scope_needs_a_ground(uk_fr: Scheme) -> None:
    [screening] = screen_arrival(uk_fr, boat(arriving(grounds=frozenset())), utc(2025, 9, 1, 8))
    assert not screening.eligible
    assert "rule 1" in str(screening.reasons[0])


def test_rule_2_transit_evidence_and_departure_from_france(uk_fr: Scheme) -> None:
    screenings = screen_arrival(
        uk_fr, boat(arriving(transit_evidence=None), arriving(departed_from="BE")), utc(2025, 9, 1, 8)
    )
    assert all("rule 2" in " ".join(map(str, s.reasons)) for s in screenings)


@pytest.mark.parametrize(
    ("status", "eligible"),
    [
        (AgeStatus.ADULT, True),
        (AgeStatus.UNACCOMPANIED_MINOR, False),
        (AgeStatus.DISPUTED, False),
        (AgeStatus.NOT_RECORDED, False),
    ],
)
def test_rule_3_age(uk_fr: Scheme, status: AgeStatus, eligible: bool) -> None:
    [screening] = screen_arrival(uk_fr, boat(arriving(age_status=status)), utc(2025, 9, 1, 8))
    assert screening.eligible is eligible


def test_rule_4_accompanied_minor_needs_an_adult_of_the_family_on_board(uk_fr: Scheme) -> None:
    with_parent = boat(arriving(family_group="F1"), arriving(AgeStatus.ACCOMPANIED_MINOR, family_group="F1"))
    alone = boat(arriving(AgeStatus.ACCOMPANIED_MINOR, family_group="F2"))
    assert all(s.eligible for s in screen_arrival(uk_fr, with_parent, utc(2025, 9, 1, 8)))
    assert not screen_arrival(uk_fr, alone, utc(2025, 9, 1, 8))[0].eligible


def test_rule_24_no_cases_after_11_june_2026(uk_fr: Scheme) -> None:
    late = boat(arriving(), at=utc(2026, 6, 12, 4))
    assert "rule 24" in str(screen_arrival(uk_fr, late, utc(2026, 6, 12, 8))[0].reasons[0])


def test_rule_5_request_allowed_on_day_14_refused_after(uk_fr: Scheme) -> None:
    on_time = return_case(uk_fr, utc(2025, 9, 1, 4), "detain")
    on_time.record(action(uk_fr, "send_request", utc(2025, 9, 15, 22, 59)), uk_fr)  # 23:59 London on day 14
    late = return_case(uk_fr, utc(2025, 9, 1, 4), "detain")
    with pytest.raises(DeadlinePassed, match=r"Art\. 8"):
        late.record(action(uk_fr, "send_request", utc(2025, 9, 15, 23, 0)), uk_fr)
    assert late.status is ReturnStatus.DETAINED


def test_rule_6_reply_overdue_after_14_days_and_extension_to_28(uk_fr: Scheme) -> None:
    case = return_case(uk_fr, utc(2025, 9, 1, 4), "detain", "send_request")
    with pytest.raises(TooEarly):
        case.record(action(uk_fr, "escalate_overdue_reply", utc(2025, 9, 10)), uk_fr)
    case.record(action(uk_fr, "extend_reply", utc(2025, 9, 10), reason="exceptional: identity checks"), uk_fr)
    reply = case.deadline(uk_fr, "reply")
    assert reply is not None
    assert reply.due_at == utc(2025, 9, 29, 23)  # request sent 1 Sep + 28 days, London midnight
    with pytest.raises(InvalidCommand, match="already been extended"):
        case.record(action(uk_fr, "extend_reply", utc(2025, 9, 11), reason="again"), uk_fr)


def test_silence_is_never_acceptance(uk_fr: Scheme) -> None:
    case = return_case(uk_fr, utc(2025, 9, 1, 4), "detain", "send_request")
    case.record(action(uk_fr, "escalate_overdue_reply", utc(2025, 9, 16)), uk_fr)
    assert case.status is ReturnStatus.REPLY_OVERDUE
    with pytest.raises(IllegalTransition):
        case.record(
            action(
                uk_fr, "schedule_transfer", utc(2025, 9, 17), flight_ref="X", departs_at="2025-09-20T09:00:00+00:00"
            ),
            uk_fr,
        )


def test_rule_7_three_month_aim_alerts_three_weeks_before(uk_fr: Scheme) -> None:
    case = return_case(uk_fr, utc(2025, 8, 6, 4))
    aim = case.deadline(uk_fr, "transfer_aim")
    assert aim is not None
    assert not aim.binding
    assert aim.due_at == utc(2025, 11, 7, 0)
    assert aim.alert_from == utc(2025, 10, 16, 23)  # midnight London (BST), 21 days before 6 Nov closes


def injunction(scheme: Scheme, case: ReturnCase, at: datetime, state: str, decided_on: str, *, evidence: str) -> None:
    payload = {"kind": "injunction", "state": state, "decided_on": decided_on, "evidence": evidence}
    case.record(action(scheme, "record_legal_event", at, **payload), scheme)


def test_rule_8_transfer_rechecked_at_the_moment_of_transfer(uk_fr: Scheme) -> None:
    case = return_case(uk_fr, utc(2025, 9, 1, 4), "detain", "send_request", "accept")
    case.record(
        action(uk_fr, "schedule_transfer", utc(2025, 9, 5), flight_ref="PLF-1", departs_at="2025-09-18T09:00:00+00:00"),
        uk_fr,
    )
    injunction(uk_fr, case, utc(2025, 9, 16), "in_force", "2025-09-16", evidence="Order of Sheldon J")
    with pytest.raises(
        TransferBlocked, match="injunction in_force since 2025-09-16 \\(evidence: Order of Sheldon J\\)"
    ):
        case.record(action(uk_fr, "complete_transfer", utc(2025, 9, 18, 9)), uk_fr)
    injunction(uk_fr, case, utc(2025, 9, 18, 10), "discharged", "2025-09-18", evidence="Court of Appeal")
    case.record(action(uk_fr, "complete_transfer", utc(2025, 9, 18, 11)), uk_fr)
    assert case.status is ReturnStatus.RETURNED


def test_rule_8_a_protection_claim_made_on_arrival_holds_the_transfer_until_declared_inadmissible(
    uk_fr: Scheme,
) -> None:
    # Treaty Art. 3(a) brings the claimant into scope; Art. 4(1)(d) readmits them only once the claim is withdrawn or
    # declared inadmissible.
    lodged = claim_made_on_arrival(frozenset({ReturnGround.PROTECTION_CLAIM}), date(2025, 9, 1), uk_fr)
    assert lodged == {"kind": "protection_claim", "state": "lodged", "decided_on": "2025-09-01", "evidence": ANY}
    case = return_case(uk_fr, utc(2025, 9, 1, 4))
    assert lodged is not None
    case.record(action(uk_fr, "record_legal_event", utc(2025, 9, 1, 8), **lodged), uk_fr)
    for kind, at in (("detain", utc(2025, 9, 1, 9)), ("send_request", utc(2025, 9, 2)), ("accept", utc(2025, 9, 4))):
        case.record(action(uk_fr, kind, at), uk_fr)
    flight = {"flight_ref": "PLF-1", "departs_at": "2025-09-18T09:00:00+00:00"}
    with pytest.raises(TransferBlocked, match="protection_claim lodged since 2025-09-01"):
        case.record(action(uk_fr, "schedule_transfer", utc(2025, 9, 5), **flight), uk_fr)
    inadmissible = {"kind": "protection_claim", "state": "declared_inadmissible", "decided_on": "2025-09-05"}
    case.record(action(uk_fr, "record_legal_event", utc(2025, 9, 5, 9), **inadmissible, evidence="Notice"), uk_fr)
    case.record(action(uk_fr, "schedule_transfer", utc(2025, 9, 5, 10), **flight), uk_fr)
    assert case.status is ReturnStatus.TRANSFER_SCHEDULED


def test_no_claim_is_lodged_for_someone_who_made_none_or_where_a_claim_is_no_bar(uk_fr: Scheme) -> None:
    apprehended = frozenset({ReturnGround.APPREHENDED, ReturnGround.SEA_RESCUE})
    assert claim_made_on_arrival(apprehended, date(2025, 9, 1), uk_fr) is None
    no_bar = uk_fr.model_copy(
        update={"returns": uk_fr.returns.model_copy(update={"transfer_preconditions": (TransferPrecondition.NRM,)})}
    )
    assert claim_made_on_arrival(frozenset({ReturnGround.PROTECTION_CLAIM}), date(2025, 9, 1), no_bar) is None


def test_a_return_is_recorded_only_once_its_flight_has_left(uk_fr: Scheme) -> None:
    # Art. 1(3) balances people actually readmitted; the ledger counts a return in the week its flight left.
    case = return_case(uk_fr, utc(2025, 9, 1, 4), "detain", "send_request", "accept")
    departs = "2025-09-18T09:00:00+00:00"
    case.record(action(uk_fr, "schedule_transfer", utc(2025, 9, 5), flight_ref="PLF-1", departs_at=departs), uk_fr)
    with pytest.raises(TooEarly, match="the transfer departs at 2025-09-18T09:00:00\\+00:00"):
        case.record(action(uk_fr, "complete_transfer", utc(2025, 9, 18, 8, 59)), uk_fr)
    assert case.status is ReturnStatus.TRANSFER_SCHEDULED
    case.record(action(uk_fr, "complete_transfer", utc(2025, 9, 18, 9)), uk_fr)
    assert case.status is ReturnStatus.RETURNED


def test_an_injunction_made_after_midnight_uk_summer_time_is_dated_that_day(uk_fr: Scheme) -> None:
    case = return_case(uk_fr, utc(2025, 9, 1, 4), "detain", "send_request", "accept")
    half_past_midnight_bst = utc(2025, 9, 15, 23, 30)  # 00:30 on 16 September in London, still the 15th in UTC
    injunction(uk_fr, case, half_past_midnight_bst, "in_force", "2025-09-16", evidence="Out-of-hours order")
    with pytest.raises(InvalidCommand, match="decided_on 2025-09-17 is in the future"):
        injunction(uk_fr, case, half_past_midnight_bst, "in_force", "2025-09-17", evidence="Out-of-hours order")
    assert [b.decided_on for b in case.blockers(date(2025, 9, 16))] == [date(2025, 9, 16)]


def test_injunction_time_pauses_the_three_month_aim(uk_fr: Scheme) -> None:
    case = return_case(uk_fr, utc(2025, 8, 6, 4))
    injunction(uk_fr, case, utc(2025, 8, 10), "in_force", "2025-08-10", evidence="order")
    injunction(uk_fr, case, utc(2025, 8, 19), "discharged", "2025-08-19", evidence="order")
    aim = case.deadline(uk_fr, "transfer_aim")
    assert aim is not None
    assert aim.due_at == utc(2025, 11, 17, 0)  # 10 paused days (10-19 Aug inclusive)


def test_an_injunction_still_in_force_holds_the_three_month_aim(uk_fr: Scheme) -> None:
    case = return_case(uk_fr, utc(2025, 8, 6, 4))
    injunction(uk_fr, case, utc(2025, 8, 10), "in_force", "2025-08-10", evidence="order")
    aim = case.deadline(uk_fr, "transfer_aim")
    assert aim is not None
    assert aim.paused_since == date(2025, 8, 10)
    assert aim.state(utc(2026, 3, 1)) is DeadlineState.PAUSED  # never overdue while the court holds the case
    assert aim.due_at == utc(2025, 11, 8, 0)  # at the earliest: the paused first day counts, 3 months + 1 day


def test_rule_9_nrm_reconsideration_refused_from_17_september_2025(uk_fr: Scheme) -> None:
    case = return_case(uk_fr, utc(2025, 9, 1, 4), "detain")
    case.record(
        action(
            uk_fr,
            "record_legal_event",
            utc(2025, 9, 16),
            kind="nrm",
            state="reconsideration_requested",
            decided_on="2025-09-16",
            evidence="letter",
        ),
        uk_fr,
    )
    with pytest.raises(InvalidCommand, match=r"14\.216"):
        case.record(
            action(
                uk_fr,
                "record_legal_event",
                utc(2025, 9, 17),
                kind="nrm",
                state="reconsideration_requested",
                decided_on="2025-09-17",
                evidence="letter",
            ),
            uk_fr,
        )


def test_rule_10_refusal_needs_a_scheme_reason(uk_fr: Scheme) -> None:
    case = return_case(uk_fr, utc(2025, 9, 1, 4), "detain", "send_request")
    with pytest.raises(InvalidCommand, match="must be one of the scheme's reasons") as refused:
        case.record(action(uk_fr, "refuse", utc(2025, 9, 5), reason="Karim B., born Lille 1990"), uk_fr)
    assert "Karim" not in str(refused.value)  # typed instead of chosen, it may name the person: not repeated
    case.record(action(uk_fr, "refuse", utc(2025, 9, 5), reason="public_order"), uk_fr)
    assert case.status is ReturnStatus.REFUSED


def test_unknown_action_is_named() -> None:
    with pytest.raises(Exception, match="'teleport' is not an action"):
        RETURN_TRANSITIONS.transition(ReturnStatus.DETAINED, "teleport")


def test_every_status_is_reachable_and_closed_statuses_allow_nothing_but_none() -> None:
    assert RETURN_TRANSITIONS.statuses() == set(ReturnStatus)
    for closed in (ReturnStatus.RETURNED, ReturnStatus.REFUSED, ReturnStatus.INELIGIBLE):
        assert RETURN_TRANSITIONS.allowed(closed) == set()


@pytest.mark.parametrize("cost", [-1, "12.345", "lots", True, float("nan")])
def test_rule_12_a_transport_cost_is_a_sum_in_pounds(uk_fr: Scheme, cost: object) -> None:
    case = return_case(uk_fr, utc(2025, 9, 1, 4), "detain", "send_request", "accept")
    schedule = {"flight_ref": "PLF-1", "departs_at": "2025-09-18T09:00:00+00:00", "transport_cost_gbp": cost}
    with pytest.raises(InvalidCommand, match="transport_cost_gbp"):
        case.record(action(uk_fr, "schedule_transfer", utc(2025, 9, 5), **schedule), uk_fr)


def test_rule_12_the_cost_of_a_return_is_read_back_with_its_flight(uk_fr: Scheme) -> None:
    case = return_case(uk_fr, utc(2025, 9, 1, 4), "detain", "send_request", "accept")
    schedule = {"flight_ref": "PLF-1", "departs_at": "2025-09-18T09:00:00+00:00", "transport_cost_gbp": "1250.50"}
    case.record(action(uk_fr, "schedule_transfer", utc(2025, 9, 5), **schedule), uk_fr)
    assert case.transport is None  # not yet returned
    case.record(action(uk_fr, "complete_transfer", utc(2025, 9, 18, 10)), uk_fr)
    assert case.transport == ("PLF-1", Decimal("1250.50"))


def test_a_field_the_action_does_not_take_is_refused_so_no_unknown_text_is_kept(uk_fr: Scheme) -> None:
    # Only the fields a rule reads are kept: the store encrypts the free text it knows of (store/protected.py), so
    # a note slipped into another field would be kept in clear.
    case = return_case(uk_fr, utc(2025, 9, 1, 4), "detain")
    event = {"kind": "injunction", "state": "in_force", "decided_on": "2025-09-02", "evidence": "Order"}
    with pytest.raises(InvalidCommand) as refused:
        case.record(action(uk_fr, "record_legal_event", utc(2025, 9, 2), comment="Yonas, born 1995", **event), uk_fr)
    assert str(refused.value) == (
        "'record_legal_event' takes no field comment (its fields: decided_on, evidence, kind, reference, state, until)"
    )
    with pytest.raises(InvalidCommand, match="'send_request' takes no field note"):
        case.record(action(uk_fr, "send_request", utc(2025, 9, 2), note="fragile"), uk_fr)
    case.record(action(uk_fr, "record_legal_event", utc(2025, 9, 2), **event), uk_fr)
    assert [a.kind for a in case.actions][-1] == "record_legal_event"
