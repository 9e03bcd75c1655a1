from datetime import date

from parity.identity import IdentityRecord, IdentityResolver, NullIdentityResolver


def test_null_resolver_finds_nothing_and_says_which_model_it_is() -> None:
    resolver: IdentityResolver = NullIdentityResolver()
    record = IdentityRecord("r1", "Reza", "Moradi", date(1990, 1, 1), "IRN", "M")
    assert resolver.add([record]) == []
    result = resolver.check(record)
    assert result.candidates == ()
    assert result.model_version == "none"
