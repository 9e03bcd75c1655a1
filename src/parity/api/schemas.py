"""Request and response bodies. Requests refuse unknown fields and wrong types (422, naming the field); text is
bounded. Each model carries an example, so every operation in /openapi.json has one."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool, StrictInt

from parity.accounts.roles import Role, Scope
from parity.domain.people import AgeStatus, Sex
from parity.scheme.model import AdmissionExclusion, ReturnGround
from parity.services.intake import (
    BOAT_TEXT_LIMITS,
    DEPARTED_FROM_PATTERN,
    MOST_GROUNDS,
    MOST_PEOPLE_PER_BOAT,
    NAME_LENGTH,
    NATIONALITY_PATTERN,
    PERSON_TEXT_LIMITS,
    REF_LENGTH,
)

# An arrival's limits are intake's (`parity.services.intake`), which the CSV reader and the service check too.
Name = Field(min_length=1, max_length=NAME_LENGTH)
Country3 = Field(pattern=NATIONALITY_PATTERN, description="ISO 3166-1 alpha-3")
CASE_ID = "6f1c2a9e-3b1d-4a8e-9c55-0d2b7e4f1a20"


def _request(value: dict[str, Any]) -> ConfigDict:
    """Requests: unknown fields are refused (422, naming them), so a typo never passes silently."""
    return ConfigDict(extra="forbid", json_schema_extra={"examples": [value]})


def _response(value: dict[str, Any]) -> ConfigDict:
    """Responses: only the documented fields go out; anything else a service adds stays in."""
    return ConfigDict(extra="ignore", json_schema_extra={"examples": [value]})


class SignIn(BaseModel):
    model_config = _request({"username": "a.caseworker", "password": "correct horse battery", "totp": "492039"})
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    totp: str | None = Field(default=None, pattern=r"^\d{6}$", description="The 6-digit code of the second factor")


class SessionOut(BaseModel):
    model_config = _response(
        {
            "user_id": "2d3f…",
            "username": "a.caseworker",
            "role": "uk-caseworker",
            "scopes": ["returns:read"],
            "via": "session",
            "csrf_token": "9a0c…",
            "expires_at": "2025-09-01T20:00:00+00:00",
        }
    )
    user_id: str
    username: str
    role: Role
    scopes: list[Scope]
    via: Literal["session", "token"]
    csrf_token: str | None = Field(default=None, description="Send in X-CSRF-Token with every unsafe request")
    expires_at: datetime | None = None


class PersonIn(BaseModel):
    model_config = _request(
        {
            "given_names": "Yonas",
            "family_name": "Tesfay",
            "nationality": "ERI",
            "sex": "M",
            "age_status": "adult",
            "grounds": ["protection_claim"],
            "departed_from": "FR",
            "transit_evidence": "Interview: stayed in Dunkirk camp",
        }
    )
    given_names: str = Field(min_length=1, max_length=PERSON_TEXT_LIMITS["given_names"])
    family_name: str = Field(min_length=1, max_length=PERSON_TEXT_LIMITS["family_name"])
    nationality: str = Country3
    sex: Sex
    age_status: AgeStatus
    grounds: list[ReturnGround] = Field(min_length=1, max_length=MOST_GROUNDS)
    departed_from: str | None = Field(default=None, pattern=DEPARTED_FROM_PATTERN)
    date_of_birth: date | None = Field(
        default=None, description="Not before 1900 nor after the arrival (refused with 422 `invalid_command`)"
    )
    transit_evidence: str | None = Field(default=None, max_length=PERSON_TEXT_LIMITS["transit_evidence"])
    family_group: str | None = Field(default=None, max_length=PERSON_TEXT_LIMITS["family_group"])
    document_type: str | None = Field(default=None, max_length=PERSON_TEXT_LIMITS["document_type"])
    document_number: str | None = Field(default=None, max_length=PERSON_TEXT_LIMITS["document_number"])
    biometric_ref: str | None = Field(default=None, max_length=PERSON_TEXT_LIMITS["biometric_ref"])


class ArrivalIn(BaseModel):
    model_config = _request(
        {
            "scheme_id": "uk-fr-2025",
            "boat_ref": "SB-2025-09-01-03",
            "arrived_at": "2025-09-01T04:10:00+01:00",
            "place": "Dover",
            "people": [PersonIn.model_config["json_schema_extra"]["examples"][0]],  # type: ignore[index]
        }
    )
    scheme_id: str = Field(min_length=1, max_length=64)
    boat_ref: str = Field(
        min_length=1,
        max_length=BOAT_TEXT_LIMITS["boat_ref"],
        description="Names one boat in the scheme: a boat already recorded is refused (422 `invalid_command`)",
    )
    arrived_at: AwareDatetime = Field(
        description="Not in the future, nor more than five years before the scheme came into force (422)"
    )
    place: str = Field(min_length=1, max_length=BOAT_TEXT_LIMITS["place"])
    people: list[PersonIn] = Field(min_length=1, max_length=MOST_PEOPLE_PER_BOAT)


class ScreenedCase(BaseModel):
    case_id: str
    person_id: str
    status: str
    reasons: list[str]


class ArrivalOut(BaseModel):
    model_config = _response(
        {
            "arrival_id": "a1b2…",
            "cases": [{"case_id": CASE_ID, "person_id": "p1…", "status": "eligible", "reasons": []}],
        }
    )
    arrival_id: str
    cases: list[ScreenedCase]


class ImportOut(BaseModel):
    model_config = _response({"arrivals": 12, "people": 431, "eligible": 402, "ineligible": 29})
    arrivals: int
    people: int
    eligible: int
    ineligible: int


class CaseActionIn(BaseModel):
    model_config = _request({"action": "send_request", "payload": {}})
    action: str = Field(min_length=1, max_length=64, pattern=r"^[a-z_]+$")
    payload: dict[str, Any] = Field(default_factory=dict, description="The action's details, as its rule needs them")


class CaseActionOut(BaseModel):
    model_config = _response({"case_id": CASE_ID, "status": "request_sent", "version": 3})
    case_id: str
    status: str
    version: int
    family_moved_with: list[str] | None = None


class ReadmissionAnswerIn(BaseModel):
    """Only the answer and its reason: no personal data travels from the readmitting state (treaty Art. 16)."""

    model_config = _request({"answer": "refuse", "reason": "public_order"})
    answer: Literal["accept", "refuse", "extend"]
    reason: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Required to refuse (one of the scheme's refusal reasons) or extend (why the case is exceptional)",
    )


class ProposalIn(BaseModel):
    model_config = _request(
        {"action": "schedule_transfer", "payload": {"departs_at": "2025-09-10T09:00:00+00:00", "flight_ref": "RM-19"}}
    )
    action: str = Field(min_length=1, max_length=64, pattern=r"^[a-z_]+$")
    payload: dict[str, Any] = Field(default_factory=dict)


class ProposalOut(BaseModel):
    model_config = _response(
        {
            "proposal_id": "9e2f…",
            "case_type": "return",
            "case_id": CASE_ID,
            "action": "schedule_transfer",
            "payload": {"departs_at": "2025-09-10T09:00:00+00:00", "flight_ref": "RM-19"},
            "case_version": 4,
            "status": "proposed",
            "proposed_by": "2d3f…",
            "proposed_at": "2025-09-05T10:00:00+00:00",
            "decided_by": None,
            "decided_at": None,
        }
    )
    proposal_id: str
    case_type: str
    case_id: str
    action: str
    payload: dict[str, Any]
    case_version: int
    status: str
    proposed_by: str
    proposed_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    case: CaseActionOut | None = Field(default=None, description="The case after the approved action")


class ApplicantIn(BaseModel):
    model_config = _request(
        {
            "given_names": "Mariam",
            "family_name": "Ahmadi",
            "date_of_birth": "1990-04-01",
            "nationality": "AFG",
            "sex": "F",
            "is_main_applicant": True,
            "document_type": "passport",
            "document_number": "P1234567",
        }
    )
    given_names: str = Name
    family_name: str = Name
    date_of_birth: date = Field(
        description="Not before 1900 nor after today in the scheme's zone (refused with 422 `invalid_command`)"
    )
    nationality: str = Country3
    sex: Sex
    is_main_applicant: StrictBool
    document_type: str = Field(min_length=1, max_length=40)
    document_number: str = Field(min_length=1, max_length=64)
    declared_exclusions: list[AdmissionExclusion] = Field(default_factory=list, max_length=10)


class ExpressionOfInterestIn(BaseModel):
    model_config = _request(
        {
            "scheme_id": "uk-fr-2025",
            "family_ref": "FAM-2025-0042",
            "members": [ApplicantIn.model_config["json_schema_extra"]["examples"][0]],  # type: ignore[index]
        }
    )
    scheme_id: str = Field(min_length=1, max_length=64)
    family_ref: str = Field(
        min_length=1,
        max_length=REF_LENGTH,
        description="The family's reference, shared by the members applying together here: one already used by "
        "another expression of interest is refused (422 `invalid_command`)",
    )
    members: list[ApplicantIn] = Field(min_length=1, max_length=20)


class ExpressionOfInterestOut(BaseModel):
    model_config = _response(
        {"case_id": CASE_ID, "family_ref": "FAM-2025-0042", "status": "submitted", "member_ids": ["m1…"], "version": 1}
    )
    case_id: str
    family_ref: str
    status: str
    member_ids: list[str]
    version: int


class UserIn(BaseModel):
    model_config = _request({"username": "b.supervisor", "role": "uk-supervisor", "password": "a long passphrase"})
    username: str = Field(min_length=3, max_length=64)
    role: Role
    password: str = Field(min_length=1, max_length=1024)
    totp: StrictBool = Field(default=False, description="Enrol a second factor even where the role does not need one")


class UserOut(BaseModel):
    model_config = _response(
        {
            "user_id": "2d3f…",
            "username": "b.supervisor",
            "role": "uk-supervisor",
            "disabled": False,
            "locked_until": None,
            "totp_enrolled": True,
            "created_at": "2025-09-01T08:00:00+00:00",
        }
    )
    user_id: str
    username: str
    role: Role
    disabled: bool
    locked_until: datetime | None
    totp_enrolled: bool
    created_at: datetime


class CreatedUserOut(BaseModel):
    model_config = _response(
        {
            "user_id": "2d3f…",
            "username": "b.supervisor",
            "role": "uk-supervisor",
            "totp_secret": "JBSWY3DPEHPK3PXP",
            "totp_uri": "otpauth://totp/Parity:b.supervisor?secret=JBSWY3DPEHPK3PXP&issuer=Parity",
        }
    )
    user_id: str
    username: str
    role: Role
    totp_secret: str | None = Field(description="Shown once, for the authenticator app; null on a replay")
    totp_uri: str | None


class TokenIn(BaseModel):
    model_config = _request({"label": "nightly statistics export", "scopes": ["ledger:read"], "days": 30})
    label: str = Field(min_length=1, max_length=100)
    scopes: list[Scope] | None = Field(default=None, description="Default: every scope of the user's role")
    days: StrictInt = Field(default=90, ge=1, le=366)


class TokenOut(BaseModel):
    model_config = _response(
        {
            "token_id": "7a1e…",
            "user_id": "2d3f…",
            "label": "nightly statistics export",
            "scopes": ["ledger:read"],
            "created_at": "2025-09-01T08:00:00+00:00",
            "expires_at": "2025-10-01T08:00:00+00:00",
            "revoked_at": None,
            "token": "pty_…",
        }
    )
    token_id: str
    user_id: str
    label: str | None = None
    scopes: list[str]
    created_at: datetime | None = None
    expires_at: datetime
    revoked_at: datetime | None = None
    token: str | None = Field(default=None, description="The token itself: shown once, when issued")


class DoneOut(BaseModel):
    model_config = _response({"id": "7a1e…", "done": True})
    id: str
    done: bool


class SchemeSummary(BaseModel):
    model_config = _response({"id": "uk-fr-2025", "version": "4be1…", "name": "UK-France one in, one out pilot"})
    id: str
    version: str
    name: str


class AuditEntryOut(BaseModel):
    model_config = _response(
        {
            "seq": 42,
            "at": "2025-09-01T08:00:00+00:00",
            "actor_id": "2d3f…",
            "role": "uk-caseworker",
            "action": "return:send_request",
            "record_ids": [CASE_ID],
            "origin": "api 10.0.0.7 (session)",
            "outcome": "done",
            "command_id": "2d3f…:0b8e8f2c",
            "prev_hash": "9f86…",
            "hash": "a3c5…",
        }
    )
    seq: int
    at: datetime
    actor_id: str
    role: str
    action: str
    record_ids: list[str]
    origin: str
    outcome: str
    command_id: str | None
    prev_hash: str
    hash: str


class VerificationOut(BaseModel):
    model_config = _response({"ok": True, "checked": 1200, "checkpoints": 1, "first_bad": None, "reason": None})
    ok: bool
    checked: int
    checkpoints: int
    first_bad: int | None
    reason: str | None


# --- Admissions selection (issue 7): a proposal of families to invite, approved by another person ---------------
PROPOSAL_ID = "3c9d7b1e-52a4-4f0e-8d6b-2a7f19c0e5d4"
SECOND_CASE_ID = "0a4e6d2c-7f18-4b3a-9e61-5c2d8b7f3e90"
CaseIdIn = Annotated[str, Field(min_length=1, max_length=64)]


class SelectionProposalIn(BaseModel):
    model_config = _request({"scheme_id": "uk-fr-2025", "places": 25, "method": "mip"})
    scheme_id: str = Field(min_length=1, max_length=64)
    places: StrictInt | None = Field(
        default=None,
        ge=1,
        le=100_000,
        description="People to invite (not families); default: what the ledger releases now, less the people "
        "invited and awaiting entry clearance. More than that is refused (409 ledger_limit).",
    )
    method: Literal["mip", "greedy"] = Field(default="mip", description="mip: proven optimum (HiGHS); greedy: ranking")
    window_id: str | None = Field(
        default=None, min_length=1, max_length=64, description="Select from this application window only"
    )


class SelectionApprovalIn(BaseModel):
    model_config = _request({"remove": [SECOND_CASE_ID], "add": [CASE_ID], "reason": "family link evidence arrived"})
    remove: list[CaseIdIn] = Field(default_factory=list, max_length=500, description="Case ids to take out")
    add: list[CaseIdIn] = Field(default_factory=list, max_length=500, description="Case ids of waiting families to add")
    reason: str | None = Field(
        default=None, min_length=1, max_length=2000, description="Required when anything is removed or added"
    )


class ScorePart(BaseModel):
    factor: str
    points: float
    reason: str


class RankedFamily(BaseModel):
    rank: int
    application_id: str = Field(description="The family application's admission case id")
    family_ref: str
    size: int = Field(description="People in the family: each fills one place")
    score: float
    breakdown: list[ScorePart]


class PassedOverFamily(RankedFamily):
    reason: Literal["nationality_limit_reached", "lower_score", "submitted_later", "did_not_fit_remaining_places"]
    detail: str


class BarredFamily(BaseModel):
    application_id: str
    family_ref: str
    bars: list[str] = Field(description="Why the family may no longer be admitted (rules 15-16)")


class SolverOut(BaseModel):
    method: str
    status: str
    proven_optimal: bool
    gap: float | None
    seconds: float
    solver: str


class SelectionApprovalOut(BaseModel):
    approved_by: str = Field(description="The approver's user id")
    approved_at: datetime
    removed: list[str]
    added: list[str]
    reason: str | None
    invited: list[str] = Field(description="Case ids of the families invited, in ranking order")


HIGH_GRANT_RATE_REASON = "main applicant's nationality AFG has a high grant rate"
WAITING_REASON = "0 whole week(s) waiting since 2025-09-05"
SELECTION_PROPOSAL_EXAMPLE: dict[str, Any] = {
    "proposal_id": PROPOSAL_ID,
    "scheme_id": "uk-fr-2025",
    "scheme_version": "4be1…",
    "status": "approved",
    "method": "mip",
    "solver": {
        "method": "mip",
        "status": "Optimal",
        "proven_optimal": True,
        "gap": 0.0,
        "seconds": 0.02,
        "solver": "highs",
    },
    "solver_status": "Optimal",
    "objective": 16.0,
    "inputs_hash": "7d0e…",
    "as_of": "2025-09-08",
    "window_id": None,
    "places": 4,
    "places_filled": 4,
    "candidates_considered": 2,
    "not_chosen_count": 1,
    "chosen": [
        {
            "rank": 1,
            "application_id": CASE_ID,
            "family_ref": "FAM-2025-0042",
            "size": 4,
            "score": 4.0,
            "breakdown": [
                {"factor": "high_grant_rate_nationality", "points": 4.0, "reason": HIGH_GRANT_RATE_REASON},
                {"factor": "waiting_week", "points": 0.0, "reason": WAITING_REASON},
            ],
        }
    ],
    "passed_over": [
        {
            "rank": 2,
            "application_id": SECOND_CASE_ID,
            "family_ref": "FAM-2025-0043",
            "size": 2,
            "score": 0.0,
            "breakdown": [{"factor": "waiting_week", "points": 0.0, "reason": WAITING_REASON}],
            "reason": "lower_score",
            "detail": "ranks below every chosen family; 0 place(s) left, too few for 2",
        }
    ],
    "not_considered": [],
    "proposed_by": "2d3f…",
    "proposed_at": "2025-09-08T09:00:00+00:00",
    "superseded_by": None,
    "approval": {
        "approved_by": "8b1c…",
        "approved_at": "2025-09-08T11:30:00+00:00",
        "removed": [],
        "added": [],
        "reason": None,
        "invited": [CASE_ID],
    },
}


class SelectionProposalOut(BaseModel):
    """A selection round: the families chosen and why, the best of the others and why not, and its approval."""

    model_config = _response(SELECTION_PROPOSAL_EXAMPLE)
    proposal_id: str
    scheme_id: str
    scheme_version: str
    status: Literal["proposed", "approved", "superseded"]
    method: str
    solver: SolverOut
    solver_status: str
    objective: float = Field(description="Total priority: the sum over chosen families of size x score")
    inputs_hash: str = Field(description="SHA-256 of the round's inputs: the same inputs give the same selection")
    as_of: date
    window_id: str | None
    places: int
    places_filled: int
    candidates_considered: int
    not_chosen_count: int
    chosen: list[RankedFamily]
    passed_over: list[PassedOverFamily]
    not_considered: list[BarredFamily] = Field(description="Eligible families barred since, left out of the round")
    proposed_by: str = Field(description="The proposer's user id")
    proposed_at: datetime
    superseded_by: str | None
    approval: SelectionApprovalOut | None


FLAG_ID = "c1b9e7a2-52f0-4d8a-b1f3-6a0e9d2c4b71"
FLAGGED_RECORD_EXAMPLE = {"record_id": "a1f0…", "source": "arrival", "case_id": CASE_ID, "returned": False}
IDENTITY_FLAG_EXAMPLE: dict[str, Any] = {
    "flag_id": FLAG_ID,
    "status": "pending",
    "record": FLAGGED_RECORD_EXAMPLE,
    "candidate": {**FLAGGED_RECORD_EXAMPLE, "record_id": "77c2…", "case_id": SECOND_CASE_ID, "returned": True},
    "model_version": "2026-11-24.1",
    "match_weight": 14.2,
    "match_probability": 0.9999,
    "basis": "match_weight",
    "contributions": {"names": 9.1, "date_of_birth": 6.0, "nationality": 1.2, "sex": -2.1},
    "levels": {"names": "same canonical tokens", "date_of_birth": "exact", "nationality": "exact", "sex": "differs"},
    "raised_at": "2025-10-18T09:12:00Z",
    "decision": None,
}


class FlaggedRecordOut(BaseModel):
    record_id: str
    source: Literal["arrival", "admission"] = Field(description="A small-boat arrival, or an admission applicant")
    case_id: str = Field(description="The return case (arrival) or admission case the record belongs to")
    returned: bool = Field(description="Whether that return case ended with the person returned")


class FlagDecisionOut(BaseModel):
    same_person: bool
    actor: str = Field(description="The deciding user's id")
    reason: str
    decided_at: datetime


class IdentityFlagOut(BaseModel):
    """A possible earlier record of the same person, with the model's evidence: no names, only weights."""

    model_config = _response(IDENTITY_FLAG_EXAMPLE)
    flag_id: str
    status: Literal["pending", "same_person", "not_same_person"]
    record: FlaggedRecordOut = Field(description="The new record, checked at intake or expression of interest")
    candidate: FlaggedRecordOut = Field(description="The earlier record the matcher proposes")
    model_version: str = Field(description="The identity model that raised the flag; stored with the decision")
    match_weight: float = Field(description="log2 Bayes factor: each field's contribution added up")
    match_probability: float
    basis: Literal["match_weight", "biometric"]
    contributions: dict[str, float] = Field(description="Each field's share of the match weight")
    levels: dict[str, str] = Field(description="The comparison level each field fell in")
    raised_at: datetime
    decision: FlagDecisionOut | None


class IndexedPersonOut(BaseModel):
    given_names: str
    family_name: str
    date_of_birth: date | None
    nationality: str | None
    sex: str | None
    document_number: str | None
    biometric_id: str | None


class IdentityFlagEvidenceOut(IdentityFlagOut):
    """The flag with both records as indexed, side by side (null once anonymised under retention)."""

    model_config = _response(
        {
            **IDENTITY_FLAG_EXAMPLE,
            "record_person": {
                "given_names": "Mohammad Reza",
                "family_name": "Karimi",
                "date_of_birth": "1994-01-01",
                "nationality": "IRN",
                "sex": "M",
                "document_number": None,
                "biometric_id": None,
            },
            "candidate_person": None,
        }
    )
    record_person: IndexedPersonOut | None
    candidate_person: IndexedPersonOut | None


class IdentityDecisionIn(BaseModel):
    model_config = _request({"same_person": True, "reason": "Same fingerprints on IDENT1; photo matches"})
    same_person: StrictBool = Field(description="true: the same person; false: not the same person")
    reason: str = Field(min_length=1, max_length=2000, description="Why, in words an inspector can check")


class DecidedCaseOut(BaseModel):
    case_id: str
    action: str = Field(description="decide_identity_match, then flag_recrossing or record_exclusion if it follows")
    recorded: bool = Field(description="false when the case was already closed and took no new action")
    status: str
    version: int | None = None
    expedited: bool | None = Field(default=None, description="On a return case: flagged for expedited return")


class IdentityDecisionOut(BaseModel):
    model_config = _response(
        {
            "flag_id": FLAG_ID,
            "status": "same_person",
            "model_version": "2026-11-24.1",
            "cases": [
                {
                    "case_id": CASE_ID,
                    "action": "decide_identity_match",
                    "recorded": True,
                    "status": "detained",
                    "version": 4,
                    "expedited": False,
                },
                {
                    "case_id": CASE_ID,
                    "action": "flag_recrossing",
                    "recorded": True,
                    "status": "detained",
                    "version": 5,
                    "expedited": True,
                },
            ],
        }
    )
    flag_id: str
    status: Literal["same_person", "not_same_person"]
    model_version: str
    cases: list[DecidedCaseOut]
