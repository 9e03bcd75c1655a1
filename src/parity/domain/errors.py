"""Domain errors: each says what was refused and why, in words a caseworker can act on."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the scheme refused a command. `code` is stable for API clients; the message is for people."""

    code = "domain_error"
    audited = False  # True when the use case already wrote this refusal to the audit log (e.g. a failed sign-in)


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
