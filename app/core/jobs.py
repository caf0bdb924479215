"""Background jobs: rows in a queue table (app.core.queue), run by ``convene worker`` processes.

A job is written in the same transaction as the change that asks for it, so it exists exactly
when that change does, and survives restarts (no in-process background tasks).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import JSON, Column, Index, String
from sqlalchemy.orm import Session
from sqlmodel import Field

from app.core.db import Database
from app.core.queue import Heartbeat, QueueItem, claim, record
from app.core.types import UTCDateTime, utcnow

log = logging.getLogger("convene.jobs")


class Job(QueueItem, table=True):
    __tablename__ = "job"
    __table_args__ = (Index("ix_job_due", "status", "due_at"),)

    id: int = Field(default=None, primary_key=True)
    kind: str = Field(sa_column=Column(String(64), nullable=False))
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


# kind -> handler(database, payload). A handler opens the transactions it needs (a long one would
# hold SQLite's writer), and may raise.
JobHandler = Callable[[Database, dict], None]


def enqueue(session: Session, kind: str, payload: dict, *, due_at: datetime | None = None) -> Job:
    job = Job(kind=kind, payload=payload, due_at=due_at or utcnow())
    session.add(job)
    session.flush()
    return job


def run_due_jobs(database: Database, handlers: dict[str, JobHandler], *, lease: timedelta) -> int:
    """Run every job that is due, one at a time, its lease renewed while it runs; returns how many ran."""
    ran = 0
    while jobs := claim(database, Job, limit=1, lease=lease):
        [job] = jobs
        error = None
        with Heartbeat(database, Job, [job.id], lease) as heartbeat:
            try:
                handler = handlers.get(job.kind)
                if handler is None:
                    raise LookupError(f"no handler for job kind {job.kind!r}")
                handler(database, job.payload)
            except Exception as failure:  # a job's failure is recorded on the job, never lost
                log.exception("job %s (%s) failed", job.id, job.kind)
                error = f"{type(failure).__name__}: {failure}"
            heartbeat.release(job.id)
        record(database, Job, job.id, error=error)
        ran += 1
    return ran
