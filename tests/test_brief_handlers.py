"""Brief handlers (``app.core.deps.brief``): on SQLite they run in the event loop while no other
process writes, and in a worker thread otherwise, so the loop never waits on another process's lock."""

from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import make_url

from app.core.deps import SessionDep, TransactionRoute, brief
from app.directory.models import Organisation, OrganisationType
from app.main import create_app


@pytest.fixture
def probe(db, settings):
    """An app with a brief write handler and an async route, each saying which thread it ran in."""
    router = APIRouter(route_class=TransactionRoute)

    @router.post("/brief")
    @brief
    def write(session: SessionDep, name: str) -> JSONResponse:
        session.add(Organisation(name=name, type=OrganisationType.other))
        session.flush()
        return JSONResponse({"thread": threading.current_thread().name}, status_code=201)

    @router.get("/loop")
    async def loop() -> dict:
        return {"thread": threading.current_thread().name}

    app = create_app(settings, database=db)
    app.include_router(router)
    with TestClient(app) as client:
        yield client


def _stored(db) -> list[str]:
    with db.transaction(write=False) as session:
        return sorted(session.execute(select(Organisation.name)).scalars())


def test_a_brief_handler_runs_in_the_event_loop_on_sqlite_and_in_a_thread_on_postgresql(probe, db):
    loop_thread = probe.get("/loop").json()["thread"]
    answer = probe.post("/brief", params={"name": "Inline"})
    assert answer.status_code == 201
    assert (answer.json()["thread"] == loop_thread) is db.is_sqlite
    assert _stored(db) == ["Inline"]


def test_while_another_process_writes_it_waits_in_a_thread_and_the_loop_answers_meanwhile(probe, db):
    if not db.is_sqlite:
        pytest.skip("SQLite's write lock; PostgreSQL handlers always run in a thread")
    other_process = sqlite3.connect(make_url(db.url).database, isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")  # holds the database's write lock, as a CLI import would
    with ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(probe.post, "/brief", params={"name": "Waited"})
        time.sleep(0.5)  # the registration has reached the lock
        asked = time.monotonic()
        loop_thread = probe.get("/loop").json()["thread"]
        assert time.monotonic() - asked < 2  # the loop is not blocked (SQLite's busy timeout is 30 s)
        assert not waiting.done()
        other_process.execute("COMMIT")
        answer = waiting.result(timeout=30)
    other_process.close()
    assert answer.status_code == 201
    assert answer.json()["thread"] != loop_thread
    assert _stored(db) == ["Waited"]
