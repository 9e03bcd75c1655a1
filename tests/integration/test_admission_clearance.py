"""An entry clearance already issued, through the services and the store: an exclusion found late bars the family's
arrival (rule 16), and revoking the clearance gives its places back to the ledger at once."""

from __future__ import annotations

import pytest
from tests.builders import family_with_clearance, played

from parity.domain.admissions import AdmissionStatus
from parity.domain.decisions import CaseType
from parity.domain.errors import NotEligible
from parity.services.cases import act_on_admission_case
from parity.services.context import Services
from parity.services.reports import weekly_ledger


def _act(services: Services, case_id: str, kind: str, payload: dict[str, object]) -> None:
    act_on_admission_case(services, played(CaseType.ADMISSION, f"{case_id}:{kind}", case_id, kind, payload))


def test_a_late_exclusion_bars_arrival_and_revoking_the_clearance_frees_its_places(services: Services) -> None:
    case_id, members = family_with_clearance(services, "FAM-LATE")
    committed = weekly_ledger(services, "uk-fr-2025").committed
    late = {"member_id": members[1], "exclusion": "prior_irregular_entry", "evidence": "biometric match, 2024"}
    _act(services, case_id, "record_exclusion", late)
    with pytest.raises(NotEligible, match="prior_irregular_entry"):
        _act(services, case_id, "record_arrival", {})
    assert weekly_ledger(services, "uk-fr-2025").admitted == 0
    _act(services, case_id, "refuse", {"member_id": members[1], "reason": "prior irregular entry"})
    with services.uow() as uow:
        assert uow.admissions.get(case_id).status is AdmissionStatus.REFUSED
    assert weekly_ledger(services, "uk-fr-2025").committed == committed - 2
