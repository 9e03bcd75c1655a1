"""Words for the codes the domain uses (statuses, deadlines, reasons), in the reader's language.

Pages and downloads both read them from here, so a report and its spreadsheet always say the same thing. A code
the table does not know (a reason added by a newer scheme file) is shown as it is rather than hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Gettext = Callable[[str], str]


@dataclass(frozen=True)
class Labels:
    gettext: Gettext

    def case_type(self, code: str) -> str:
        _ = self.gettext
        return {"return": _("Return"), "admission": _("Admission")}.get(code, code)

    def deadline(self, code: str) -> str:
        _ = self.gettext
        return {
            "request": _("Readmission request"),
            "request_target": _("Readmission request (target)"),
            "reply": _("Reply from the readmitting state"),
            "transfer_aim": _("Transfer (3-month aim)"),
            "location_confirmation": _("Location confirmation"),
            "entry_clearance_expiry": _("Entry clearance used"),
        }.get(code, code)

    def status(self, code: str) -> str:
        _ = self.gettext
        return {
            "new": _("New"),
            "detected": _("Detected"),
            "eligible": _("Eligible"),
            "ineligible": _("Not eligible"),
            "detained": _("Detained"),
            "request_sent": _("Request sent"),
            "reply_overdue": _("Reply overdue"),
            "accepted": _("Accepted"),
            "refused": _("Refused"),
            "transfer_scheduled": _("Transfer scheduled"),
            "returned": _("Returned"),
            "released_to_asylum_route": _("Released to the asylum route"),
            "absconded": _("Absconded"),
            "deadline_expired": _("Deadline expired"),
            "submitted": _("Submitted"),
            "location_confirmed": _("Location confirmed"),
            "invited": _("Invited"),
            "biometrics_enrolled": _("Biometrics enrolled"),
            "security_cleared": _("Security cleared"),
            "entry_clearance_issued": _("Entry clearance issued"),
            "arrived": _("Arrived"),
            "withdrawn": _("Withdrawn"),
            "expired": _("Expired"),
        }.get(code, code)

    def refusal_reason(self, code: str) -> str:
        _ = self.gettext
        return {
            "public_order": _("Public order"),
            "national_security": _("National security"),
            "public_health": _("Public health"),
            "outside_scope": _("Outside the agreement's scope"),
            "not_transited_france": _("Did not come through France"),
            "transit_zone_only": _("Only in a border transit zone"),
            "request_out_of_time": _("Request out of time"),
            "minor": _("Minor"),
            "imbalance": _("Returns ahead of admissions"),
            "other": _("Other"),
        }.get(code, code)

    def legal_block(self, code: str) -> str:
        _ = self.gettext
        return {
            "protection_claim": _("Protection claim"),
            "human_rights_claim": _("Human rights claim"),
            "suspensive_appeal": _("Suspensive appeal"),
            "injunction": _("Injunction"),
            "nrm": _("Modern slavery referral (NRM)"),
        }.get(code, code)
