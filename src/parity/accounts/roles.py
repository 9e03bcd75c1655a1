"""Roles and scopes: one scope per kind of action, each role a fixed set of scopes (least privilege).

Data minimisation (treaty Art. 16, brief §2 and §10 rule 25): the French liaison officer reads only the minimised
readmission view and may send back only an answer and its reason; the joint committee and analysts see aggregates
only; the administrator manages accounts and reads the audit log but sees no personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from parity.domain.errors import InvalidCommand
from parity.domain.messages import Message


class Role(StrEnum):
    UK_CASEWORKER = "uk-caseworker"
    UK_SUPERVISOR = "uk-supervisor"
    FR_LIAISON = "fr-liaison"
    COMMITTEE_MEMBER = "committee-member"
    INSPECTOR = "inspector"
    ANALYST = "analyst"
    ADMINISTRATOR = "administrator"


class Scope(StrEnum):
    SCHEMES_READ = "schemes:read"  # scheme files in force: public policy, no personal data
    LEDGER_READ = "ledger:read"  # weekly parity ledger: aggregates
    REPORTS_READ = "reports:read"  # case counts and other aggregates
    COMMITTEE_SIGN_OFF = "committee:sign-off"  # record the Joint Committee's agreement to a week's figures
    DEADLINES_READ = "deadlines:read"  # the deadline board: case ids, statuses and clocks
    ARRIVALS_WRITE = "arrivals:write"  # record arrivals, import arrivals files
    RETURNS_READ = "returns:read"  # return cases in full (with personal-data:read)
    RETURNS_ACT = "returns:act"  # take actions on return cases, propose removals
    RETURNS_APPROVE = "returns:approve"  # approve or reject a proposed removal (never one's own)
    READMISSION_READ = "readmission:read"  # the minimised view of requests awaiting the readmitting state's answer
    READMISSION_ANSWER = "readmission:answer"  # answer a readmission request: accept, refuse, extend
    ADMISSIONS_READ = "admissions:read"
    ADMISSIONS_ACT = "admissions:act"  # submit expressions of interest, take actions, propose decisions
    ADMISSIONS_APPROVE = "admissions:approve"  # approve or reject a proposed admission decision (never one's own)
    SELECTION_PROPOSE = "selection:propose"
    SELECTION_APPROVE = "selection:approve"
    PERSONAL_DATA_READ = "personal-data:read"  # see names, dates of birth, documents and case histories
    AUDIT_READ = "audit:read"  # read and verify the audit log
    USERS_ADMIN = "users:admin"  # create and disable users, issue and revoke tokens


_EVERYONE = frozenset({Scope.SCHEMES_READ, Scope.LEDGER_READ})
_AGGREGATES = _EVERYONE | {Scope.REPORTS_READ}
_CASEWORK = _EVERYONE | {
    Scope.DEADLINES_READ,
    Scope.ARRIVALS_WRITE,
    Scope.RETURNS_READ,
    Scope.RETURNS_ACT,
    Scope.ADMISSIONS_READ,
    Scope.ADMISSIONS_ACT,
    Scope.SELECTION_PROPOSE,
    Scope.PERSONAL_DATA_READ,
}

ROLE_SCOPES: dict[Role, frozenset[Scope]] = {
    Role.UK_CASEWORKER: _CASEWORK,
    Role.UK_SUPERVISOR: _CASEWORK
    | {Scope.RETURNS_APPROVE, Scope.ADMISSIONS_APPROVE, Scope.SELECTION_APPROVE, Scope.REPORTS_READ},
    Role.FR_LIAISON: _EVERYONE | {Scope.READMISSION_READ, Scope.READMISSION_ANSWER},
    Role.COMMITTEE_MEMBER: _AGGREGATES | {Scope.COMMITTEE_SIGN_OFF},
    Role.INSPECTOR: _AGGREGATES
    | {
        Scope.DEADLINES_READ,
        Scope.RETURNS_READ,
        Scope.ADMISSIONS_READ,
        Scope.PERSONAL_DATA_READ,
        Scope.AUDIT_READ,
    },
    Role.ANALYST: _AGGREGATES,
    Role.ADMINISTRATOR: _AGGREGATES | {Scope.USERS_ADMIN, Scope.AUDIT_READ},
}

# Everyone who sees personal data needs a second factor; so does the administrator, who can create such users.
ROLES_NEEDING_TOTP = frozenset(
    {Role.UK_CASEWORKER, Role.UK_SUPERVISOR, Role.FR_LIAISON, Role.INSPECTOR, Role.ADMINISTRATOR}
)


def needs_totp(role: Role) -> bool:
    return role in ROLES_NEEDING_TOTP


def parse_scopes(names: list[str] | tuple[str, ...], role: Role) -> frozenset[Scope]:
    """Scopes named for an API token: each must exist and be held by the role (a token never widens a role)."""
    known = {s.value for s in Scope}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InvalidCommand(
            Message(
                "unknown scope(s): %(unknown)s (known: %(known)s)",
                unknown=", ".join(unknown),
                known=", ".join(sorted(known)),
            )
        )
    wanted = frozenset(Scope(n) for n in names)
    beyond = wanted - ROLE_SCOPES[role]
    if beyond:
        raise InvalidCommand(
            Message(
                "role %(role)s does not hold scope(s): %(scopes)s", role=role.value, scopes=", ".join(sorted(beyond))
            )
        )
    return wanted


@dataclass(frozen=True)
class Principal:
    """Who is acting: a signed-in user (browser session) or a machine client (API token, narrowed scopes)."""

    user_id: str
    username: str
    role: Role
    scopes: frozenset[Scope]
    via: Literal["session", "token"]

    def has(self, scope: Scope) -> bool:
        return scope in self.scopes
