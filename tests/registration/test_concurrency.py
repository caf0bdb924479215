"""No overbooking, ever: 500 registrations at once over real HTTP, against 2 server processes.

The server is a real uvicorn with two worker processes on the test database, so the capacity
rule is exercised by concurrent transactions in separate processes (and, on SQLite, by the
busy timeout between them), not by the in-process lock alone.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from app.registration.models import Registration, RegistrationStatus
from tests.notifications.conftest import free_port
from tests.registration.conftest import open_event, registration_payload

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REQUESTS, SEATS, CONCURRENCY = 500, 100, 50


@pytest.fixture
def live_server(db, backend_url, tmp_path):
    port = free_port()
    env = {**os.environ, "CONVENE_DATABASE_URL": backend_url, "CONVENE_SECRET_KEY": "concurrency-test-secret",
           "CONVENE_SMTP_URL": ""}
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--workers", "2",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not start: {(tmp_path / 'server.log').read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


async def _register_all(base: str, event_id: int) -> list[httpx.Response]:
    limit = asyncio.Semaphore(CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, timeout=60,
                                 limits=httpx.Limits(max_connections=CONCURRENCY)) as client:
        async def one(number: int) -> httpx.Response:
            async with limit:
                return await client.post(f"/api/v1/events/{event_id}/registrations",
                                         json=registration_payload(email=f"load{number}@example.org"))
        return await asyncio.gather(*(one(number) for number in range(REQUESTS)))


def test_500_concurrent_registrations_for_100_seats_never_overbook(db, live_server):
    with db.transaction() as session:
        event_id = open_event(session, capacity=SEATS).id

    responses = asyncio.run(_register_all(live_server, event_id))

    assert Counter(response.status_code for response in responses) == {201: REQUESTS}
    bodies = [response.json() for response in responses]
    assert Counter(body["status"] for body in bodies) == {"confirmed": SEATS, "waitlisted": REQUESTS - SEATS}
    with db.transaction(write=False) as session:
        stored = session.execute(select(Registration).where(Registration.event_id == event_id)).scalars().all()
    assert Counter(r.status for r in stored) == {RegistrationStatus.confirmed: SEATS,
                                                 RegistrationStatus.waitlisted: REQUESTS - SEATS}
    # Positions as answered are exactly 1..400, and agree with the order stored.
    assert sorted(body["waitlist_position"] for body in bodies if body["status"] == "waitlisted") == \
        list(range(1, REQUESTS - SEATS + 1))
    ranks = sorted(r.waitlist_rank for r in stored if r.status is RegistrationStatus.waitlisted)
    assert ranks == list(range(1, REQUESTS - SEATS + 1))
