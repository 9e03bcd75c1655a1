"""Messages of the domain: English by str(), kept as JSON beside their English text, and read back from old records."""

from __future__ import annotations

from datetime import UTC, date, datetime

from parity.domain.errors import DomainError, InvalidCommand
from parity.domain.messages import Message, joined, keep, keep_all, restore, restore_all

DUE = datetime(2025, 9, 15, 23, tzinfo=UTC)


def test_str_is_the_english_sentence_with_dates_in_iso_8601() -> None:
    message = Message("passed at %(due)s on day %(day)s, %(days)s days", due=DUE, day=date(2025, 9, 1), days=14)
    assert str(message) == "passed at 2025-09-15T23:00:00+00:00 on day 2025-09-01, 14 days"


def test_a_template_without_values_is_not_percent_formatted() -> None:
    assert str(Message("tolerance reached: 100%")) == "tolerance reached: 100%"


def test_messages_inside_a_message_are_rendered_and_joined() -> None:
    bars = joined([Message("member %(member)s: excluded", member="m1"), Message("no adult")])
    assert str(Message("refused: %(why)s", why=bars)) == "refused: member m1: excluded; no adult"


def test_json_gives_back_the_same_message_with_its_dates_and_nested_messages() -> None:
    nested = Message("a %(when)s", when=date(2025, 9, 1))
    message = Message(
        "x %(at)s %(n)s %(ratio)s %(one)s %(many)s", at=DUE, n=3, ratio=0.5, one=nested, many=(nested, nested)
    )
    assert Message.from_json(message.to_json()) == message


def test_a_kept_sentence_stores_the_english_text_and_the_message() -> None:
    message = Message("deadline passed at %(due)s (rule 5)", due=DUE)
    stored = keep("reason", message) | keep_all("reasons", [message])
    assert stored["reason"] == stored["reasons"][0] == "deadline passed at 2025-09-15T23:00:00+00:00 (rule 5)"
    assert restore(stored, "reason") == message
    assert restore_all(stored, "reasons") == [message]


def test_a_record_kept_before_messages_gives_its_english_text_back_as_it_is() -> None:
    old = {"reasons": ["no age status recorded (rule 3)"], "reason": "a 100% match"}
    assert [str(m) for m in restore_all(old, "reasons")] == ["no age status recorded (rule 3)"]
    assert str(restore(old, "reason")) == "a 100% match"


def test_a_domain_error_keeps_its_message_and_says_it_in_english() -> None:
    error = InvalidCommand(Message("field '%(name)s' is required", name="reason"))
    assert str(error) == "field 'reason' is required"
    assert error.message == Message("field '%(name)s' is required", name="reason")
    assert error.code == "invalid_command"
    assert str(DomainError("said only in English").message) == "said only in English"
