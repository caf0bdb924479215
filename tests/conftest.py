"""Test fixtures: a real SQLite file and, when CONVENE_TEST_DATABASE_URL is set, a real PostgreSQL.

Each backend's database is built once by running the migrations; every test starts from empty
tables (they are cleared after each test), so no test sees another's data.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.db import Database, metadata
from app.core.migrate import upgrade
from app.core.security import Role, create_token
from app.main import create_app

REQUIRE_SERVICES = os.environ.get("CONVENE_REQUIRE_SERVICES") == "1"
PROJECT_ROOT = Path(__file__).resolve().parents[1]
CONVENE = str(Path(sys.executable).parent / "convene")  # the command, installed beside this interpreter
BACKENDS = ["sqlite", "postgresql"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served_in_thread(app, port: int | None = None) -> Iterator[str]:
    """``app`` served by uvicorn on a real port, in a thread of this process; yields its base URL."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port or free_port(), log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(10)


def missing_service(reason: str) -> None:
    """Skip, unless CI demands every service, in which case the absence is a failure."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


def _postgres_url() -> str | None:
    return os.environ.get("CONVENE_TEST_DATABASE_URL")


def create_postgres_database() -> tuple[str, callable]:
    """A new, empty PostgreSQL database on the test server; returns its URL and a dropper."""
    base = _postgres_url()
    if not base:
        missing_service("CONVENE_TEST_DATABASE_URL is not set")
    url = make_url(base)
    name = f"convene_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # the server is down or refuses us
        admin.dispose()
        missing_service(f"PostgreSQL at {url.render_as_string(hide_password=True)}: {error}")

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def make_test_settings(database_url: str) -> Settings:
    # Rate limits off: the suite posts many registrations from one address (tests/test_rate_limits.py turns them on).
    return Settings(
        database_url=database_url,
        secret_key="test-secret-key",
        smtp_url=None,
        base_url="http://testserver",
        rate_limits="off",
        webhooks_allow_private=True,
        _env_file=None,
    )


@pytest.fixture(scope="session", params=BACKENDS)
def backend_url(request, tmp_path_factory) -> Iterator[str]:
    """A migrated database per backend, shared by the tests of the session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'convene.db'}"
        drop = None
    else:
        url, drop = create_postgres_database()
    database = Database(url)
    upgrade(database.engine)
    database.dispose()
    yield url
    if drop:
        drop()


def clear_tables(database: Database) -> None:
    # DELETE beats TRUNCATE here: the tables are tiny and TRUNCATE's fixed cost is ~0.3 s a test.
    with database.engine.begin() as connection:
        existing = set(inspect(connection).get_table_names())
        for table in reversed(metadata.sorted_tables):
            if table.name in existing:
                connection.execute(table.delete())


@pytest.fixture(scope="session")
def shared_database(backend_url) -> Iterator[Database]:
    database = Database(backend_url)
    yield database
    database.dispose()


@pytest.fixture
def db(shared_database: Database) -> Iterator[Database]:
    """The backend's database, emptied after the test."""
    try:
        yield shared_database
    finally:
        clear_tables(shared_database)


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    """A session for service tests; what it writes is committed (tables are cleared afterwards)."""
    with db.transaction() as session:
        yield session


@pytest.fixture
def settings(backend_url) -> Settings:
    return make_test_settings(backend_url)


@pytest.fixture
def client(db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, database=db)) as test_client:
        yield test_client


def token_headers(db: Database, role: Role, event_id: int | None = None) -> dict[str, str]:
    with db.transaction() as session:
        raw = create_token(session, role=role, name=f"test {role.value}", event_id=event_id)
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def organiser(db: Database) -> dict[str, str]:
    """Headers of an organiser token valid for every event."""
    return token_headers(db, Role.organiser)


@pytest.fixture
def admin(db: Database) -> dict[str, str]:
    return token_headers(db, Role.admin)


def stop_process_group(process: subprocess.Popen, timeout: float = 15) -> None:
    """Stop ``process`` (started with ``start_new_session``) and its children: SIGTERM, then SIGKILL
    for what is still there after ``timeout`` seconds."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:  # the whole group has already gone
        return
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture
def live_server(db, backend_url, tmp_path):
    """``convene serve`` with two worker processes on the test database, as production runs; yields its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "CONVENE_DATABASE_URL": backend_url,
        "CONVENE_SECRET_KEY": "concurrency-test-secret",
        "CONVENE_SMTP_URL": "",
        "CONVENE_RATE_LIMITS": "off",
    }
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [
            CONVENE,
            "serve",
            "--workers",
            "2",
            "--port",
            str(port),
            "--log-level",
            "info",  # the supervisor's word on its workers (started, died), without a line per request
            "--no-access-log",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a loaded machine takes a while to import the app twice
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
        stop_process_group(server)
        log.close()
        # Shown by pytest only when the test fails: what the server said (a worker restarted, a traceback).
        print((tmp_path / "server.log").read_text())
