"""Real ``convene worker`` processes against a slow SMTP server: every email once, even when a
batch outlives a lease many times over, and nothing lost when a worker is killed mid-batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.core.queue import QueueStatus
from app.notifications.models import OutboxEmail
from tests.conftest import PROJECT_ROOT, stop_process_group
from tests.notifications.test_delivery import _queue

CONVENE = Path(sys.executable).with_name("convene")
LEASE_SECONDS = 1.5


def _start_worker(backend_url: str, smtp_url: str, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "CONVENE_DATABASE_URL": backend_url,
        "CONVENE_SMTP_URL": smtp_url,
        "CONVENE_SECRET_KEY": "worker-test-secret",
        "CONVENE_WORKER_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    return subprocess.Popen(
        [str(CONVENE), "worker"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _count_done(db) -> int:
    with db.transaction(write=False) as session:
        return session.execute(
            select(func.count()).select_from(OutboxEmail).where(OutboxEmail.status == QueueStatus.done)
        ).scalar_one()


def _wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def workers():
    started: list[subprocess.Popen] = []
    yield started
    for worker in started:
        stop_process_group(worker)


def test_two_workers_and_a_slow_server_send_every_email_once(db, backend_url, smtp_server, workers, tmp_path):
    smtp_server.handler.delay = 0.15  # 30 emails take 4.5 s: three leases, so only renewal keeps the claim
    smtp_server.start()
    workers += [_start_worker(backend_url, smtp_server.url, tmp_path / f"worker{n}.log") for n in range(2)]
    _queue(db, count=30)
    _wait_for(lambda: _count_done(db) == 30, 90, "30 emails sent")
    time.sleep(3 * LEASE_SECONDS)  # a stolen claim would show as a late second copy
    recipients = Counter(message["To"] for message in smtp_server.handler.messages)
    assert recipients == Counter(f"ada{n}@example.org" for n in range(30))
    assert len({message["Message-ID"] for message in smtp_server.handler.messages}) == 30


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_at_most_the_email_in_flight(
    db, backend_url, smtp_server, workers, tmp_path
):
    smtp_server.handler.delay = 0.3
    smtp_server.start()
    _queue(db, count=20)
    workers.append(_start_worker(backend_url, smtp_server.url, tmp_path / "killed.log"))
    _wait_for(lambda: len(smtp_server.handler.messages) >= 5, 60, "the first worker to send five emails")
    os.killpg(workers[0].pid, signal.SIGKILL)
    workers[0].wait()
    killed_at = time.monotonic()
    workers.append(_start_worker(backend_url, smtp_server.url, tmp_path / "second.log"))
    _wait_for(lambda: _count_done(db) == 20, 90, "the second worker to send the rest")
    # The killed worker's claim ran out after one lease (not five minutes), then the rest went out.
    assert time.monotonic() - killed_at < 60

    received = Counter(message["To"] for message in smtp_server.handler.messages)
    assert set(received) == {f"ada{n}@example.org" for n in range(20)}
    assert sum(received.values()) - 20 <= 1, received
    for address in (address for address, count in received.items() if count > 1):  # the one in flight
        ids = {m["Message-ID"] for m in smtp_server.handler.messages if m["To"] == address}
        assert len(ids) == 1, "a resend must carry the first attempt's Message-ID"
