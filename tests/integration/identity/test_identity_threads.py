"""One resolver serves every thread of a process (the web server checks inside requests, on a thread pool): checks
made at the same moment give exactly what they give one after another, and records added meanwhile are all kept."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

from parity.identity import SplinkIdentityResolver
from parity.identity.generator import generate_records
from parity.identity.model import IdentityModel
from parity.identity.port import IdentityCheck

TODAY = date(2026, 1, 1)
THREADS = 8


def test_checks_at_the_same_moment_match_checks_one_after_another(model: IdentityModel) -> None:
    records = [labelled.record for labelled in generate_records(3_000, seed=23)]
    register, probes, added_meanwhile = records[:2_000], records[2_000:2_400], records[2_400:]
    resolver = SplinkIdentityResolver(model, today=TODAY)
    resolver.add(register)
    one_by_one = [resolver.check(probe) for probe in probes]

    def in_pairs(start: int) -> list[IdentityCheck]:
        return resolver.check_all(probes[start : start + 2])

    with ThreadPoolExecutor(THREADS) as pool:
        together = [check for pair in pool.map(in_pairs, range(0, len(probes), 2)) for check in pair]

    assert together == one_by_one

    def add(start: int) -> int:
        return len(resolver.add(added_meanwhile[start : start + 50]))

    with ThreadPoolExecutor(THREADS) as pool:
        checking = pool.map(lambda probe: resolver.check(probe).record_id, probes)
        refused = sum(pool.map(add, range(0, len(added_meanwhile), 50)))

    assert list(checking) == [probe.record_id for probe in probes]
    assert resolver.register_size == len(register) + len(added_meanwhile) - refused
