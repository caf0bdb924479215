"""A queue in a table, shared by the email outbox and background jobs.

An item is written in the same transaction as the change that asks for it, so it exists exactly
when that change does. ``convene worker`` processes claim due items: the claim marks them
``running`` with a lease (``due_at`` = now + lease) and commits; on PostgreSQL with
``FOR UPDATE SKIP LOCKED`` so several workers share the queue, on SQLite inside a write
transaction, which SQLite serialises. While a worker holds items, a heartbeat thread renews
their lease, so a slow batch never outlives it; a worker that dies stops renewing, and its items
become due again one lease later. Each item's outcome is recorded as soon as it is known, so a
crash repeats at most the item in flight. A failure is retried with exponential backoff and
given up after ``MAX_ATTEMPTS`` (unless the caller says the failure is not the item's fault).
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Text, select, update
from sqlmodel import Field, SQLModel, col

from app.core.db import Database
from app.core.types import UTCDateTime, enum_column, utcnow

log = logging.getLogger("convene.queue")

MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)


class QueueStatus(str, enum.Enum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class QueueItem(SQLModel):
    """The columns every queue table has (a mixin: each table gets its own copy)."""

    status: QueueStatus = Field(
        default=QueueStatus.queued, sa_type=enum_column(QueueStatus, "queue_status"), nullable=False
    )
    attempts: int = Field(default=0, nullable=False)
    # When a queued item may run; while it runs, when its lease ends.
    due_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    last_error: str | None = Field(default=None, sa_type=Text, nullable=True)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)

    if TYPE_CHECKING:  # each queue table declares its own primary key; the mixin's code reads it
        id: int


Q = TypeVar("Q", bound=QueueItem)


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... up to one hour."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def claim(database: Database, model: type[Q], *, limit: int, lease: timedelta) -> list[Q]:
    """Take up to ``limit`` due items (queued, or running with an expired lease) and return them."""
    with database.transaction() as session:
        now = utcnow()
        statement = (
            select(model)
            .where(col(model.status).in_((QueueStatus.queued, QueueStatus.running)), col(model.due_at) <= now)
            .order_by(col(model.due_at), col(model.id))
            .limit(limit)
        )
        if not database.is_sqlite:
            statement = statement.with_for_update(skip_locked=True)
        items = list(session.execute(statement).scalars())
        for item in items:
            item.status, item.attempts, item.due_at = QueueStatus.running, item.attempts + 1, now + lease
        return items


def record(
    database: Database, model: type[QueueItem], item_id: int, *, error: str | None = None, gives_up: bool | None = None
) -> None:
    """Record one item's outcome: done without ``error``; with one, queued again after its backoff,
    or failed once it has had ``MAX_ATTEMPTS`` (``gives_up`` overrides that count)."""
    with database.transaction() as session:
        item = session.get_one(model, item_id)
        now = utcnow()
        if error is None:
            item.status, item.last_error, item.finished_at = QueueStatus.done, None, now
            return
        item.last_error = error
        if item.attempts >= MAX_ATTEMPTS if gives_up is None else gives_up:
            item.status, item.finished_at = QueueStatus.failed, now
        else:
            item.status, item.due_at = QueueStatus.queued, now + retry_delay(item.attempts)


class Heartbeat:
    """Renews the lease of the items a worker still holds, every third of the lease, until each is
    released (its outcome recorded) or the worker stops. Use as a context manager."""

    def __init__(self, database: Database, model: type[QueueItem], ids: Iterable[int], lease: timedelta):
        self._database, self._model, self._lease = database, model, lease
        self._held = set(ids)
        self._guard = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="convene-heartbeat", daemon=True)

    def release(self, item_id: int) -> None:
        with self._guard:
            self._held.discard(item_id)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(self._lease.total_seconds() / 3):
            with self._guard:
                held = list(self._held)
            if not held:
                continue
            try:
                with self._database.transaction() as session:
                    session.execute(
                        update(self._model)
                        .where(col(self._model.id).in_(held), col(self._model.status) == QueueStatus.running)
                        .values(due_at=utcnow() + self._lease)
                    )
            except Exception:  # a missed beat is survivable: the next one, or the lease, follows
                log.exception("could not renew the lease of %d item(s)", len(held))
