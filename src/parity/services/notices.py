"""Notices of suspension, termination or resumption of a scheme, given by either party (brief §10 rule 24)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from parity.domain.errors import InvalidCommand
from parity.domain.messages import Message
from parity.domain.notices import NoticeKind, SchemeNotice, SchemeTimeline
from parity.scheme.model import Scheme
from parity.services.context import Services, run_command
from parity.services.ports import UnitOfWork


@dataclass(frozen=True)
class GiveNotice:
    command_id: str
    actor: str
    scheme_id: str
    kind: NoticeKind
    given_by: str  # country code of the party giving notice
    reason: str


def scheme_timeline(uow: UnitOfWork, scheme: Scheme) -> SchemeTimeline:
    return SchemeTimeline(scheme, tuple(uow.notices.for_scheme(scheme.id)))


def give_notice(services: Services, command: GiveNotice) -> Mapping[str, Any]:
    """Record a notice now; it takes effect when its notice period ends. The log is append-only."""
    scheme = services.scheme(command.scheme_id)
    parties = {scheme.parties.returning.code, scheme.parties.readmitting.code}
    if command.given_by not in parties:
        named = ", ".join(sorted(parties))
        raise InvalidCommand(
            Message(
                "given_by: %(given_by)s is not a party to %(scheme)s (%(parties)s)",
                given_by=repr(command.given_by),
                scheme=scheme.id,
                parties=named,
            )
        )
    if not command.reason.strip():
        raise InvalidCommand(Message("reason: a notice must say why it is given"))

    def handle(uow: UnitOfWork) -> Mapping[str, Any]:
        now = services.clock.now()
        scheme_timeline(uow, scheme).check_can_give(command.kind, now)
        notice = SchemeNotice(
            id=services.new_id(),
            scheme_id=scheme.id,
            kind=command.kind,
            given_by=command.given_by,
            given_at=now,
            reason=command.reason,
            actor=command.actor,
            scheme_version=scheme.version,
        )
        uow.notices.add(notice)
        return {
            "notice_id": notice.id,
            "kind": notice.kind.value,
            "given_at": now.isoformat(),
            "effective_at": notice.effective_at(scheme).isoformat(),
        }

    request = {"scheme_id": scheme.id, "kind": command.kind.value, "by": command.given_by, "reason": command.reason}
    return run_command(services, command.command_id, "give_notice", request, handle)
