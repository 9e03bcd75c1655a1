from datetime import date

from parity.identity.model_input import blocking_keys
from parity.identity.normalise import normalise_record
from parity.identity.records import IdentityRecord

TODAY = date(2026, 1, 1)


def keys(record: IdentityRecord) -> set[str]:
    return set(blocking_keys(normalise_record(record, TODAY)))


def test_a_wrong_nationality_and_a_missing_date_still_share_a_key_through_the_whole_name() -> None:
    first = IdentityRecord("a", "Kesete", "Zeray Tesfaye", date(1988, 1, 1), "ZZZ", "M")
    second = IdentityRecord("b", "Kisete Zerai", "Tesfay", None, "ERI", "M")
    assert keys(first) & keys(second)


def test_a_single_name_is_not_filed_without_a_year_or_nationality() -> None:
    assert not any(key.startswith("n|") for key in keys(IdentityRecord("a", "Ali", "", None, "AFG", "M")))
