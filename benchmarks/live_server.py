"""What the HTTP benchmarks share: a uvicorn server on a fresh port, and a throwaway PostgreSQL database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# The command as installed beside this interpreter: the server runs as `convene serve` runs it.
CONVENE = str(Path(sys.executable).parent / "convene")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, *, workers: int = 1) -> tuple[subprocess.Popen, str]:
    """``convene serve`` on ``url``'s database; returns (process, base URL) once it answers.
    Emails stay in the outbox (no SMTP), whatever a local .env says."""
    port = free_port()
    env = {
        **os.environ,
        "CONVENE_DATABASE_URL": url,
        "CONVENE_SECRET_KEY": "benchmark-secret",
        "CONVENE_SMTP_URL": "",
        "CONVENE_RATE_LIMITS": "off",
    }
    process = subprocess.Popen(
        [CONVENE, "serve", "--port", str(port), "--workers", str(workers), "--log-level", "warning"],
        env=env,
        cwd=PROJECT_ROOT,
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


def postgres_database(base_url: str) -> tuple[str, Callable[[], None]]:
    """A new, empty database on the server of ``base_url``; returns (its URL, a function that drops it)."""
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
