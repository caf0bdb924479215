"""FastAPI dependencies shared by every router: the request's session and the caller."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, nullcontext
from typing import Annotated, TypeVar

import anyio
from anyio.lowlevel import RunVar

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.db import Database
from app.core.pagination import MAX_LIMIT, Window
from app.core.security import Principal, authenticate

_READ_METHODS = {"GET", "HEAD", "OPTIONS"}
T = TypeVar("T")
_bearer = HTTPBearer(auto_error=False, description="An API token from `convene token create`")


def get_database(request: Request) -> Database:
    return request.app.state.database


def get_settings_from_app(request: Request) -> Settings:
    return request.app.state.settings


# Per event loop (each server process, each test client): who may open a session now.
_sqlite_writer: RunVar[anyio.Lock] = RunVar("convene_sqlite_writer")
_session_slots: RunVar[anyio.Semaphore] = RunVar("convene_session_slots")


def _loop_local(var: RunVar, factory):
    try:
        return var.get()
    except LookupError:
        value = factory()
        var.set(value)
        return value


@asynccontextmanager
async def _turn(database: Database, write: bool) -> AsyncIterator[None]:
    """Wait for the right to open a session, in the event loop, not in a worker thread: a thread
    that blocked on SQLite's single writer or on an exhausted connection pool would be one fewer for
    the request that holds the lock, and under load every thread ends up waiting (a deadlock on
    SQLite, pool timeouts on PostgreSQL). So a write on SQLite first takes the process's writer
    lock, and no more sessions open than the pool has connections."""
    writer = _loop_local(_sqlite_writer, anyio.Lock) if (write and database.is_sqlite) else nullcontext()
    async with writer, _loop_local(_session_slots, lambda: anyio.Semaphore(database.pool_capacity)):
        yield


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's unit of work: committed before the response is sent, rolled back on error."""
    database: Database = request.app.state.database
    write = request.method not in _READ_METHODS
    async with _turn(database, write):
        session = database.session(write=write)
        try:
            yield session
        except BaseException:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(_end, session, False)
            raise
        await anyio.to_thread.run_sync(_end, session, True)


def _end(session: Session, commit: bool) -> None:
    """Commit (or not) and close in one thread hop: each hop waits its turn in a busy event loop,
    holding the writer's lock meanwhile. Closing rolls back whatever was not committed, a failed
    commit included."""
    with session:
        if commit:
            session.commit()


class UnitOfWork:
    """The request's transaction for an ``async`` route, run in one worker thread from its first
    query to its commit.

    A sync route with ``SessionDep`` runs in one thread and commits in another; between the two the
    request waits for the event loop while still holding the event's row lock (or SQLite's writer).
    On the busiest route that wait was a good part of the time the lock was held.
    """

    def __init__(self, database: Database, write: bool):
        self._database, self._write = database, write

    async def run(self, work: Callable[[Session], T]) -> T:
        """``work(session)``, then commit; rolled back if it raises. Call it once per request."""
        return await anyio.to_thread.run_sync(self._run, work)

    def _run(self, work: Callable[[Session], T]) -> T:
        with self._database.transaction(write=self._write) as session:
            return work(session)


async def get_unit_of_work(request: Request) -> AsyncIterator[UnitOfWork]:
    database: Database = request.app.state.database
    write = request.method not in _READ_METHODS
    async with _turn(database, write):
        yield UnitOfWork(database, write)


# scope="function": the commit happens when the handler returns, so a failed commit is the
# client's error response and a 201 is only ever sent for data that is really stored.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
UnitOfWorkDep = Annotated[UnitOfWork, Depends(get_unit_of_work, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings_from_app)]


def get_principal(
    session: SessionDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    return authenticate(session, credentials.credentials if credentials else None)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def get_window(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="how many items to return")] = 50,
    offset: Annotated[int, Query(ge=0, description="how many items to skip")] = 0,
) -> Window:
    return Window(limit=limit, offset=offset)


WindowDep = Annotated[Window, Depends(get_window)]
