"""Registrations per second against a live server, on a capacity-limited event, and the overbooking check.

    uv run python benchmarks/registration_load.py                    # a fresh SQLite file, 1 server worker
    uv run python benchmarks/registration_load.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres --workers 2
    uv run python benchmarks/registration_load.py --url http://127.0.0.1:8000 --token cvn_...   # a running server

Creates an event of ``--capacity`` seats through the API (an organiser token), then N clients
(``--clients``, each its own keep-alive connection) post ``--requests`` registrations, each with
its own email, as fast as the server answers. Prints registrations/s, p50/p99 latency, and
checks: exactly ``capacity`` confirmed, the rest waitlisted with positions 1..N, no error.

Before measuring, one registration per client goes to another event, so that every server process
has answered a registration: a process's first one builds FastAPI's route tables and loads the
country names, about half a second that is start-up, not throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.db import Database  # noqa: E402
from app.core.migrate import upgrade  # noqa: E402
from app.core.security import Role, create_token  # noqa: E402
from benchmarks.live_server import postgres_database, start_server  # noqa: E402


def prepare(url: str) -> str:
    """Migrate the database and return a new organiser token."""
    database = Database(url)
    upgrade(database.engine)
    with database.transaction() as session:
        token = create_token(session, role=Role.organiser, name="registration benchmark")
    database.dispose()
    return token




def create_event(base: str, token: str, capacity: int) -> int:
    response = httpx.post(f"{base}/api/v1/events", headers={"Authorization": f"Bearer {token}"}, json={
        "slug": f"load-{uuid.uuid4().hex[:8]}", "title": "Registration load test", "timezone": "Europe/Brussels",
        "starts_at": "2030-06-20T09:00:00+02:00", "ends_at": "2030-06-20T17:00:00+02:00", "capacity": capacity,
    })
    response.raise_for_status()
    return response.json()["id"]


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict


async def load(base: str, event_id: int, requests: int, clients: int) -> tuple[float, list[float], list[Reply]]:
    """``clients`` workers posting ``requests`` registrations in all; (wall seconds, latencies ms, replies).

    aiohttp, not httpx: the client shares the two cores with the server, and httpx spent 5.7-7 ms
    of CPU per request, more than the server; aiohttp about 0.5 ms. Same requests, same sockets.
    """
    numbers = iter(range(requests))
    latencies: list[float] = []
    replies: list[Reply] = []

    async def client(http: aiohttp.ClientSession) -> None:
        for number in numbers:
            started = time.perf_counter()
            async with http.post(f"/api/v1/events/{event_id}/registrations", json={
                "first_name": "Load", "last_name": f"Test {number}", "email": f"load{number}@example.org",
                "country": "BE", "consents": {"privacy": True, "publication": "nobody"},
            }) as response:
                reply = Reply(response.status, await response.json(content_type=None))
            latencies.append((time.perf_counter() - started) * 1000)
            replies.append(reply)

    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(base, connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        return time.perf_counter() - started, latencies, replies


def check(replies: list[Reply], capacity: int) -> str:
    codes = Counter(reply.status for reply in replies)
    bodies = [reply.body for reply in replies if reply.status == 201]
    statuses = Counter(body["status"] for body in bodies)
    positions = sorted(body["waitlist_position"] for body in bodies if body["status"] == "waitlisted")
    expected_waiting = len(replies) - capacity
    ok = (codes == {201: len(replies)} and statuses.get("confirmed", 0) == capacity
          and positions == list(range(1, expected_waiting + 1)))
    verdict = "OK, no overbooking" if ok else "FAILED"
    return f"{verdict}: HTTP {dict(codes)}, {dict(statuses)}, waitlist positions 1..{positions[-1] if positions else 0}"


def run(label: str, base: str, token: str, args: argparse.Namespace) -> None:
    warm_up = create_event(base, token, args.clients)
    check_warm_up = check(asyncio.run(load(base, warm_up, args.clients, args.clients))[2], args.clients)
    if not check_warm_up.startswith("OK"):
        raise SystemExit(f"warm-up {check_warm_up}")
    event_id = create_event(base, token, args.capacity)
    wall, latencies, replies = asyncio.run(load(base, event_id, args.requests, args.clients))
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(f"{label}: {args.requests} registrations, {args.clients} clients, capacity {args.capacity}")
    print(f"  {len(replies) / wall:7.0f} registrations/s   p50 {statistics.median(ordered):6.1f} ms"
          f"   p99 {p99:6.1f} ms   max {ordered[-1]:6.1f} ms   ({wall:.1f} s)")
    print(f"  {check(replies, args.capacity)}")


def run_spawned(label: str, url: str, args: argparse.Namespace) -> None:
    token = prepare(url)
    process, base = start_server(url, workers=args.workers)
    try:
        run(f"{label}, {args.workers} server worker(s)", base, token, args)
    finally:
        process.terminate()
        process.wait(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--capacity", type=int, default=500)
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--postgres", metavar="URL", help="run on a fresh database on this PostgreSQL server instead of SQLite")
    parser.add_argument("--url", help="a running server to load instead (with --token)")
    parser.add_argument("--token", help="an organiser token of the running server")
    args = parser.parse_args()
    if args.url:
        if not args.token:
            parser.error("--url needs --token (convene token create --role organiser)")
        run(args.url, args.url, args.token, args)
    elif args.postgres:
        url, drop = postgres_database(args.postgres)
        try:
            run_spawned("PostgreSQL", url, args)
        finally:
            drop()
    else:
        with tempfile.TemporaryDirectory() as folder:
            run_spawned("SQLite", f"sqlite:///{folder}/registration-benchmark.db", args)


if __name__ == "__main__":
    main()
