"""Background jobs: rows in a table, claimed by ``convene worker`` processes.

A job is written in the same transaction as the change that asks for it, so it exists exactly
when that change does, and survives restarts (no in-process background tasks). On PostgreSQL,
workers claim with ``SELECT ... FOR UPDATE SKIP LOCKED`` so several can share the queue; on
SQLite the claim runs inside a write transaction, which SQLite already serialises.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import JSON, Column, Index, Integer, String, Text, select
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from app.core.db import Database
from app.core.types import UTCDateTime, enum_column, utcnow

log = logging.getLogger("convene.jobs")

MAX_ATTEMPTS = 5


class JobStatus(str, enum.Enum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class Job(SQLModel, table=True):
    __tablename__ = "job"
    __table_args__ = (Index("ix_job_due", "status", "run_after"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_column=Column(String(64), nullable=False))
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    status: JobStatus = Field(default=JobStatus.queued, sa_column=Column(enum_column(JobStatus, "job_status"), nullable=False))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    run_after: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


# kind -> handler(session, payload). Handlers run inside their own transaction and may raise.
JobHandler = Callable[[Session, dict], None]


def enqueue(session: Session, kind: str, payload: dict, *, run_after: datetime | None = None) -> Job:
    job = Job(kind=kind, payload=payload, run_after=run_after or utcnow())
    session.add(job)
    session.flush()
    return job


def _claim(database: Database) -> Job | None:
    """Mark the oldest due job running and return it, or None when nothing is due."""
    with database.transaction() as session:
        statement = (
            select(Job).where(Job.status == JobStatus.queued, Job.run_after <= utcnow())
            .order_by(Job.run_after, Job.id).limit(1)
        )
        if not database.is_sqlite:
            statement = statement.with_for_update(skip_locked=True)
        job = session.execute(statement).scalar_one_or_none()
        if job is None:
            return None
        job.status = JobStatus.running
        job.attempts += 1
        return job


def _finish(database: Database, job_id: int, error: str | None) -> None:
    with database.transaction() as session:
        job = session.get(Job, job_id)
        if error is None:
            job.status, job.error, job.finished_at = JobStatus.done, None, utcnow()
        elif job.attempts >= MAX_ATTEMPTS:
            job.status, job.error, job.finished_at = JobStatus.failed, error, utcnow()
        else:
            # Back off exponentially: 30 s, 1 min, 2 min, 4 min.
            job.status, job.error = JobStatus.queued, error
            job.run_after = utcnow() + timedelta(seconds=30 * 2 ** (job.attempts - 1))


def run_due_jobs(database: Database, handlers: dict[str, JobHandler]) -> int:
    """Run every job that is due; returns how many ran."""
    ran = 0
    while (job := _claim(database)) is not None:
        handler = handlers.get(job.kind)
        error = None
        try:
            if handler is None:
                raise LookupError(f"no handler for job kind {job.kind!r}")
            with database.transaction() as session:
                handler(session, job.payload)
        except Exception as failure:  # a job's failure is recorded on the job, never lost
            log.exception("job %s (%s) failed", job.id, job.kind)
            error = f"{type(failure).__name__}: {failure}"
        _finish(database, job.id, error)
        ran += 1
    return ran
