"""Case histories and the transition tables that read them.

A case is an append-only list of actions; its status is derived by replaying them through its table. The table
says which action may follow which status, who takes it and the status it leads to. Anything not in the table
raises `IllegalTransition`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from parity.domain.errors import IllegalTransition, InvalidCommand, UnknownAction
from parity.domain.messages import Message
from parity.domain.payloads import check_field_names

S = TypeVar("S", bound=StrEnum)


@dataclass(frozen=True)
class SchemeRef:
    """The scheme version a decision was taken under."""

    id: str
    version: str


@dataclass(frozen=True)
class Action:
    """One entry of a case history. Never edited or removed once recorded."""

    kind: str
    at: datetime
    actor: str
    command_id: str
    scheme: SchemeRef
    payload: Mapping[str, Any] = field(default_factory=dict)


class Taker(StrEnum):
    """Who takes an action, and so the only way in for it: a UK officer acting on a case takes only OFFICER ones."""

    OFFICER = "officer"  # a UK officer, directly on the case
    TWO_OFFICERS = "two_officers"  # proposed by one UK officer, carried out when another approves it
    READMITTING_STATE = "readmitting_state"  # the readmitting state's liaison officer, answering a request
    IDENTITY_REVIEW = "identity_review"  # an officer deciding an identity flag, on the flag
    SCREENING = "screening"  # Parity, when it records an arrival or an expression of interest and screens it
    SELECTION = "selection"  # an approved selection round (issue 7)


@dataclass(frozen=True)
class Transition(Generic[S]):
    action: str
    sources: frozenset[S]
    target: S | None  # None: the status does not change (the action records a fact)
    taken_by: Taker = Taker.OFFICER
    # The payload fields it takes: its guard reads them. Any other is refused, so that nothing the rules do not
    # know (and the store would not know to encrypt as free text) is kept.
    fields: frozenset[str] = frozenset()


class TransitionTable(Generic[S]):
    def __init__(self, initial: S, transitions: Iterable[Transition[S]]) -> None:
        self.initial = initial
        self.transitions = {t.action: t for t in transitions}

    def known(self, action: str) -> Transition[S]:
        """The transition of `action`; an action the table does not know is refused, naming those it does."""
        found = self.transitions.get(action)
        if found is None:
            raise UnknownAction(
                Message(
                    "'%(action)s' is not an action of this case type (known: %(known)s)",
                    action=action,
                    known=", ".join(self.transitions),
                )
            )
        return found

    def transition(self, status: S, action: str) -> Transition[S]:
        found = self.known(action)
        if status not in found.sources:
            allowed = sorted(self.allowed(status))
            raise IllegalTransition(
                Message(
                    "'%(action)s' is not allowed while the case is %(status)s (allowed: %(allowed)s)",
                    action=action,
                    status=status.value,
                    allowed=", ".join(allowed),
                )
                if allowed
                else Message(
                    "'%(action)s' is not allowed while the case is %(status)s (allowed: none: the case is closed)",
                    action=action,
                    status=status.value,
                )
            )
        return found

    def taker(self, action: str) -> Taker:
        return self.known(action).taken_by

    def next_status(self, status: S, action: str) -> S:
        target = self.transition(status, action).target
        return status if target is None else target

    def replay(self, actions: Iterable[Action]) -> S:
        status = self.initial
        for action in actions:
            status = self.next_status(status, action.kind)
        return status

    def allowed(self, status: S) -> set[str]:
        return {name for name, t in self.transitions.items() if status in t.sources}

    def statuses(self) -> set[S]:
        found: set[S] = {self.initial}
        for t in self.transitions.values():
            found |= t.sources
            if t.target is not None:
                found.add(t.target)
        return found


def check_next_action(table: TransitionTable[S], history: Sequence[Action], action: Action) -> None:
    """Refuse ``action`` unless ``table`` allows it after ``history`` and it is not dated before the last action
    (a history is in time order, so its deadlines read from it are right), or if its payload names a reserved
    field or one the action does not take."""
    table.transition(table.replay(history), action.kind)
    check_payload(table, action.kind, action.payload)
    if history and action.at < history[-1].at:
        raise InvalidCommand(
            Message(
                "'%(action)s' is dated before the case's last action (%(last)s)",
                action=action.kind,
                last=history[-1].at,
            )
        )


def check_payload(table: TransitionTable[S], action: str, payload: Mapping[str, Any]) -> None:
    """Refuse a payload naming a reserved field or one that `action` does not take."""
    check_field_names(payload)
    fields = table.known(action).fields
    if unknown := sorted(set(payload) - fields):
        raise InvalidCommand(
            Message(
                "'%(action)s' takes no field %(unknown)s (its fields: %(known)s)",
                action=action,
                unknown=", ".join(unknown),
                known=", ".join(sorted(fields)) or Message("none"),
            )
        )


def last_action(history: Sequence[Action], kind: str) -> Action | None:
    """The latest action of ``kind`` in ``history``, if any."""
    return next((a for a in reversed(history) if a.kind == kind), None)
