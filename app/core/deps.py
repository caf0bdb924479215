"""FastAPI dependencies shared by every router: the request's session and the caller."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

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


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's unit of work: committed before the response is sent, rolled back on error.

    Requests wait for their turn here, in the event loop, not in a worker thread: a thread that
    blocked on SQLite's single writer or on an exhausted connection pool would be one fewer for
    the request that holds the lock, and under load every thread ends up waiting (a deadlock on
    SQLite, pool timeouts on PostgreSQL). So a write on SQLite first takes the process's writer
    lock, and no more sessions open than the pool has connections.
    """
    database: Database = request.app.state.database
    write = request.method not in _READ_METHODS
    writer = _loop_local(_sqlite_writer, anyio.Lock) if (write and database.is_sqlite) else _no_lock()
    async with writer, _loop_local(_session_slots, lambda: anyio.Semaphore(database.pool_capacity)):
        session = database.session(write=write)
        try:
            yield session
            await anyio.to_thread.run_sync(session.commit)
        except BaseException:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(session.rollback)
            raise
        finally:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(session.close)


@asynccontextmanager
async def _no_lock() -> AsyncIterator[None]:
    yield


# scope="function": the commit happens when the handler returns, so a failed commit is the
# client's error response and a 201 is only ever sent for data that is really stored.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
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
