"""Check-ins per second and scan latency against a live server.

    uv run python benchmarks/checkin.py                       # a fresh SQLite file
    uv run python benchmarks/checkin.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres

Seeds one event with N confirmed registrations (default 5,000) in bulk, starts `uvicorn` in a
subprocess on that database, then scans every code once over HTTP: first one phone at a time
(the latency a door steward feels), then the rest from several phones at once (throughput),
then a round of repeat scans (200 "already checked in"). Prints the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.db import Database  # noqa: E402
from app.core.migrate import upgrade  # noqa: E402
from app.core.security import Role, create_token  # noqa: E402
from app.core.types import utcnow  # noqa: E402
from app.events.schemas import EventCreate  # noqa: E402
from app.events.service import create_event  # noqa: E402
from app.registration.models import Publication, Registration, RegistrationStatus  # noqa: E402
from benchmarks.live_server import postgres_database, start_server  # noqa: E402


def seed(url: str, count: int) -> tuple[int, str, list[str]]:
    """Migrate, then one event, a checkin token and ``count`` confirmed registrations; returns (event id, token, codes)."""
    database = Database(url)
    upgrade(database.engine)
    with database.transaction() as session:
        now = utcnow()
        event = create_event(
            session,
            EventCreate(  # under way, so check-in is open
                slug="benchmark",
                title="Check-in benchmark",
                starts_at=now - timedelta(hours=1),
                ends_at=now + timedelta(hours=7),
                timezone="Europe/Brussels",
            ),
        )
        token = create_token(session, role=Role.checkin, name="benchmark", event_id=event.id)
        codes = [secrets.token_urlsafe(18) for _ in range(count)]
        session.add_all(
            [
                Registration(
                    event_id=event.id,
                    first_name="Guest",
                    last_name=f"Number {n}",
                    email=f"guest{n}@example.org",
                    status=RegistrationStatus.confirmed,
                    publication=Publication.nobody,
                    checkin_code=code,
                    privacy_consented_at=now,
                    confirmed_at=now,
                )
                for n, code in enumerate(codes)
            ]
        )
        event_id = event.id
    database.dispose()
    return event_id, token, codes


def scan(base: str, event_id: int, token: str, codes: list[str], clients: int) -> tuple[float, list[float], Counter]:
    """Scan every code once from ``clients`` phones, each its own connection; (wall seconds,
    latencies in ms, status counts). aiohttp, not httpx: the client shares the two cores with the
    server, and httpx's own CPU per request would be counted as the server's latency."""
    return asyncio.run(_scan(base, event_id, token, codes, clients))


async def _scan(
    base: str, event_id: int, token: str, codes: list[str], clients: int
) -> tuple[float, list[float], Counter]:
    work = iter(codes)
    latencies: list[float] = []
    statuses: Counter = Counter()

    async def phone() -> None:
        async with aiohttp.ClientSession(base, headers={"Authorization": f"Bearer {token}"}) as http:
            for code in work:
                started = time.perf_counter()
                async with http.post(f"/api/v1/events/{event_id}/checkins", json={"code": code}) as response:
                    await response.read()
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[response.status] += 1

    started = time.perf_counter()
    await asyncio.gather(*(phone() for _ in range(clients)))
    return time.perf_counter() - started, latencies, statuses


def report(label: str, wall: float, latencies: list[float], statuses: Counter) -> None:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(
        f"  {label:<34} {len(ordered) / wall:8.0f} scans/s   p50 {statistics.median(ordered):6.1f} ms"
        f"   p99 {p99:6.1f} ms   max {ordered[-1]:6.1f} ms   statuses {dict(sorted(statuses.items()))}"
    )


def run(name: str, url: str, args: argparse.Namespace) -> None:
    started = time.perf_counter()
    event_id, token, codes = seed(url, args.registrations)
    print(f"{name}: {args.registrations} confirmed registrations seeded in {time.perf_counter() - started:.1f} s")
    process, base = start_server(url)
    try:
        single, rest = codes[: args.sequential], codes[args.sequential :]
        report("one phone, first scans", *scan(base, event_id, token, single, 1))
        report(f"{args.clients} phones, first scans", *scan(base, event_id, token, rest, args.clients))
        report(
            f"{args.clients} phones, repeat scans", *scan(base, event_id, token, codes[: args.sequential], args.clients)
        )
    finally:
        process.terminate()
        process.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registrations", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=8, help="phones scanning at once")
    parser.add_argument("--sequential", type=int, default=500, help="scans made one at a time first")
    parser.add_argument("--postgres", metavar="URL", help="also run on a fresh database created on this server")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run("SQLite", f"sqlite:///{folder}/checkin-benchmark.db", args)
    if args.postgres:
        url, drop = postgres_database(args.postgres)
        try:
            run("PostgreSQL", url, args)
        finally:
            drop()


if __name__ == "__main__":
    main()
