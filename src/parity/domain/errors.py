"""Domain errors: each says what was refused and why, in words a caseworker can act on."""

from __future__ import annotations

from parity.domain.messages import Message


class DomainError(Exception):
    """A rule of the scheme refused a command. `code` is stable for API clients; the message is for people.

    `str()` is the English sentence; `message` keeps its template and values for a reader of another language. Text
    given as a plain string is shown as it is in every language."""

    code = "domain_error"
    audited = False  # True when the use case already wrote this refusal to the audit log (e.g. a failed sign-in)

    def __init__(self, message: Message | str) -> None:
        self.message = message if isinstance(message, Message) else Message(message)
        super().__init__(str(self.message))


class IllegalTransition(DomainError):
    code = "illegal_transition"


class UnknownAction(DomainError):
    code = "unknown_action"


class DeadlinePassed(DomainError):
    code = "deadline_passed"


class TooEarly(DomainError):
    code = "too_early"


class TransferBlocked(DomainError):
    code = "transfer_blocked"


class LedgerLimitReached(DomainError):
    code = "ledger_limit"


class NotEligible(DomainError):
    code = "not_eligible"


class InvalidCommand(DomainError):
    code = "invalid_command"


class SchemeClosed(DomainError):
    code = "scheme_closed"
