"""A screening reason is kept in clear (in the case's history and in the command's result) and retention does not
clear it: the reason that a recorded date of birth makes an "adult" a child says so without that date of birth."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

from tests.builders import arriving, boat, identity, utc

from parity.domain.eligibility import screen_arrival
from parity.domain.messages import keep_all
from parity.domain.people import AgeStatus
from parity.scheme import Scheme

BORN = date(2011, 4, 23)


def test_the_age_dispute_reason_gives_no_date_of_birth_in_any_stored_form(uk_fr: Scheme) -> None:
    child = replace(arriving(AgeStatus.ADULT), identity=identity("ERI", BORN))
    arrival = boat(child, at=utc(2025, 9, 17, 4))
    [screening] = screen_arrival(uk_fr, arrival, arrival.arrived_at + timedelta(hours=4))

    disputed = [r for r in screening.reasons if str(r).startswith("age disputed")]

    assert [str(r) for r in disputed] == [
        "age disputed: recorded as an adult, but the recorded date of birth makes them under 18 on arrival "
        "(2025-09-17); not eligible until an age assessment is recorded (rule 3)"
    ]
    stored = json.dumps(keep_all("reasons", screening.reasons), default=str)
    for spelling in (BORN.isoformat(), "23/04/2011", "2011"):
        assert spelling not in stored
    assert "14" not in str(disputed[0])  # nor the age it gives, which with the day narrows it to a year
