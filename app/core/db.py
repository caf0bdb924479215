"""Engine and unit of work.

One mechanism for every unit of work (a request, a page, a CLI command, a job): ``Database.begin``,
a ``Transaction`` that commits when the work succeeds and rolls back whenever it fails, an error
answered as a response included. Services flush, never commit. A change that must outlive a
rollback says so by name: ``keep_after_rollback``.

SQLite allows one writer at a time. Left to its busy handler, concurrent writers back off and
sleep (310 registrations/s against 3,600/s, measured); worse, a deferred transaction that reads and
then writes can fail outright when another writer got in between. So write transactions start
with ``BEGIN IMMEDIATE`` and are serialised inside the process by a lock; the busy timeout
only arbitrates between processes.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, MetaData, Result, Table, create_engine, event
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata


def table_of(model: type[SQLModel]) -> Table:
    """The Table a table model maps to, for Core statements (bulk inserts, RETURNING)."""
    # SQLAlchemy's declarative mapping sets __table__ on every table model; SQLModel does not declare it.
    return model.__table__  # type: ignore[attr-defined]


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE matched: Session.execute returns a CursorResult for those, typed as a Result."""
    return cast(CursorResult[Any], result).rowcount


_IMMEDIATE = "convene_immediate"
_NO_WAIT = "convene_no_wait"  # with _IMMEDIATE: fail rather than wait for another process's write
BUSY_TIMEOUT_MS = 30_000


POOL_SIZE, POOL_OVERFLOW = 5, 10
# While the database is down or restarting, a request fails within this many seconds (a 503)
# instead of hanging; once it is back, the pool replaces the dead connections (_ping_idle_connections).
CONNECT_TIMEOUT, POOL_TIMEOUT = 5, 10

# What the driver raises when the database cannot be reached or dropped the connection (a
# restart, a failover, pg_terminate_backend), or when no connection came free in time.
UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
            pool_size=POOL_SIZE,
            max_overflow=POOL_OVERFLOW,
        )
        _configure_sqlite(engine)
        return engine
    engine = create_engine(
        url,
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
        pool_timeout=POOL_TIMEOUT,
        connect_args={"connect_timeout": CONNECT_TIMEOUT},
    )
    _ping_idle_connections(engine)
    return engine


# A connection back in the pool for longer than this is pinged before it is lent again.
PING_AFTER_IDLE_SECONDS = 1.0
_CHECKED_IN_AT = "convene_checked_in_at"


def _ping_idle_connections(engine: Engine) -> None:
    """SQLAlchemy's pre-ping, but only for connections that sat idle: pinging every checkout cost a
    round trip per request (some 15% of a registration's time on PostgreSQL). A connection in steady
    use has just answered; one that dropped during a restart fails its next statement, which
    answers 503 and makes the pool replace all its connections (SQLAlchemy invalidates the pool on
    a disconnect). Idle connections, the ones likely to be stale, are still checked first."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record):
        record.info[_CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy):
        checked_in_at = record.info.get(_CHECKED_IN_AT)
        if checked_in_at is None or time.monotonic() - checked_in_at < PING_AFTER_IDLE_SECONDS:
            return  # new, or just used
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError("the connection did not answer its ping") from error


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        options = connection.get_execution_options()
        # Straight to the driver: SQLAlchemy's statement machinery (events, a result object) cost
        # more than the BEGIN itself, once per transaction.
        driver = connection.connection.driver_connection
        if not options.get(_NO_WAIT, False):
            driver.execute("BEGIN IMMEDIATE" if options.get(_IMMEDIATE, False) else "BEGIN")
            return
        # Give up at once, rather than wait, if another process holds the write lock.
        driver.execute("PRAGMA busy_timeout=0")
        try:
            driver.execute("BEGIN IMMEDIATE")
        finally:
            driver.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


class Database:
    """The engine plus the rules for opening a transaction on it."""

    # Sessions that may hold a connection at once; more would wait on the pool inside a thread.
    pool_capacity = POOL_SIZE + POOL_OVERFLOW

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._write_lock = threading.Lock() if self.is_sqlite else None
        self._write_bind = self.engine.execution_options(**{_IMMEDIATE: True}) if self.is_sqlite else self.engine

    def begin(self, *, write: bool = True) -> Transaction:
        """A unit of work: the one way into the database for routes, pages, commands and jobs."""
        return Transaction(self, write=write)

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on error."""
        transaction = self.begin(write=write)
        try:
            yield transaction.db
        except BaseException:
            transaction.end(commit=False)
            raise
        transaction.end(commit=True)

    def dispose(self) -> None:
        self.engine.dispose()


class Transaction:
    """One session from its first statement to its commit or rollback, holding the process's
    writer lock on SQLite meanwhile. ``end`` may be called from another thread than the one that
    began it (the request's transaction begins in the event loop and ends in a worker thread)."""

    def __init__(self, database: Database, *, write: bool):
        self._lock = database._write_lock if write else None
        if self._lock is not None:
            self._lock.acquire()
        self._bind = database._write_bind if write else database.engine
        self.db = Session(self._bind, expire_on_commit=False)

    def began_without_waiting(self) -> bool:
        """Begin a SQLite write transaction now, if no other process (a worker, a CLI command) holds the
        database's write lock; this process's writers have taken their turns before a Transaction is
        made. False, with nothing begun, when one does (the next statement begins and waits), on
        PostgreSQL and for reads: the caller must then not block its thread on the database."""
        if self._lock is None:
            return False
        if self.db.in_transaction():  # begun already (a dependency read the caller's token): it holds the lock
            return True
        try:
            self.db.connection(execution_options={_NO_WAIT: True})
        except (OperationalError, sqlite3.OperationalError):  # "database is locked", raised by the BEGIN itself
            self.db.close()  # the session begins afresh on its next statement
            return False
        return True

    def end(self, *, commit: bool) -> None:
        """Commit, or roll back and then store what was kept despite a rollback (``keep_after_rollback``)."""
        try:
            with self.db:
                kept = self.db.info.pop(_KEPT, [])
                if commit:
                    for work in kept:
                        work(self.db)
                    self.db.commit()
                    return
                self.db.rollback()
            if kept:
                with Session(self._bind, expire_on_commit=False) as db, db.begin():
                    for work in kept:
                        work(db)
        finally:
            if self._lock is not None:
                self._lock.release()


_KEPT = "convene_kept_after_rollback"


def keep_after_rollback(db: Session, work: Callable[[Session], None]) -> None:
    """Store ``work(db)`` whatever becomes of the transaction of ``db``: with it when it commits, in a
    transaction of its own right after it when it is rolled back.

    The explicit exception to "an error rolls everything back", for a change that must outlive the
    refusal it accompanies (a duplicate registration re-sends the person's link while refusing).
    ``work`` gets the session it runs in and must load what it needs by id.
    """
    db.info.setdefault(_KEPT, []).append(work)
