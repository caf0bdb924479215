"""The database restarted under load: 503 problem+json at once while it is down, and the service
recovers by itself when it is back (PostgreSQL, on a database of this test's own)."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app.core import db as db_module
from app.core.db import Database
from app.core.migrate import upgrade
from app.main import create_app
from tests.conftest import create_postgres_database, make_test_settings, served_in_thread
from tests.factories import create_event
from tests.registration.conftest import registration_payload


@pytest.fixture
def own_database():
    url, drop = create_postgres_database()
    database = Database(url)
    upgrade(database.engine)
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = make_url(url).database

    def set_down(down: bool) -> None:
        """Down: refuse new connections and end every open one, as a restart does."""
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {"false" if down else "true"}'))
            if down:
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                )

    yield url, database, set_down
    set_down(False)
    database.dispose()
    admin.dispose()
    drop()


def test_requests_fail_fast_with_503_while_the_database_is_down_and_recover_without_restart(own_database):
    url, database, set_down = own_database
    with database.transaction() as session:
        event_id = create_event(session).id
    answers: list[tuple[int, float, str]] = []
    stop = threading.Event()

    def load(base: str) -> None:  # registrations keep coming all along
        with httpx.Client(base_url=base, timeout=30) as client:
            while not stop.is_set():
                started = time.monotonic()
                response = client.post(f"/api/v1/events/{event_id}/registrations", json=registration_payload())
                answers.append((response.status_code, time.monotonic() - started, response.headers["content-type"]))

    with served_in_thread(create_app(make_test_settings(url))) as base:
        clients = [threading.Thread(target=load, args=(base,)) for _ in range(3)]
        for client in clients:
            client.start()
        time.sleep(1.5)
        set_down(True)
        time.sleep(2)
        down = httpx.post(f"{base}/api/v1/events/{event_id}/registrations", json=registration_payload(), timeout=30)
        health = httpx.get(f"{base}/healthz", timeout=30)
        set_down(False)
        time.sleep(2)
        stop.set()
        for client in clients:
            client.join()
        after = httpx.post(f"{base}/api/v1/events/{event_id}/registrations", json=registration_payload(), timeout=30)

    assert down.status_code == 503, down.text
    assert down.headers["content-type"] == "application/problem+json" and down.headers["retry-after"] == "5"
    assert down.json()["title"] == "Service unavailable"
    assert health.status_code == 503
    assert after.status_code == 201, after.text  # the same process, recovered by itself

    statuses = [status for status, _, _ in answers]
    assert set(statuses) <= {201, 503}, f"only 201 or 503 under a restart, never a 500: {set(statuses)}"
    assert 503 in statuses and statuses[-1] == 201
    unavailable = [(seconds, kind) for status, seconds, kind in answers if status == 503]
    assert all(kind == "application/problem+json" for _, kind in unavailable)
    assert max(seconds for seconds, _ in unavailable) < 5, "a 503 must come fast, not after a long hang"


def _backend_pid(database: Database) -> int:
    with database.transaction(write=False) as session:
        return session.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_an_idle_connection_is_pinged_and_replaced_a_busy_one_fails_once(own_database, monkeypatch):
    """Connections idle for a while are pinged before they are lent: a dropped one is replaced
    unseen. One lent straight back is not (a round trip per request saved): if it dropped meanwhile,
    its statement fails once, and the pool replaces every connection."""
    _url, database, set_down = own_database
    first = _backend_pid(database)
    set_down(True)
    set_down(False)
    monkeypatch.setattr(db_module, "PING_AFTER_IDLE_SECONDS", 0.0)
    assert _backend_pid(database) != first  # pinged, found dead, replaced: no error

    monkeypatch.setattr(db_module, "PING_AFTER_IDLE_SECONDS", 3600.0)
    _backend_pid(database)
    set_down(True)
    set_down(False)
    with pytest.raises(OperationalError):
        _backend_pid(database)
    _backend_pid(database)  # the pool was renewed
