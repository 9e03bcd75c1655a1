"""Codes inside the sentences of the domain and the services, written as the reader's words.

Many refusals name a code: an action ('send_request'), a case status ('detained'), a reason from one of the
scheme's lists. The `refusals` catalogue translates a sentence's template, not its values, so a French sentence
would carry an English code ("« refuse » n'est pas permis…"). `CODES` says which placeholder of which template holds
which kind of code, and `labelled` replaces each by the words the pages already use for it (`labels.py`, the one
place for them), in the reader's language, before the sentence is written.

Where the reader needs the code itself to act, the label is followed by the code in brackets, « Demande refusée
(refuse) »: always for an API client, which sends and reads codes (`codes_shown`), and on a page for a code the
officer types into a form (`typed`: a legal event's kind). The domain keeps plain values, so `str()` of a message
(logs, the CLI, the API in English) is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from parity.domain.messages import Message, MessageParam
from parity.domain.returns import READMISSION_ANSWERS
from parity.web.labels import Labels

# Several codes in one value are written as the domain joins them.
CODES_JOINED_BY = ", "


@dataclass(frozen=True)
class Code:
    """What a placeholder's code names: the label table for it (given the case type, which decides the words of an
    action), whether the value lists several codes, and whether a page shows the code too."""

    table: Callable[[Labels, str | None], Callable[[str], str]]
    several: bool = False
    typed: bool = False

    def show(self, labels: Labels, case_type: str | None, value: str, *, codes_shown: bool) -> str:
        label = self.table(labels, case_type)
        codes = value.split(CODES_JOINED_BY) if self.several else [value]
        return CODES_JOINED_BY.join(_named(label(code), code, codes_shown or self.typed) for code in codes)


def _named(label: str, code: str, with_code: bool) -> str:
    # A code no table knows (a newer scheme's, or what a client sent) is shown as it is, once.
    return f"{label} ({code})" if with_code and label != code else label


def _case_action(labels: Labels, case_type: str | None) -> Callable[[str], str]:
    return lambda code: labels.case_action(code, case_type)


def _answer(labels: Labels, _case_type: str | None) -> Callable[[str], str]:
    """The readmitting state's answer (API: accept, refuse, extend), named by the action it records."""
    return lambda code: labels.action(READMISSION_ANSWERS.get(code, code))


ACTION = Code(_case_action)
ACTIONS = replace(ACTION, several=True)
STATUS = Code(lambda labels, _case_type: labels.status)
STATUSES = replace(STATUS, several=True)
CASE_TYPE = Code(lambda labels, _case_type: labels.case_type)
ANSWER = Code(_answer)
FLAG_STATUS = Code(lambda labels, _case_type: labels.flag_status)
PROPOSAL_STATUS = Code(lambda labels, _case_type: labels.proposal_status)
REFUSAL_REASON = Code(lambda labels, _case_type: labels.refusal_reason)
REFUSAL_REASONS = replace(REFUSAL_REASON, several=True)
EXCLUSION = Code(lambda labels, _case_type: labels.exclusion)
EXCLUSIONS = replace(EXCLUSION, several=True)
PRIORITY_FACTOR = Code(lambda labels, _case_type: labels.priority_factor)
PRIORITY_FACTORS = replace(PRIORITY_FACTOR, several=True)
LEGAL_EVENT = Code(lambda labels, _case_type: labels.legal_block)
# The return case page takes a legal event's kind as typed text: a refusal of it names the codes to type.
LEGAL_EVENT_TYPED = replace(LEGAL_EVENT, typed=True)
LEGAL_EVENTS_TYPED = replace(LEGAL_EVENT_TYPED, several=True)

# Template -> its placeholders that hold codes. Each template is a msgid of the refusals catalogue
# (tests/unit/web/test_refusal_codes.py checks that they still are); placeholders not named here are shown as they
# are (ids, names, numbers, dates, scopes and roles, which have no words on the pages).
CODES: Mapping[str, Mapping[str, Code]] = {
    "'%(action)s' is not allowed while the case is %(status)s (allowed: %(allowed)s)": {
        "action": ACTION,
        "status": STATUS,
        "allowed": ACTIONS,
    },
    "'%(action)s' is not allowed while the case is %(status)s (allowed: none: the case is closed)": {
        "action": ACTION,
        "status": STATUS,
    },
    "'%(action)s' is not an action of this case type (known: %(known)s)": {"action": ACTION, "known": ACTIONS},
    "'%(action)s' is refused: %(closed)s": {"action": ACTION},
    "'%(action)s' is dated before the case's last action (%(last)s)": {"action": ACTION},
    "'%(action)s' is a decision one person may not take alone: propose it (POST %(proposals)s) for another "
    "officer to approve": {"action": ACTION},
    "'%(action)s' is not a decision that is proposed and approved on a %(case_type)s case (those are: "
    "%(allowed)s); take it directly": {"action": ACTION, "case_type": CASE_TYPE, "allowed": ACTIONS},
    "%(decider)s proposed %(action)s on case %(case)s and so may not decide it: another person must approve or "
    "reject it": {"action": ACTION},
    "no %(case_type)s decision proposal %(proposal)s": {"case_type": CASE_TYPE},
    "field 'reason' is required to %(answer)s": {"answer": ANSWER},
    "field 'status': unknown status %(unknown)s (known: %(known)s)": {"known": STATUSES},
    "identity flag %(flag)s was already decided (%(status)s) by %(actor)s": {"status": FLAG_STATUS},
    "proposal %(proposal)s is %(status)s; only an open proposal is superseded": {"status": PROPOSAL_STATUS},
    "the refusal reason must be one of the scheme's reasons (%(allowed)s)": {"allowed": REFUSAL_REASONS},
    "'%(name)s' is not an exclusion (%(known)s)": {"name": EXCLUSION, "known": EXCLUSIONS},
    "'%(name)s' is not a priority factor of scheme %(scheme)s (%(known)s); waiting time is counted from the "
    "submission, not recorded": {"name": PRIORITY_FACTOR, "known": PRIORITY_FACTORS},
    "member %(member)s: excluded (%(exclusion)s, rule 16)": {"exclusion": EXCLUSION},
    "kind '%(kind)s' is not a legal event kind (%(known)s)": {"kind": LEGAL_EVENT_TYPED, "known": LEGAL_EVENTS_TYPED},
    "state '%(state)s' is not a state of %(kind)s (%(known)s)": {"kind": LEGAL_EVENT_TYPED},
    "%(kind)s %(state)s since %(since)s (evidence: %(evidence)s)": {"kind": LEGAL_EVENT},
    "field 'previous_case_id': case %(case)s has not ended in a return (status %(status)s); a re-crossing follows a "
    "return (rule 11)": {"status": STATUS},
}


def labelled(message: Message, labels: Labels, *, case_type: str | None = None, codes_shown: bool = False) -> Message:
    """`message` with each code it names replaced by its label (`labels`' language), the messages within it too.

    `case_type` ("return" or "admission") is the kind of case the sentence is about, where the caller knows it: an
    action code names another action on each ('refuse'). A sentence that names its case type says so itself.
    """
    codes = CODES.get(message.template, {})
    named_type = dict(message.params).get("case_type")
    if "case_type" in codes and isinstance(named_type, str):
        case_type = named_type

    def relabel(name: str, value: MessageParam) -> MessageParam:
        if isinstance(value, Message):
            return labelled(value, labels, case_type=case_type, codes_shown=codes_shown)
        if isinstance(value, tuple):
            return tuple(labelled(m, labels, case_type=case_type, codes_shown=codes_shown) for m in value)
        code = codes.get(name)
        if code is None or not isinstance(value, str):
            return value
        return code.show(labels, case_type, value, codes_shown=codes_shown)

    return Message(message.template, **{name: relabel(name, value) for name, value in message.params})
