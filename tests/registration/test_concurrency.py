"""No overbooking, ever: 500 registrations at once over real HTTP, against 2 server processes.

The server is a real uvicorn with two worker processes on the test database, so the capacity
rule is exercised by concurrent transactions in separate processes (and, on SQLite, by the
busy timeout between them), not by the in-process lock alone.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import httpx
from sqlalchemy import select

from app.events.models import Event
from app.notifications.models import OutboxEmail
from app.registration import capacity
from app.registration.models import Registration, RegistrationStatus
from app.registration.service import RESEND_PERIOD_SECONDS
from tests.registration.conftest import open_event, registration_payload

REQUESTS, SEATS, CONCURRENCY = 500, 100, 50


async def _register_all(base: str, event_id: int, emails: list[str]) -> list[httpx.Response]:
    limit = asyncio.Semaphore(CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=httpx.Limits(max_connections=CONCURRENCY)) as client:

        async def one(email: str) -> httpx.Response:
            async with limit:
                return await client.post(
                    f"/api/v1/events/{event_id}/registrations", json=registration_payload(email=email)
                )

        return await asyncio.gather(*(one(email) for email in emails))


def test_500_concurrent_registrations_for_100_seats_never_overbook(db, live_server):
    with db.transaction() as session:
        event_id = open_event(session, capacity=SEATS).id

    responses = asyncio.run(_register_all(live_server, event_id, [f"load{n}@example.org" for n in range(REQUESTS)]))

    assert Counter(response.status_code for response in responses) == {201: REQUESTS}
    bodies = [response.json() for response in responses]
    assert Counter(body["status"] for body in bodies) == {"confirmed": SEATS, "waitlisted": REQUESTS - SEATS}
    with db.transaction(write=False) as session:
        stored = session.execute(select(Registration).where(Registration.event_id == event_id)).scalars().all()
    assert Counter(r.status for r in stored) == {
        RegistrationStatus.confirmed: SEATS,
        RegistrationStatus.waitlisted: REQUESTS - SEATS,
    }
    # Positions as answered are exactly 1..400, and agree with the order stored.
    assert sorted(body["waitlist_position"] for body in bodies if body["status"] == "waitlisted") == list(
        range(1, REQUESTS - SEATS + 1)
    )
    ranks = sorted(r.waitlist_rank for r in stored if r.status is RegistrationStatus.waitlisted)
    assert ranks == list(range(1, REQUESTS - SEATS + 1))

    # The same address many times at once (clicks racing each other): one registration, the
    # others told it exists; the counters still equal the counts, one email per registration.
    started = time.time()
    twice = asyncio.run(_register_all(live_server, event_id, ["double@example.org"] * 20))
    # The link goes again at most once per quarter hour of the clock: twice if the burst crossed one.
    resent = int(time.time()) // RESEND_PERIOD_SECONDS - int(started) // RESEND_PERIOD_SECONDS + 1
    assert Counter(response.status_code for response in twice) == {201: 1, 409: 19}
    with db.transaction(write=False) as session:
        assert capacity.differences(session) == []
        event = session.get(Event, event_id)
        assert (event.seats_held, event.waiting_count) == (SEATS, REQUESTS - SEATS + 1)
        templates = Counter(session.execute(select(OutboxEmail.template)).scalars())
    assert templates == {"registered": SEATS, "waitlisted": REQUESTS - SEATS + 1, "link_resent": resent}
