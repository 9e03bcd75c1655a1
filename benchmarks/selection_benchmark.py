"""Benchmark the admissions selection optimiser: 10,000 waiting families, 500 places, MIP against greedy.

Run: .venv/bin/python benchmarks/selection_benchmark.py [--runs 5] [--families 10000] [--places 500]

The families are synthetic (seeded, so every run sees the same instance). Nationalities follow the Q1 2025
small-boat mix in the domain brief §7 (Eritrea 20%, Afghanistan 13%, Sudan 12%, Vietnam 8%, Iran 8%); the other
39% is spread over six further nationalities, and the family sizes and factor rates are assumptions stated below.
Two scenarios: the bundled uk-fr-2025 priority as it is (no nationality limits), and the same with an
illustrative limit of 150 people per nationality per round, which the scheme itself does not set.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from parity.scheme import load_scheme
from parity.scheme.model import Priority, PriorityFactor
from parity.selection import Candidate, Member, Proposal, SelectionRequest, propose

SEED = 20251105
AS_OF = date(2026, 1, 5)
WINDOW_OPENED_AT = datetime(2025, 8, 7, tzinfo=UTC)
NATIONALITY_SHARES = {
    # brief §7: the Q1 2025 small-boat nationality mix
    "ERI": 20,
    "AFG": 13,
    "SDN": 12,
    "VNM": 8,
    "IRN": 8,
    # assumption: the remaining 39% spread over six further nationalities
    "IRQ": 9,
    "SYR": 9,
    "SOM": 7,
    "ETH": 6,
    "EGY": 4,
    "TCD": 4,
}
# Assumption: most applicants are single adults (as most small-boat arrivals are), families of up to six.
FAMILY_SIZE_SHARES = {1: 50, 2: 15, 3: 13, 4: 11, 5: 7, 6: 4}
# Assumption: share of applications meeting each recorded factor (the grant-rate factor follows nationality).
FACTOR_RATES = {
    PriorityFactor.PRIOR_RESIDENCE_OR_VISIT: 0.08,
    PriorityFactor.FAMILY_LINK: 0.15,
    PriorityFactor.EXPLOITATION_RISK: 0.20,
}
ILLUSTRATIVE_NATIONALITY_LIMIT = 150
SECONDS_PER_DAY = 24 * 60 * 60


def synthetic_candidates(count: int, rng: random.Random) -> tuple[Candidate, ...]:
    nationalities, shares = zip(*NATIONALITY_SHARES.items(), strict=True)
    sizes, size_shares = zip(*FAMILY_SIZE_SHARES.items(), strict=True)
    days_open = (AS_OF - WINDOW_OPENED_AT.date()).days
    candidates = []
    for number in range(count):
        nationality = rng.choices(nationalities, shares)[0]
        size = rng.choices(sizes, size_shares)[0]
        members = [Member(rng.randint(18, 55), nationality)]
        if size >= 2:
            members.append(Member(rng.randint(18, 55) if rng.random() < 0.7 else rng.randint(0, 17), nationality))
        members.extend(Member(rng.randint(0, 17), nationality) for _ in range(size - len(members)))
        factors = frozenset(factor for factor, rate in FACTOR_RATES.items() if rng.random() < rate)
        # Any second of the days the window has been open; the instant breaks ties between equal scores.
        submitted_at = WINDOW_OPENED_AT + timedelta(seconds=rng.randrange((days_open + 1) * SECONDS_PER_DAY))
        # Its UTC date stands for the scheme's local date: the synthetic instance needs no time zone.
        waiting_since = submitted_at.date()
        candidates.append(
            Candidate(f"EOI-{number:05d}", tuple(members), "2025-pilot", factors, waiting_since, submitted_at)
        )
    return tuple(candidates)


def run_scenario(name: str, request: SelectionRequest, runs: int) -> None:
    mip_runs: list[tuple[float, Proposal]] = []
    for _ in range(runs):
        started = time.perf_counter()
        proposal = propose(request, "mip", time_limit_s=60.0)
        mip_runs.append((time.perf_counter() - started, proposal))
    greedy_seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        greedy = propose(request, "greedy")
        greedy_seconds.append(time.perf_counter() - started)

    mip = mip_runs[0][1]
    identical = all(run.to_dict()["chosen"] == mip.to_dict()["chosen"] for _, run in mip_runs)
    print(f"\n{name}")
    print(
        f"  MIP     propose() median {statistics.median(s for s, _ in mip_runs):.3f} s "
        f"(solver {statistics.median(p.solver.seconds for _, p in mip_runs):.3f} s) over {runs} runs; "
        f"status {mip.solver.status}, proven optimal {mip.solver.proven_optimal}, gap {mip.solver.gap:.2e}; "
        f"same selection every run: {identical}"
    )
    print(f"  greedy  propose() median {statistics.median(greedy_seconds):.3f} s")
    print(f"  places filled  MIP {mip.places_filled}/{mip.places_available}  greedy {greedy.places_filled}")
    print(
        f"  priority total MIP {mip.priority_total:.1f}  greedy {greedy.priority_total:.1f}  "
        f"ratio MIP/greedy {mip.priority_total / greedy.priority_total:.5f}"
    )
    print(f"  families chosen MIP {len(mip.chosen)}  greedy {len(greedy.chosen)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--families", type=int, default=10_000)
    parser.add_argument("--places", type=int, default=500)
    args = parser.parse_args()

    scheme = load_scheme("uk-fr-2025")
    candidates = synthetic_candidates(args.families, random.Random(SEED))
    people = sum(candidate.size for candidate in candidates)
    print(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"instance: {len(candidates)} families ({people} people), {args.places} places, seed {SEED}, as of {AS_OF}")

    request = SelectionRequest.for_scheme(scheme, candidates, args.places, AS_OF, window_id="2025-pilot")
    run_scenario("uk-fr-2025 priority as bundled (no nationality limits)", request, args.runs)

    limits = dict.fromkeys(NATIONALITY_SHARES, ILLUSTRATIVE_NATIONALITY_LIMIT)
    limited = Priority.model_validate({**scheme.admissions.priority.model_dump(), "nationality_limits": limits})
    limited_request = SelectionRequest(
        candidates, args.places, AS_OF, limited, request.adult_age, request.same_window_required, "2025-pilot"
    )
    run_scenario(
        f"same, with at most {ILLUSTRATIVE_NATIONALITY_LIMIT} people per nationality", limited_request, args.runs
    )


if __name__ == "__main__":
    main()
