from datetime import date

from parity.identity import IdentityRecord, IdentityResolver, NullIdentityResolver
from parity.identity.port import DeferredIdentityResolver


def test_null_resolver_finds_nothing_and_says_which_model_it_is() -> None:
    resolver: IdentityResolver = NullIdentityResolver()
    record = IdentityRecord("r1", "Reza", "Moradi", date(1990, 1, 1), "IRN", "M")
    assert resolver.add([record]) == []
    resolver.remove([record.record_id, "never-added"])
    result = resolver.check(record)
    assert result.candidates == ()
    assert result.model_version == "none"


def test_removing_from_a_deferred_resolver_not_yet_built_does_not_build_it() -> None:
    built: list[IdentityResolver] = []

    def build() -> IdentityResolver:
        built.append(NullIdentityResolver())
        return built[-1]

    resolver = DeferredIdentityResolver(build)
    resolver.remove(["r1"])
    assert built == []
    resolver.add([])
    resolver.remove(["r1"])
    assert len(built) == 1
