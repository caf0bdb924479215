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
import os
import queue
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.db import Database  # noqa: E402
from app.core.migrate import upgrade  # noqa: E402
from app.core.security import Role, create_token  # noqa: E402
from app.events.schemas import EventCreate  # noqa: E402
from app.events.service import create_event  # noqa: E402
from app.registration.models import Publication, Registration, RegistrationStatus  # noqa: E402
from app.core.types import utcnow  # noqa: E402


def seed(url: str, count: int) -> tuple[int, str, list[str]]:
    """Migrate, then one event, a checkin token and ``count`` confirmed registrations; returns (event id, token, codes)."""
    database = Database(url)
    upgrade(database.engine)
    with database.transaction() as session:
        event = create_event(session, EventCreate(
            slug="benchmark", title="Check-in benchmark", starts_at="2030-06-20T09:00:00+02:00",
            ends_at="2030-06-20T17:00:00+02:00", timezone="Europe/Brussels",
        ))
        token = create_token(session, role=Role.checkin, name="benchmark", event_id=event.id)
        now = utcnow()
        codes = [secrets.token_urlsafe(18) for _ in range(count)]
        session.add_all([
            Registration(event_id=event.id, first_name="Guest", last_name=f"Number {n}", email=f"guest{n}@example.org",
                         status=RegistrationStatus.confirmed, publication=Publication.nobody, checkin_code=code,
                         privacy_consented_at=now, confirmed_at=now)
            for n, code in enumerate(codes)
        ])
        event_id = event.id
    database.dispose()
    return event_id, token, codes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, workdir: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "CONVENE_DATABASE_URL": url, "CONVENE_SECRET_KEY": "benchmark-secret"}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--port", str(port), "--log-level", "warning"],
        env=env, cwd=workdir,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("the server did not start")


def scan(base: str, event_id: int, token: str, codes: list[str], clients: int) -> tuple[float, list[float], Counter]:
    """Scan every code once from ``clients`` threads; (wall seconds, latencies in ms, status counts)."""
    work: queue.SimpleQueue[str] = queue.SimpleQueue()
    for code in codes:
        work.put(code)
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()

    def phone() -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
            while True:
                try:
                    code = work.get_nowait()
                except queue.Empty:
                    return
                started = time.perf_counter()
                status = http.post(f"/api/v1/events/{event_id}/checkins", json={"code": code}).status_code
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    statuses[status] += 1

    threads = [threading.Thread(target=phone) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, statuses


def report(label: str, wall: float, latencies: list[float], statuses: Counter) -> None:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(f"  {label:<34} {len(ordered) / wall:8.0f} scans/s   p50 {statistics.median(ordered):6.1f} ms"
          f"   p99 {p99:6.1f} ms   max {ordered[-1]:6.1f} ms   statuses {dict(sorted(statuses.items()))}")


def run(name: str, url: str, args: argparse.Namespace) -> None:
    started = time.perf_counter()
    event_id, token, codes = seed(url, args.registrations)
    print(f"{name}: {args.registrations} confirmed registrations seeded in {time.perf_counter() - started:.1f} s")
    with tempfile.TemporaryDirectory() as workdir:
        process, base = start_server(url, workdir)
        try:
            single, rest = codes[:args.sequential], codes[args.sequential:]
            report("one phone, first scans", *scan(base, event_id, token, single, 1))
            report(f"{args.clients} phones, first scans", *scan(base, event_id, token, rest, args.clients))
            report(f"{args.clients} phones, repeat scans", *scan(base, event_id, token, codes[:args.sequential], args.clients))
        finally:
            process.terminate()
            process.wait(10)


def postgres_database(base_url: str) -> tuple[str, callable]:
    url = make_url(base_url)
    name = f"convene_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


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
