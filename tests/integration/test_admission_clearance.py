"""An entry clearance already issued, through the services and the store: an exclusion found late bars the family's
arrival (rule 16), and revoking the clearance gives its places back to the ledger at once."""

from __future__ import annotations

from datetime import date

import pytest
from tests.builders import admission_act, family_with_clearance, invite_outside_a_round, waiting_family

from parity.domain.admissions import AdmissionStatus
from parity.domain.errors import NotEligible
from parity.services.context import Services
from parity.services.reports import weekly_ledger


def test_a_late_exclusion_bars_arrival_and_revoking_the_clearance_frees_its_places(services: Services) -> None:
    case_id, members = family_with_clearance(services, "FAM-LATE")
    committed = weekly_ledger(services, "uk-fr-2025").committed
    late = {"member_id": members[1], "exclusion": "prior_irregular_entry", "evidence": "biometric match, 2024"}
    admission_act(services, case_id, "record_exclusion", late)
    with pytest.raises(NotEligible, match="prior_irregular_entry"):
        admission_act(services, case_id, "record_arrival", {})
    assert weekly_ledger(services, "uk-fr-2025").admitted == 0
    admission_act(services, case_id, "refuse", {"member_id": members[1], "reason": "prior irregular entry"})
    with services.uow() as uow:
        assert uow.admissions.get(case_id).status is AdmissionStatus.REFUSED
    assert weekly_ledger(services, "uk-fr-2025").committed == committed - 2


def test_an_entry_clearance_is_recorded_with_the_schemes_conditions_whatever_was_sent(services: Services) -> None:
    # Rule 19: no work, no recourse to public funds (uk-fr-2025 [admissions] grant_conditions).
    case_id = waiting_family(services, "FAM-COND", date(1990, 1, 1))
    invite_outside_a_round(services, case_id)
    with services.uow() as uow:
        [member] = [m.id for m in uow.admissions.get(case_id).members]
    admission_act(
        services,
        case_id,
        "enrol_biometrics",
        {"documents_presented": [{"member_id": member, "document_number": "P-FAM-COND-0"}]},
    )
    admission_act(services, case_id, "clear_security", {})
    admission_act(services, case_id, "issue_entry_clearance", {"conditions": ["may_work"]})
    with services.uow() as uow:
        granted = uow.admissions.get(case_id).last("issue_entry_clearance")
    assert granted is not None
    assert granted.payload == {"conditions": ["no_work", "no_recourse_to_public_funds"]}
