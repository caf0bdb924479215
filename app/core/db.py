"""Engine and unit of work.

The request is the transaction: one session per request, committed when the handler returns,
rolled back when it raises. Services flush, never commit.

SQLite allows one writer at a time. Left to its busy handler, concurrent writers back off and
sleep (PERFORMANCE.md: 310/s against 3,600/s); worse, a deferred transaction that reads and
then writes can fail outright when another writer got in between. So write transactions start
with ``BEGIN IMMEDIATE`` and are serialised inside the process by a lock; the busy timeout
only arbitrates between processes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from sqlalchemy import Engine, MetaData, create_engine, event
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

_IMMEDIATE = "convene_immediate"


POOL_SIZE, POOL_OVERFLOW = 5, 10


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        immediate = connection.get_execution_options().get(_IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


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

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on error."""
        lock = self._write_lock if (write and self._write_lock is not None) else nullcontext()
        with lock:
            with self.session(write=write) as session:
                try:
                    yield session
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise

    def session(self, *, write: bool) -> Session:
        """A bare session (the caller commits): write sessions start with BEGIN IMMEDIATE on SQLite."""
        return Session(self._write_bind if write else self.engine, expire_on_commit=False)

    def dispose(self) -> None:
        self.engine.dispose()
