"""FastAPI dependencies shared by every router: the request's session and the caller."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable, Coroutine
from contextvars import ContextVar
from functools import partial, wraps
from typing import Annotated, Any, TypeVar

import anyio
from anyio.lowlevel import RunVar
from fastapi import Depends, Query, Request, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.core.config import Settings
from app.core.db import Database
from app.core.fields import Offset
from app.core.pagination import MAX_LIMIT, Window
from app.core.roles import Role
from app.core.security import Principal, authenticate

T = TypeVar("T")
_READ_METHODS = {"GET", "HEAD", "OPTIONS"}
_bearer = HTTPBearer(auto_error=False, description="An API token from `convene token create`")


def get_database(request: Request) -> Database:
    return request.app.state.database


def get_settings_from_app(request: Request) -> Settings:
    return request.app.state.settings


# Per event loop (each server process, each test client): who may open a session now.
_writers: RunVar[anyio.Semaphore] = RunVar("convene_writers")
_session_slots: RunVar[anyio.Semaphore] = RunVar("convene_session_slots")

# Write transactions a process runs at once on PostgreSQL (SQLite has a single writer). More would
# only queue on the database's row locks, each holding a connection and a backend, served in no fair
# order; waiting here costs nothing. Registrations for one event, 50 clients, 2 processes: 15 at once
# gave 141-167/s with p99 0.9-1.1 s; 5 at once 184-205/s, p99 0.4-0.5 s; 3 at once 212-290/s, p99 0.3-0.45 s.
WRITERS_AT_ONCE = 3


def _loop_local(var: RunVar, factory):
    try:
        return var.get()
    except LookupError:
        value = factory()
        var.set(value)
        return value


class _Turn:
    """The right to open a session, waited for in the event loop, not in a worker thread: a thread
    that blocked on SQLite's single writer or on an exhausted connection pool would be one fewer for
    the request that holds the lock, and under load every thread ends up waiting (a deadlock on
    SQLite, pool timeouts on PostgreSQL). So a write first takes one of the process's writer places
    (one on SQLite, ``WRITERS_AT_ONCE`` on PostgreSQL), and no more sessions open than the pool has
    connections. Released once, by whichever comes first: the end of the request, or the handler
    ending its transaction early."""

    def __init__(self, database: Database, write: bool):
        writers_at_once = 1 if database.is_sqlite else WRITERS_AT_ONCE
        self._writer = _loop_local(_writers, lambda: anyio.Semaphore(writers_at_once)) if write else None
        self._slots = _loop_local(_session_slots, lambda: anyio.Semaphore(database.pool_capacity))
        self._held = False

    async def __aenter__(self) -> _Turn:
        if self._writer is not None:
            await self._writer.acquire()
        try:
            await self._slots.acquire()
        except BaseException:
            if self._writer is not None:
                self._writer.release()
            raise
        self._held = True
        return self

    def release(self) -> None:
        if self._held:
            self._held = False
            self._slots.release()
            if self._writer is not None:
                self._writer.release()

    async def __aexit__(self, *exc_info) -> None:
        self.release()


# Set on the request by ``TransactionRoute`` when the answer is an error: the transaction rolls back.
_REFUSED = "convene.refused"


class TransactionRoute(APIRoute):
    """A route whose transaction is rolled back when it answers with an error status, whether the
    error was raised or returned as a response (a form shown again with its messages, a 409 page):
    what ran before the refusal is never committed. Every router of the application uses it.

    A plain (not async) handler that returns a ready ``Response`` ends its transaction in its own
    worker thread, right after it returns: nothing that could still fail comes after (the body is
    already serialised), and it spares the request a second thread hop, which under load is a wait
    for a busy event loop while SQLite's writer lock or a PostgreSQL row lock is held. A handler
    that returns data keeps the commit after FastAPI has serialised it."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **options: Any) -> None:
        # The endpoint itself is wrapped, not a dependant: FastAPI builds one per router inclusion
        # from the endpoint (reading its signature and annotations through the wrapper).
        if _plain_function(endpoint):
            brief = getattr(endpoint, _BRIEF, False)
            endpoint = _ending_ready_responses(endpoint)
            if brief:
                endpoint = _in_event_loop_when_free(endpoint)
        super().__init__(path, endpoint, **options)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_and_mark_refusals(request: Request) -> Response:
            response = await handle(request)
            if response.status_code >= 400:
                request.scope[_REFUSED] = True
            return response

        return handle_and_mark_refusals


_BRIEF = "_convene_brief"


def brief(endpoint: Callable[..., T]) -> Callable[..., T]:
    """Marks a plain handler as brief: a few statements and nothing that waits on anything else (no
    files, no network, no rendering). On SQLite, when no other process holds the database's write
    lock, such a handler runs in the event loop rather than a worker thread: its work is Python
    holding the GIL either way, and the hop to a thread and back, with the two threads handing the
    GIL to each other at every statement, cost a sixth of a registration's server CPU (2.1 ms
    against 1.8 measured). On PostgreSQL, for reads, and while another process writes, it runs in a
    worker thread as any plain handler."""
    setattr(endpoint, _BRIEF, True)
    return endpoint


def _in_event_loop_when_free(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(endpoint)
    async def in_loop_or_thread(**values: Any) -> Any:
        unit = _current_unit.get()
        if unit is not None and unit.began_without_waiting():
            return endpoint(**values)
        return await run_in_threadpool(endpoint, **values)

    return in_loop_or_thread


def _plain_function(call: Callable[..., Any]) -> bool:
    if getattr(call, "_ends_ready_responses", False):  # already wrapped: a route made again from a route
        return False
    unwrapped = inspect.unwrap(call)
    return inspect.isfunction(unwrapped) and not (
        inspect.iscoroutinefunction(unwrapped)
        or inspect.isgeneratorfunction(unwrapped)
        or inspect.isasyncgenfunction(unwrapped)
    )


def _ending_ready_responses(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(endpoint)
    def endpoint_then_end(**values: Any) -> Any:
        result = endpoint(**values)
        unit = _current_unit.get()
        if isinstance(result, Response) and unit is not None and not unit.ended:
            unit.end_in_thread(commit=result.status_code < 400)
        return result

    endpoint_then_end._ends_ready_responses = True  # type: ignore[attr-defined]
    return endpoint_then_end


_UNIT = "convene.unit"


class _RequestUnit:
    """The request's transaction and its turn, ended exactly once (see ``end_request_transaction``)."""

    def __init__(self, transaction, turn: _Turn):
        self._transaction, self._turn, self.ended = transaction, turn, False

    def began_without_waiting(self) -> bool:
        return self._transaction.began_without_waiting()

    def end_in_thread(self, *, commit: bool) -> None:
        """End the transaction from the handler's thread (a worker's, or the event loop's for a brief
        handler); the turn is given back in the event loop, by ``end``. Marked ended first: a commit
        that fails has ended the transaction too."""
        self.ended = True
        self._transaction.end(commit=commit)

    async def end(self, *, commit: bool) -> None:
        try:
            if not self.ended:
                self.ended = True
                # Commit (or not) and close in one thread hop: each hop waits its turn in a busy event loop,
                # holding the writer's lock meanwhile. Shielded: a cancelled request still ends its transaction.
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(partial(self._transaction.end, commit=commit))
        finally:
            self._turn.release()


# The request's unit, for the handler's worker thread (TransactionRoute); each request runs in a task
# of its own, so in a context of its own.
_current_unit: ContextVar[_RequestUnit | None] = ContextVar("convene_request_unit", default=None)


def _unit_of_work(writes: Callable[[Request], bool], doc: str):
    """A session dependency: the request's unit of work (``Database.begin``), a write transaction
    when ``writes(request)``; committed before the response is sent, rolled back when the handler
    raises or answers with an error. One generator, not one wrapping another: each layer of
    generator is a cost every request pays."""

    async def session_dependency(request: Request) -> AsyncIterator[Session]:
        database: Database = request.app.state.database
        write = writes(request)
        async with _Turn(database, write) as turn:
            unit = _RequestUnit(database.begin(write=write), turn)
            request.scope[_UNIT] = unit
            _current_unit.set(unit)
            try:
                yield unit._transaction.db
            except BaseException:
                await unit.end(commit=False)
                raise
            await unit.end(commit=not request.scope.get(_REFUSED))

    session_dependency.__doc__ = doc
    return session_dependency


async def end_request_transaction(request: Request) -> None:
    """Commit the request's work so far and give back its connection (and SQLite's writer) now, for a
    handler that goes on to slow work needing no database: rendering a report in a child process
    holds no lock that a registration would wait for. The handler must not touch the request's
    session afterwards; what it still has to write goes through ``in_transaction``."""
    await request.scope[_UNIT].end(commit=not request.scope.get(_REFUSED))


async def in_transaction(request: Request, work: Callable[[Session], T], *, write: bool = True) -> T:
    """``work(session)`` in a unit of work of its own, after ``end_request_transaction``: it waits
    its turn in the event loop like the request's own, runs in a worker thread, and commits."""
    database: Database = request.app.state.database
    async with _Turn(database, write):
        return await anyio.to_thread.run_sync(partial(_run_in_transaction, database, work, write))


def _run_in_transaction(database: Database, work: Callable[[Session], T], write: bool) -> T:
    with database.transaction(write=write) as session:
        return work(session)


request_db_session = _unit_of_work(
    lambda request: request.method not in _READ_METHODS,
    "The request's session: read-only for GET and HEAD, a write transaction otherwise.",
)
get_writing_session = _unit_of_work(
    lambda request: True,
    "A write transaction whatever the method: for a GET that writes (a link followed from an email).",
)


# scope="function": the commit happens when the handler returns, so a failed commit is the
# client's error response and a 201 is only ever sent for data that is really stored.
SessionDep = Annotated[Session, Depends(request_db_session, scope="function")]
WritingSessionDep = Annotated[Session, Depends(get_writing_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings_from_app)]


def get_principal(
    session: SessionDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    return authenticate(session, credentials.credentials if credentials else None)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def get_organiser(principal: PrincipalDep) -> Principal:
    """The caller, when an organiser (or admin); a token may still be limited to one event."""
    principal.require(Role.organiser)
    return principal


def get_admin(principal: PrincipalDep) -> Principal:
    principal.require(Role.admin)
    return principal


OrganiserDep = Annotated[Principal, Depends(get_organiser)]
AdminDep = Annotated[Principal, Depends(get_admin)]


async def get_optional_principal(
    session: SessionDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal | None:
    """The caller of a public route that does more for an organiser: None when no token is sent.
    Async, so that the public's requests, which send none, do not wait for a worker thread."""
    if credentials is None:
        return None
    return await anyio.to_thread.run_sync(authenticate, session, credentials.credentials)


OptionalPrincipalDep = Annotated[Principal | None, Depends(get_optional_principal)]


def get_window(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="how many items to return")] = 50,
    offset: Annotated[Offset, Query(description="how many items to skip")] = 0,
) -> Window:
    return Window(limit=limit, offset=offset)


WindowDep = Annotated[Window, Depends(get_window)]
