"""Load on the REST API: a fixed offered rate of requests (about 80% reads, 20% writes) against `parity serve` on
loopback, on SQLite and on PostgreSQL. Prints achieved throughput and latency percentiles (issue 3: p99 under
100 ms at 200 requests/s on the 2-core development machine).

Open loop: request i is due at start + i/rate whatever happened to the others, and its latency is measured from
when it was due, so a slow server cannot hide its queue (no coordinated omission). Concurrency is bounded.

    uv run --frozen python benchmarks/api_load.py                        # both backends, 200 req/s for 20 s
    uv run --frozen python benchmarks/api_load.py --backend sqlite --rate 100 --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import numpy as np
from sqlalchemy import create_engine, text

from parity.accounts.roles import Role
from parity.audit import new_signer
from parity.bootstrap import build_services
from parity.config import Settings
from parity.domain.people import AgeStatus, Sex
from parity.protection import Keyring
from parity.protection.key_file import write_key_file
from parity.scheme.model import ReturnGround
from parity.services.accounts import create_user, issue_token
from parity.services.intake import PersonInput, RecordArrival, record_arrival

POSTGRES_URL = os.environ.get("PARITY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SCHEME = "uk-fr-2025"
PERSON = {
    "given_names": "Yonas",
    "family_name": "Tesfay",
    "nationality": "ERI",
    "sex": "M",
    "age_status": "adult",
    "grounds": ["protection_claim"],
    "departed_from": "FR",
    "transit_evidence": "Interview: stayed in Dunkirk camp",
}


class PilotClock:
    """Real time, moved back into the pilot's period (from 2 September 2025): the machine's date may be past the
    scheme's end, and every arrival would then be screened out (rule 24)."""

    # One shift for the load generator, the seed and the server process (passed on in the environment), so that
    # they agree on the time to the microsecond: a case's actions must not go back in time.
    SHIFT = timedelta(
        seconds=float(os.environ.get("LOAD_CLOCK_SHIFT_S", "0"))
        or (datetime.now(UTC) - datetime(2025, 9, 2, 8, tzinfo=UTC)).total_seconds()
    )

    def now(self) -> datetime:
        return datetime.now(UTC) - self.SHIFT


@dataclass
class Target:
    base_url: str
    token: str
    case_ids: list[str]  # seeded cases: read at random
    eligible: list[str]  # seeded cases not yet acted on: each detained once


@contextmanager
def database(backend: str, workdir: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{workdir / 'load.db'}"
        return
    schema = f"parity_load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"create schema {schema}"))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"drop schema {schema} cascade"))
        admin.dispose()


def environment(url: str, workdir: Path) -> dict[str, str]:
    key = workdir / "audit-key.pem"
    key.write_bytes(new_signer().private_pem())
    data_keys = workdir / "data-keys.json"
    write_key_file(data_keys, Keyring.generate())
    return {
        **os.environ,
        "PARITY_DATABASE_URL": url,
        "PARITY_AUDIT_SIGNING_KEY": str(key),
        "PARITY_DATA_KEY_FILE": str(data_keys),
        "PARITY_IDENTITY": "none",
        "PARITY_COOKIE_SECURE": "0",
        "PARITY_SCHEMES": SCHEME,
        "LOAD_CLOCK_SHIFT_S": repr(PilotClock.SHIFT.total_seconds()),
    }


def seed(env: dict[str, str], boats: int, per_boat: int) -> tuple[str, list[str]]:  # eligible cases only
    """Arrivals (each person an eligible return case) and a UK supervisor (every read here) with an API token."""
    os.environ.update(env)
    services = build_services(Settings.from_environment(), clock=PilotClock())
    arrived = PilotClock().now() - timedelta(hours=2)
    person = PersonInput(
        **{
            **PERSON,
            "sex": Sex.MALE,
            "age_status": AgeStatus.ADULT,
            "grounds": frozenset({ReturnGround.PROTECTION_CLAIM}),
        }  # type: ignore[arg-type]
    )
    people = (person,) * per_boat
    case_ids: list[str] = []
    for boat in range(boats):
        command = RecordArrival(f"seed-{boat}", "seed", SCHEME, f"SB-{boat}", arrived, "Dover", people)
        screened = record_arrival(services, command)["cases"]
        case_ids += [c["case_id"] for c in screened if c["status"] == "eligible"]
    user = create_user(services, "seed-user", "load.supervisor", Role.UK_SUPERVISOR, "load test passphrase")
    token = issue_token(services, "seed-token", user.user_id, "load test").token
    assert token is not None
    return token, case_ids


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(env: dict[str, str], port: int) -> Iterator[str]:
    command = [sys.executable, __file__, "--serve", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"the server did not start: {process.stderr.read().decode() if process.stderr else ''}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def mix() -> list[tuple[float, str, Callable[[httpx.AsyncClient, Target, random.Random], object]]]:
    """(share, name, request): 80% reads, 20% writes."""

    def list_cases(client: httpx.AsyncClient, _target: Target, _rnd: random.Random) -> object:
        return client.get("/api/v1/return-cases", params={"limit": 20, "status": "eligible"})

    def case_file(client: httpx.AsyncClient, target: Target, rnd: random.Random) -> object:
        return client.get(f"/api/v1/return-cases/{rnd.choice(target.case_ids)}")

    def ledger(client: httpx.AsyncClient, _target: Target, _rnd: random.Random) -> object:
        return client.get(f"/api/v1/schemes/{SCHEME}/ledger")

    def case_counts(client: httpx.AsyncClient, _target: Target, _rnd: random.Random) -> object:
        return client.get(f"/api/v1/schemes/{SCHEME}/case-counts")

    def arrival(client: httpx.AsyncClient, _target: Target, _rnd: random.Random) -> object:
        body = {
            "scheme_id": SCHEME,
            "boat_ref": f"SB-{uuid.uuid4().hex[:8]}",
            "arrived_at": (PilotClock().now() - timedelta(hours=1)).isoformat(),
            "place": "Dover",
            "people": [PERSON],
        }
        return client.post("/api/v1/arrivals", json=body, headers={"Idempotency-Key": uuid.uuid4().hex})

    def detain(client: httpx.AsyncClient, target: Target, _rnd: random.Random) -> object:
        case_id = target.eligible.pop()
        return client.post(
            f"/api/v1/return-cases/{case_id}/actions", json={"action": "detain"}, headers={"If-Match": '"0"'}
        )

    return [
        (0.30, "GET case list", list_cases),
        (0.30, "GET case file (audited read)", case_file),
        (0.10, "GET ledger", ledger),
        (0.10, "GET case counts", case_counts),
        (0.10, "POST arrival", arrival),
        (0.10, "POST case action", detain),
    ]


async def drive(target: Target, rate: float, seconds: float, concurrency: int, seed: int) -> dict[str, object]:
    rnd = random.Random(seed)
    kinds = mix()
    shares = [k[0] for k in kinds]
    total = int(rate * seconds)
    plan = rnd.choices(range(len(kinds)), weights=shares, k=total)
    latencies: dict[str, list[float]] = {name: [] for _, name, _ in kinds}
    statuses: Counter[str] = Counter()
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Authorization": f"Bearer {target.token}"}
    async with httpx.AsyncClient(base_url=target.base_url, headers=headers, limits=limits, timeout=30) as client:
        start = time.perf_counter()

        async def one(index: int, kind: int) -> None:
            due = start + index / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            _, name, request = kinds[kind]
            async with gate:
                try:
                    response = await request(client, target, rnd)  # type: ignore[misc]
                    statuses[f"{response.status_code}"] += 1
                except httpx.HTTPError as error:
                    statuses[type(error).__name__] += 1
            latencies[name].append(time.perf_counter() - due)

        await asyncio.gather(*(one(i, k) for i, k in enumerate(plan)))
        elapsed = time.perf_counter() - start
    every = np.array([x for values in latencies.values() for x in values]) * 1000
    return {
        "requests": total,
        "elapsed": elapsed,
        "throughput": total / elapsed,
        "p50": float(np.percentile(every, 50)),
        "p95": float(np.percentile(every, 95)),
        "p99": float(np.percentile(every, 99)),
        "statuses": dict(statuses),
        "by_kind": {name: float(np.percentile(np.array(v) * 1000, 99)) for name, v in latencies.items() if v},
    }


def run(backend: str, rate: float, seconds: float, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, database(backend, Path(tmp)) as url:
        workdir = Path(tmp)
        env = environment(url, workdir)
        writes = int(rate * seconds * 0.1) + 50
        token, case_ids = seed(env, boats=max(10, writes // 30 + 1), per_boat=30)
        with server(env, free_port()) as base:
            target = Target(base, token, case_ids, list(case_ids))
            asyncio.run(drive(target, rate, 2, concurrency, seed=1))  # warm-up: connections, caches
            result = asyncio.run(drive(target, rate, seconds, concurrency, seed=2))
    print(
        f"{backend:10} offered {rate:.0f} req/s for {seconds:.0f} s: achieved {result['throughput']:.1f} req/s; "
        f"latency p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms, p99 {result['p99']:.1f} ms; "
        f"statuses {result['statuses']}"
    )
    by_kind = result["by_kind"]
    assert isinstance(by_kind, dict)
    print("           p99 by kind: " + ", ".join(f"{name} {p99:.1f} ms" for name, p99 in by_kind.items()))


def serve(port: int) -> None:
    """The server process: `parity serve`'s application on the pilot clock."""
    import uvicorn

    from parity.api import create_app

    settings = Settings.from_environment()
    app = create_app(build_services(settings, clock=PilotClock()), settings)
    uvicorn.run(app, host="127.0.0.1", port=port, access_log=False, log_level="warning")


def main() -> None:
    if sys.argv[1:2] == ["--serve"]:
        serve(int(sys.argv[2]))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--rate", type=float, default=200, help="offered requests per second")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=64, help="requests in flight at most")
    args = parser.parse_args()
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.platform()}"
    )
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        run(backend, args.rate, args.seconds, args.concurrency)


if __name__ == "__main__":
    main()
