"""Expressions of interest: a family's application for admission, opened in an application window."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from parity.domain.admissions import AdmissionCase
from parity.domain.clocks import ClockRules
from parity.domain.eligibility import Applicant
from parity.domain.errors import InvalidCommand, NotEligible, SchemeClosed
from parity.domain.identity_links import RecordSource
from parity.domain.lifecycle import Action
from parity.domain.messages import Message, joined
from parity.domain.people import IdentityClaim, IdentityDocument, Sex
from parity.scheme.model import AdmissionExclusion
from parity.services.context import Services, run_command, scheme_ref
from parity.services.identity import PersonToCheck, index_and_check
from parity.services.intake import EARLIEST_BIRTH
from parity.services.notices import scheme_timeline
from parity.services.ports import UnitOfWork


@dataclass(frozen=True)
class ApplicantInput:
    given_names: str
    family_name: str
    date_of_birth: date
    nationality: str
    sex: Sex
    is_main_applicant: bool
    document_type: str
    document_number: str
    declared_exclusions: frozenset[AdmissionExclusion] = frozenset()


@dataclass(frozen=True)
class SubmitExpressionOfInterest:
    command_id: str
    actor: str
    scheme_id: str
    family_ref: str
    members: Sequence[ApplicantInput]


def submit_expression_of_interest(services: Services, command: SubmitExpressionOfInterest) -> Mapping[str, Any]:
    scheme = services.scheme(command.scheme_id)

    def handle(uow: UnitOfWork) -> Mapping[str, Any]:
        now = services.clock.now()
        today = ClockRules(scheme.timezone, scheme.calendars).local_date(now)
        impossible = [
            Message(
                "members.%(index)s.date_of_birth: is impossible: before %(earliest)s or after today, %(today)s",
                index=index,
                earliest=EARLIEST_BIRTH,
                today=today,
            )
            for index, member in enumerate(command.members)
            if not EARLIEST_BIRTH <= member.date_of_birth <= today
        ]
        if impossible:
            raise InvalidCommand(joined(impossible))
        closed = scheme_timeline(uow, scheme).closed_reason(today, now)
        if closed:
            raise SchemeClosed(Message("no expression of interest can be accepted: %(closed)s", closed=closed))
        window = scheme.window_on(today)
        if window is None:
            raise NotEligible(
                Message("no application window is open on %(day)s: the expression of interest is invalid", day=today)
            )
        # A family applies once, all its members in one expression of interest under one reference (rule 15). The
        # store's unique key on the reference stays as the backstop for two submissions at the same moment.
        if uow.admissions.case_of_family(command.family_ref) is not None:
            raise InvalidCommand(
                Message(
                    "family_ref %(family)s is already the reference of another expression of interest: a family "
                    "applies once, with all its members in one expression of interest (rule 15)",
                    family=command.family_ref,
                )
            )
        case = AdmissionCase(
            id=services.new_id(),
            family_ref=command.family_ref,
            window_id=window.id,
            submitted_at=now,
            members=tuple(_applicant(m, services.new_id()) for m in command.members),
        )
        action = Action("submit_expression_of_interest", now, command.actor, command.command_id, scheme_ref(scheme), {})
        case.record(action, scheme)
        uow.admissions.add(case, scheme.id)
        to_check = [PersonToCheck(m.id, case.id, m.identity) for m in case.members]
        flags = index_and_check(services, uow, RecordSource.ADMISSION, to_check, now)
        return {
            "case_id": case.id,
            "family_ref": case.family_ref,
            "status": case.status.value,
            "member_ids": [m.id for m in case.members],
            "version": case.version,
            "identity_flags": {member_id: ids for member_id, ids in flags.items() if ids},
        }

    request = {"family_ref": command.family_ref, "members": [asdict(m) for m in command.members]}
    return run_command(services, command.command_id, "submit_expression_of_interest", request, handle)


def _applicant(data: ApplicantInput, applicant_id: str) -> Applicant:
    identity = IdentityClaim(
        given_names=data.given_names,
        family_name=data.family_name,
        nationality=data.nationality,
        sex=data.sex,
        date_of_birth=data.date_of_birth,
        documents=(IdentityDocument(data.document_type, data.document_number),),
    )
    return Applicant(applicant_id, identity, data.is_main_applicant, data.declared_exclusions)
