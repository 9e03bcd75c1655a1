"""Words for the codes the domain uses (statuses, deadlines, reasons), in the reader's language.

Pages and downloads both read them from here, so a report and its spreadsheet always say the same thing. A code
the table does not know (a reason added by a newer scheme file) is shown as it is rather than hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from parity.domain.committee import Figure

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
            "decision_maker_reasons": _("Decision maker's own reasons (not counted by reason)"),
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

    def summary_figure(self, code: str) -> str:
        """A headline figure of the committee report (`parity.domain.committee.SUMMARY_FIGURES`)."""
        _ = self.gettext
        return {
            "returned": _("People returned"),
            "admitted": _("People admitted"),
            "clearances_issued": _("Entry clearances issued"),
            "clearances_released": _("Entry clearances given back unused"),
            "cumulative_returned": _("Returned since the start"),
            "cumulative_admitted": _("Admitted since the start"),
            "balance": _("Balance at the end of the week"),
            "tolerance": _("Tolerance"),
            "weekly_level": _("Weekly level"),
        }.get(code, code)

    def committee_figure(self, figure: Figure) -> str:
        """Where a figure stands in the committee report, in words: its row, then its column."""
        _ = self.gettext
        if figure.section == "summary":
            return self.summary_figure(figure.column)
        columns = {
            "met": _("Met"),
            "missed": _("Missed"),
            "cases": _("Cases"),
            "new": _("New this week"),
            "in_force": _("In force at the end of the week"),
        }
        if figure.section == "deadlines":
            case_type, deadline, _binding = figure.row  # a deadline's name says whether it binds or is a target
            row = _("%(deadline)s (%(case_type)s)") % {
                "deadline": self.deadline(deadline),
                "case_type": self.case_type(case_type),
            }
        elif figure.section == "refusals":
            case_type, reason = figure.row
            row = _("Refusals, %(reason)s (%(case_type)s)") % {
                "reason": self.refusal_reason(reason),
                "case_type": self.case_type(case_type),
            }
        else:
            row = self.legal_block(figure.row[0])
        return _("%(row)s: %(column)s") % {"row": row, "column": columns.get(figure.column, figure.column)}

    def action(self, code: str) -> str:
        """An action as the case's timeline records it."""
        _ = self.gettext
        return {
            "detect": _("Detected at intake"),
            "screen_eligible": _("Screened: eligible"),
            "screen_ineligible": _("Screened: not eligible"),
            "detain": _("Detained"),
            "send_request": _("Readmission request sent"),
            "escalate_overdue_reply": _("Reply overdue: escalated"),
            "extend_reply": _("Reply period extended"),
            "accept": _("Request accepted"),
            "refuse": _("Request refused"),
            "schedule_transfer": _("Transfer scheduled"),
            "cancel_transfer": _("Transfer cancelled"),
            "complete_transfer": _("Returned"),
            "record_legal_event": _("Legal event recorded"),
            "release_to_asylum_route": _("Released to the asylum route"),
            "record_absconded": _("Absconded"),
            "expire_request_deadline": _("Request deadline expired"),
            "decide_identity_match": _("Identity flag decided"),
            "flag_recrossing": _("Flagged as crossing again after a return"),
        }.get(code, code)

    def case_action(self, code: str, case_type: str | None = None) -> str:
        """An action of a return or an admission case (`case_type`), as its timeline records it. Without the case
        type, the words of the table that knows the code; a code both know under other words ('refuse') is left as
        it is."""
        if case_type == "return":
            return self.action(code)
        if case_type == "admission":
            return self.admission_action(code)
        as_return, as_admission = self.action(code), self.admission_action(code)
        if as_admission in {code, as_return}:  # only a return case knows it, or both alike
            return as_return
        return as_admission if as_return == code else code

    def action_button(self, code: str) -> str:
        """The button that takes an action (a removal is proposed for a second officer to approve)."""
        _ = self.gettext
        return {
            "detain": _("Detain"),
            "send_request": _("Send the readmission request"),
            "escalate_overdue_reply": _("Escalate the overdue reply"),
            "schedule_transfer": _("Propose the transfer"),
            "cancel_transfer": _("Cancel the transfer"),
            "complete_transfer": _("Record the return"),
            "record_legal_event": _("Record a legal event"),
            "release_to_asylum_route": _("Release to the asylum route"),
            "record_absconded": _("Record as absconded"),
            "expire_request_deadline": _("Close: request deadline expired"),
        }.get(code, code)

    def admission_action(self, code: str) -> str:
        """An action as an admission case's timeline records it."""
        _ = self.gettext
        return {
            "submit_expression_of_interest": _("Expression of interest submitted"),
            "confirm_location": _("Location confirmed"),
            "lapse_location": _("Location not confirmed in time"),
            "find_eligible": _("Found eligible"),
            "invite": _("Invited (selection approved)"),
            "enrol_biometrics": _("Biometrics enrolled"),
            "clear_security": _("Security checks cleared"),
            "issue_entry_clearance": _("Entry clearance issued"),
            "refuse": _("Entry clearance refused"),
            "record_arrival": _("Arrived"),
            "expire_entry_clearance": _("Entry clearance expired"),
            "withdraw": _("Withdrawn"),
            "record_exclusion": _("Exclusion recorded"),
            "record_priority_factor": _("Priority factor recorded"),
            "decide_identity_match": _("Identity flag decided"),
        }.get(code, code)

    def admission_action_button(self, code: str) -> str:
        """The button that takes an admission action (a grant or refusal is proposed for a second officer)."""
        _ = self.gettext
        return {
            "confirm_location": _("Confirm the location"),
            "lapse_location": _("Close: location not confirmed in time"),
            "find_eligible": _("Record as eligible"),
            "enrol_biometrics": _("Record biometrics enrolled"),
            "clear_security": _("Record security checks cleared"),
            "issue_entry_clearance": _("Propose entry clearance"),
            "refuse": _("Propose refusal"),
            "record_arrival": _("Record the arrival"),
            "expire_entry_clearance": _("Close: entry clearance expired"),
            "withdraw": _("Withdraw the application"),
            "record_exclusion": _("Record an exclusion"),
            "record_priority_factor": _("Record a priority factor"),
        }.get(code, code)

    def exclusion(self, code: str) -> str:
        _ = self.gettext
        return {
            "eea_national": _("EEA national"),
            "eea_family_member": _("Family member of an EEA national"),
            "protection_elsewhere": _("Protected in another state"),
            "stateless_elsewhere": _("Recognised as stateless elsewhere"),
            "host_state_residence_permit": _("Holds a residence permit of the host state"),
            "part9_grounds": _("Part 9 grounds for refusal"),
            "prior_irregular_entry": _("Entered the UK irregularly before"),
        }.get(code, code)

    def priority_factor(self, code: str) -> str:
        _ = self.gettext
        return {
            "high_grant_rate_nationality": _("Nationality with a high grant rate"),
            "prior_residence_or_visit": _("Lived in or visited the UK before"),
            "family_link": _("Family link in the UK"),
            "exploitation_risk": _("At risk of exploitation"),
            "vulnerability": _("Vulnerable"),
            "no_prior_irregular_attempt": _("No earlier irregular attempt"),
            "waiting_week": _("Weeks waiting"),
        }.get(code, code)

    def passed_over(self, code: str) -> str:
        """Why a family near the top of the ranking was not chosen."""
        _ = self.gettext
        return {
            "lower_score": _("Lower score"),
            "submitted_later": _("Same score, submitted later"),
            "nationality_limit_reached": _("Nationality limit reached"),
            "did_not_fit_remaining_places": _("Did not fit the places left"),
        }.get(code, code)

    def proposal_status(self, code: str) -> str:
        """Where a selection proposal stands."""
        _ = self.gettext
        return {
            "proposed": _("Awaiting approval"),
            "approved": _("Approved"),
            "superseded": _("Replaced by a newer proposal"),
        }.get(code, code)

    def sex(self, code: str) -> str:
        _ = self.gettext
        return {"F": _("Female"), "M": _("Male"), "U": _("Not known")}.get(code, code)

    def age_status(self, code: str) -> str:
        _ = self.gettext
        return {
            "adult": _("Adult"),
            "accompanied_minor": _("Accompanied minor"),
            "unaccompanied_minor": _("Unaccompanied minor"),
            "disputed": _("Age disputed"),
            "not_recorded": _("Not recorded"),
        }.get(code, code)

    def document_type(self, code: str) -> str:
        _ = self.gettext
        return {
            "passport": _("Passport"),
            "national_id": _("National identity card"),
            "travel_document": _("Other travel document"),
            "other": _("Other document"),
        }.get(code, code)

    def record_source(self, code: str) -> str:
        """Where a record in the identity index comes from."""
        _ = self.gettext
        return {"arrival": _("Small-boat arrival"), "admission": _("Expression of interest")}.get(code, code)

    def flag_status(self, code: str) -> str:
        _ = self.gettext
        return {
            "pending": _("Awaiting a decision"),
            "same_person": _("Same person"),
            "not_same_person": _("Not the same person"),
        }.get(code, code)

    def match_basis(self, code: str) -> str:
        _ = self.gettext
        return {"match_weight": _("Match weight"), "biometric": _("Fingerprint references agree")}.get(code, code)

    def match_field(self, code: str) -> str:
        """A field the identity matcher compares."""
        _ = self.gettext
        return {
            "name": _("Name"),
            "dob": _("Date of birth"),
            "nationality": _("Nationality"),
            "sex": _("Sex"),
            "document_number": _("Document number"),
        }.get(code, code)

    def match_level(self, code: str) -> str:
        """How two records compared on one field: the identity model's own comparison levels."""
        _ = self.gettext
        return {
            "name missing": _("Name missing"),
            "same name": _("Same name"),
            "same names, other order or spacing": _("Same names, in another order or spacing"),
            "transliteration variant": _("Transliteration variant"),
            "one name contains the other": _("One name contains the other"),
            "one-letter difference": _("One letter differs"),
            "one-letter difference after transliteration": _("One letter differs after transliteration"),
            "two names shared": _("Two names shared"),
            "one name shared": _("One name shared"),
            "different names": _("Different names"),
            "date of birth unknown": _("Date of birth unknown"),
            "same date": _("Same date"),
            "same 1 January placeholder": _("Same 1 January placeholder"),
            "same year, one a placeholder": _("Same year, one date a placeholder"),
            "placeholders one year apart": _("Placeholders one year apart"),
            "one digit or day and month swapped": _("One digit differs, or day and month swapped"),
            "within two years": _("Within two years"),
            "different dates": _("Different dates"),
            "nationality missing": _("Nationality missing"),
            "same nationality": _("Same nationality"),
            "different nationality": _("Different nationality"),
            "sex missing": _("Sex missing"),
            "same sex": _("Same sex"),
            "different sex": _("Different sex"),
            "document missing": _("Document missing"),
            "same document": _("Same document"),
            "one character differs": _("One character differs"),
            "different document": _("Different document"),
        }.get(code, code)

    def ground(self, code: str) -> str:
        """A ground on which a small-boat arrival falls within the agreement (treaty Art. 3)."""
        _ = self.gettext
        return {
            "protection_claim": _("Made a protection claim"),
            "apprehended": _("Apprehended on arrival"),
            "sea_rescue": _("Rescued at sea"),
        }.get(code, code)

    def choice(self, field: str, code: str) -> str:
        """One of the codes a form's field offers, in words."""
        named = {"exclusion": self.exclusion, "factor": self.priority_factor}.get(field)
        return named(code) if named else code

    def detail(self, action: str, field: str, value: Any) -> Any:
        """A value of an action's details on a case's timeline: a code chosen from one of the lists above, in words
        (free text, and a code no list knows, as it is)."""
        named = {
            ("refuse", "reason"): self.refusal_reason,
            ("record_legal_event", "kind"): self.legal_block,
            ("record_exclusion", "exclusion"): self.exclusion,
            ("record_priority_factor", "factor"): self.priority_factor,
            ("issue_entry_clearance", "conditions"): self.grant_condition,
        }.get((action, field))
        if named and isinstance(value, list):
            return [named(code) if isinstance(code, str) else code for code in value]
        if (action, field) == ("enrol_biometrics", "documents_presented") and isinstance(value, list):
            # Accepted only when each matched stage 1 (rule 18), so the count says all; the numbers stay off the page.
            return self.gettext("%(count)s, each the one given at stage 1") % {"count": len(value)}
        return named(value) if named and isinstance(value, str) else value

    def grant_condition(self, code: str) -> str:
        _ = self.gettext
        return {
            "no_work": _("No work"),
            "no_recourse_to_public_funds": _("No recourse to public funds"),
        }.get(code, code)

    def field(self, code: str) -> str:
        _ = self.gettext
        return {
            "flight_ref": _("Flight reference"),
            "departs_at": _("Departure"),
            "kind": _("Kind"),
            "state": _("State"),
            "decided_on": _("Decided on"),
            "evidence": _("Evidence"),
            "reason": _("Reason"),
            "reasons": _("Reasons"),
            "conditions": _("Conditions"),
            "boat_ref": _("Boat"),
            "country": _("Country"),
            "confirmed_member_ids": _("Adults who confirmed their location"),
            "documents_presented": _("Documents shown at the visa centre"),
            "member_id": _("Family member"),
            "exclusion": _("Exclusion"),
            "factor": _("Priority factor"),
            "proposal_id": _("Selection proposal"),
        }.get(code, code)
