from datetime import date

import pytest

from parity.identity.normalise import canonical_tokens, normalise_record, skeleton
from parity.identity.records import IdentityRecord

TODAY = date(2026, 1, 1)


def skeletons(*parts: str) -> list[str]:
    return sorted(skeleton(token) for token in canonical_tokens(*parts))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("Mohammed", "al-Hassan"), ("Muhammad", "Alhassan")),
        (("Abdel Rahman", "El-Tayeb"), ("Abdulrahman", "Tayeb")),
        (("Abd al-Rahman", "Osman"), ("Abdelrahman", "Othman")),
        (("Abu Bakr", "Idris"), ("Abubakr", "Idrees")),
        (("Abd Allah", "Karim"), ("Abdullah", "Kareem")),
        (("Chérif", "Djamal"), ("Sharif", "Jamal")),
        (("Tesfaye", "Ghebremedhin"), ("Tesfay", "Gebre Medhin")),
        (("Yohannes", "W/Michael"), ("Yohanes", "Woldemichael")),
        (("Tara", "Hama"), ("Tarah", "Hamah")),
        (("Fatemeh", "Rezaei"), ("Fateme", "Rezaee")),
        (("Hala", "Sheikh"), ("Hala", "Shaikh")),
        (("Zeinab", "Hussein"), ("Zainab", "Hussain")),
    ],
)
def test_transliteration_variants_share_skeletons(first: tuple[str, str], second: tuple[str, str]) -> None:
    assert skeletons(*first) == skeletons(*second)


def test_particles_are_dropped_and_compound_prefixes_joined() -> None:
    assert canonical_tokens("Abu Bakr", "al-Sayed") == ("abubakr", "sayed")
    assert canonical_tokens("Ahmed", "bin Khalid") == ("ahmed", "khalid")
    assert canonical_tokens("Abd al-Rahman", "") == ("abdrahman",)


def test_diacritics_and_apostrophes_are_removed() -> None:
    assert canonical_tokens("Nguyễn Thị", "Đặng") == ("nguyen", "thi", "dang")
    assert canonical_tokens("Sa'id", "Ja\u2019fari") == ("said", "jafari")


def test_swapped_order_gives_the_same_token_set() -> None:
    assert sorted(canonical_tokens("Reza", "Moradi")) == sorted(canonical_tokens("Moradi", "Reza"))


def test_ethiopic_patronymic_keeps_three_names_wherever_the_clerk_split_them() -> None:
    split_after_own_name = canonical_tokens("Tesfay", "Gebremedhin Haile")
    split_after_father = canonical_tokens("Tesfay Gebremedhin", "Haile")
    assert split_after_own_name == split_after_father == ("tesfay", "gebremedhin", "haile")


def test_short_names_keep_their_vowels() -> None:
    # Vietnamese syllables: Lan and Linh are different names; Hoda and Huda are one.
    assert skeleton("lan") != skeleton("linh")
    assert skeleton("hoda") == skeleton("huda")


def record(**changes: object) -> IdentityRecord:
    values: dict[str, object] = {
        "record_id": "r1",
        "given_names": "Senait",
        "family_name": "Tesfay",
        "date_of_birth": date(1997, 1, 1),
        "nationality": "ERI",
        "sex": "F",
    }
    values.update(changes)
    return IdentityRecord(**values)  # type: ignore[arg-type]


def test_first_of_january_is_flagged_as_a_placeholder() -> None:
    assert normalise_record(record(), TODAY).dob_is_placeholder
    assert not normalise_record(record(date_of_birth=date(1997, 3, 4)), TODAY).dob_is_placeholder


@pytest.mark.parametrize("impossible", [date(2030, 5, 1), date(1850, 1, 1)])
def test_implausible_dates_of_birth_become_unknown_with_a_reason(impossible: date) -> None:
    normalised = normalise_record(record(date_of_birth=impossible), TODAY)
    assert normalised.date_of_birth is None
    assert any("treated as unknown" in issue for issue in normalised.issues)


def test_unknown_nationality_code_is_treated_as_missing() -> None:
    normalised = normalise_record(record(nationality="ZZZ"), TODAY)
    assert normalised.nationality is None
    assert any("ZZZ" in issue for issue in normalised.issues)


def test_sex_and_document_are_normalised() -> None:
    normalised = normalise_record(record(sex="female", document_number=" p-123 456 "), TODAY)
    assert normalised.sex == "F"
    assert normalised.document_number == "P123456"


def test_names_in_other_scripts_are_transliterated_to_latin_tokens() -> None:
    assert canonical_tokens("ተስፋይ") == canonical_tokens("Tesfay")
    assert canonical_tokens("Σοφία") == canonical_tokens("Sofia")
    assert canonical_tokens("محمد") == ("mhmd",)
