"""Ingest and screen a year of small-boat arrivals through the service layer, on SQLite and on PostgreSQL.

Every boat of the Home Office daily series for 2025 (41,472 people in 672 boats) is recorded with `record_arrival`,
one command per boat as intake would send it: people stored, a return case opened and screened for each, the command
logged for idempotency, all in one transaction per boat. People are synthetic (seeded); arrivals before the scheme
came into force (6 Aug 2025) are screened too, and found ineligible for that reason.

Baseline, measured in the same run: the same boats screened by the pure domain (`screen_arrival`) with no store, so
the figure shows what the services and the database add.

    uv run python benchmarks/ingest_benchmark.py                      # SQLite and PostgreSQL, 3 runs each
    uv run python benchmarks/ingest_benchmark.py --backend sqlite --runs 5

Each run is a fresh process (peak memory is that process's maximum resident set) on a fresh database.
Target (issue 2): the whole year in under 20 s on SQLite on the 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from sqlalchemy import create_engine, text

from fresh_process import run_once
from parity.bootstrap import database
from parity.data import small_boat_days
from parity.domain.eligibility import screen_arrival
from parity.domain.people import AgeStatus, ArrivingPerson, BoatArrival, IdentityClaim, Sex
from parity.protection import FieldCipher, Keyring
from parity.scheme import load_scheme
from parity.scheme.model import ReturnGround
from parity.services.context import Services, SettableClock
from parity.services.intake import PersonInput, RecordArrival, record_arrival
from parity.store.database import SqlUnitOfWorkFactory

YEAR = (date(2025, 1, 1), date(2025, 12, 31))
POSTGRES_URL = os.environ.get("PARITY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# Brief §7: the most frequent nationalities of small-boat arrivals in 2025, weights in per cent.
NATIONALITY_SHARES = {"ERI": 20, "AFG": 13, "SDN": 12, "VNM": 8, "IRN": 8, "SYR": 8, "IRQ": 8, "ETH": 6, "SOM": 17}


def boats(seed: int) -> Iterator[RecordArrival]:
    """The 2025 series as intake commands: each day's people spread over that day's boats."""
    rng = random.Random(seed)
    nationalities, weights = list(NATIONALITY_SHARES), list(NATIONALITY_SHARES.values())
    for day, people, boat_count in small_boat_days(*YEAR):
        if people == 0:
            continue
        sizes = [people // max(boat_count, 1)] * max(boat_count, 1)
        sizes[-1] += people - sum(sizes)
        for number, size in enumerate(sizes, start=1):
            yield RecordArrival(
                command_id=f"bench-{day:%Y%m%d}-{number}",
                actor="benchmark",
                scheme_id="uk-fr-2025",
                boat_ref=f"SB-{day:%Y%m%d}-{number:02d}",
                arrived_at=datetime.combine(day, clock_time(4), tzinfo=UTC),
                place="Dover",
                people=tuple(synthetic_person(rng, nationalities, weights, day) for _ in range(size)),
            )


def synthetic_person(rng: random.Random, nationalities: list[str], weights: list[int], day: date) -> PersonInput:
    roll = rng.random()
    age = AgeStatus.ADULT if roll < 0.9 else AgeStatus.DISPUTED if roll < 0.96 else AgeStatus.UNACCOMPANIED_MINOR
    return PersonInput(
        given_names=f"Given{rng.randrange(10_000)}",
        family_name=f"Family{rng.randrange(10_000)}",
        nationality=rng.choices(nationalities, weights)[0],
        sex=Sex.MALE if rng.random() < 0.75 else Sex.FEMALE,
        age_status=age,
        grounds=frozenset({ReturnGround.PROTECTION_CLAIM}),
        departed_from="FR",
        transit_evidence="Interview: stayed near Dunkirk",
        date_of_birth=None if rng.random() < 0.3 else day - timedelta(days=rng.randrange(18 * 365, 45 * 365)),
    )


def run_services(backend: str, seed: int) -> dict[str, float]:
    scheme = load_scheme("uk-fr-2025")
    commands = list(boats(seed))
    with tempfile.TemporaryDirectory() as folder:
        url, cleanup = _fresh_database(backend, Path(folder))
        engine = database(url)
        try:
            clock = SettableClock(datetime(2025, 1, 1, tzinfo=UTC))
            services = Services(uow=SqlUnitOfWorkFactory(engine, FieldCipher(Keyring.generate())), clock=clock)
            services.register(scheme)
            started = time.perf_counter()
            for command in commands:
                clock.current = command.arrived_at + timedelta(hours=2)
                record_arrival(services, command)
            elapsed = time.perf_counter() - started
            with engine.connect() as connection:
                stored = connection.execute(text("select count(*) from return_cases")).scalar_one()
        finally:
            engine.dispose()
            cleanup()
    people = sum(len(command.people) for command in commands)
    if stored != people:
        raise SystemExit(f"stored {stored} return cases for {people} people")
    return {"seconds": elapsed, "people": people, "boats": len(commands)}


def run_domain_only(seed: int) -> dict[str, float]:
    scheme = load_scheme("uk-fr-2025")
    commands = list(boats(seed))
    started = time.perf_counter()
    for command in commands:
        people = tuple(
            ArrivingPerson(
                str(uuid.uuid4()),
                IdentityClaim(p.given_names, p.family_name, p.nationality, p.sex, p.date_of_birth),
                p.age_status,
                p.grounds,
                p.departed_from,
                p.transit_evidence,
                p.family_group,
            )
            for p in command.people
        )
        arrival = BoatArrival(str(uuid.uuid4()), command.boat_ref, command.arrived_at, command.place, people)
        screen_arrival(scheme, arrival, command.arrived_at + timedelta(hours=2))
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "people": sum(len(c.people) for c in commands), "boats": len(commands)}


def _fresh_database(backend: str, folder: Path) -> tuple[str, object]:
    if backend == "sqlite":
        return f"sqlite:///{folder / 'bench.db'}", lambda: None
    schema = f"parity_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"create schema {schema}"))

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f"drop schema {schema} cascade"))
        admin.dispose()

    return f"{POSTGRES_URL}?options=-csearch_path%3D{schema}", drop


def one_run(kind: str, seed: int) -> None:
    """Child process: one measurement, printed as JSON with this process's peak resident memory."""
    result = run_domain_only(seed) if kind == "domain" else run_services(kind, seed)
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def measure(kind: str, runs: int, seed: int) -> list[dict[str, float]]:
    results = []
    for run in range(runs):
        result = run_once(__file__, "--one", kind, "--seed", str(seed))
        results.append(result)
        print(f"  {kind:10} run {run + 1}/{runs}: {result['seconds']:.2f} s", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--one", choices=["sqlite", "postgresql", "domain"], help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.one:
        one_run(arguments.one, arguments.seed)
        return
    backends = ["sqlite", "postgresql"] if arguments.backend == "both" else [arguments.backend]
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )
    print(f"Ingest and screen {YEAR[0]}..{YEAR[1]} (Home Office daily series), {arguments.runs} runs each")
    figures = {kind: measure(kind, arguments.runs, arguments.seed) for kind in ["domain", *backends]}
    baseline = statistics.median(r["seconds"] for r in figures["domain"])
    print(f"\n{'path':28} {'people':>7} {'median s':>9} {'people/s':>9} {'peak MiB':>9} {'vs domain':>9}")
    for kind, results in figures.items():
        seconds = statistics.median(r["seconds"] for r in results)
        people = results[0]["people"]
        peak = max(r["peak_rss_mib"] for r in results)
        label = "domain only (baseline)" if kind == "domain" else f"services + {kind}"
        print(
            f"{label:28} {people:>7.0f} {seconds:>9.2f} {people / seconds:>9.0f} {peak:>9.0f} "
            f"{seconds / baseline:>9.1f}"
        )
    if "sqlite" in figures:
        sqlite = statistics.median(r["seconds"] for r in figures["sqlite"])
        verdict = "met" if sqlite < 20 else "NOT met"
        print(f"\nTarget: a year on SQLite in under 20 s: {sqlite:.1f} s, {verdict}")


if __name__ == "__main__":
    main()
