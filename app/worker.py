"""``convene worker``: delivers the email outbox and runs queued jobs, until stopped or drained."""

from __future__ import annotations

import logging
import time

from app.core.config import Settings
from app.core.db import Database
from app.core.jobs import JobHandler, run_due_jobs

log = logging.getLogger("convene.worker")

# Every job kind the application enqueues, and the function that runs it.
JOB_HANDLERS: dict[str, JobHandler] = {}


def drain(database: Database, settings: Settings) -> int:
    """Do everything that is due now; returns how many emails and jobs were handled."""
    return run_due_jobs(database, JOB_HANDLERS)


def run(settings: Settings, *, once: bool = False, interval: float = 2.0) -> None:
    database = Database(settings.database_url)
    try:
        while True:
            handled = drain(database, settings)
            if once:
                log.info("drained %d item(s)", handled)
                return
            if not handled:
                time.sleep(interval)
    finally:
        database.dispose()
