"""``Idempotency-Key`` on API POSTs: a retried request gets the first answer and changes nothing.

A client that did not hear back (a timeout, a dropped connection) cannot know whether its POST
was stored; sent again with the same key, the request is not run a second time: the first answer
is returned as it was, marked ``Idempotent-Replayed: true``. The same key with a different body
is a client error (422); a retry while the first is still running is a 409.

Keys are scoped to the caller's credentials, the path and the key itself, and kept for
``KEPT_FOR``. The slot is claimed before the request runs (a unique row), so two copies racing
each other cannot both run; a 5xx answer frees it, so the client may try again.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import anyio
from sqlalchemy import Column, Integer, LargeBinary, String, bindparam, delete, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel, col
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.db import UNAVAILABLE, Database
from app.core.types import UTCDateTime, utcnow

HEADER = "idempotency-key"
KEPT_FOR = timedelta(hours=24)
# A slot still "running" after this long belongs to a process that died mid-request.
ABANDONED_AFTER = timedelta(minutes=10)
MAX_KEY_LENGTH = 255


class IdempotentRequest(SQLModel, table=True):
    __tablename__ = "idempotent_request"

    id: int = Field(default=None, primary_key=True)
    scope_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    request_hash: str = Field(sa_column=Column(String(64), nullable=False))
    status_code: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))  # None: still running
    content_type: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    body: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


_BY_SCOPE = select(IdempotentRequest).where(col(IdempotentRequest.scope_hash) == bindparam("scope_hash"))


def _digest(*parts: bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(hashlib.sha256(part).digest())
    return hasher.hexdigest()


def _take_slot(database: Database, scope_hash: str, request_hash: str) -> IdempotentRequest | None:
    """None when this request is the first with its key (the slot is now ours), else the earlier one."""
    try:
        return _claim_or_find(database, scope_hash, request_hash)
    except IntegrityError:  # a copy of this request took the slot a moment ago
        with database.transaction(write=False) as session:
            return session.execute(_BY_SCOPE, {"scope_hash": scope_hash}).scalar_one()


def _claim_or_find(database: Database, scope_hash: str, request_hash: str) -> IdempotentRequest | None:
    with database.transaction() as session:
        earlier = session.execute(_BY_SCOPE, {"scope_hash": scope_hash}).scalar_one_or_none()
        now = utcnow()
        if earlier is not None:
            expired = earlier.created_at < now - KEPT_FOR
            abandoned = earlier.status_code is None and earlier.created_at < now - ABANDONED_AFTER
            if not (expired or abandoned):
                return earlier
            session.delete(earlier)
            session.flush()
        session.add(IdempotentRequest(scope_hash=scope_hash, request_hash=request_hash, created_at=now))
    return None


def _keep(database: Database, scope_hash: str, status: int, content_type: str | None, body: bytes) -> None:
    with database.transaction() as session:
        row = session.execute(_BY_SCOPE, {"scope_hash": scope_hash}).scalar_one()
        row.status_code, row.content_type, row.body = status, content_type, body


def _free(database: Database, scope_hash: str) -> None:
    with database.transaction() as session:
        session.execute(delete(IdempotentRequest).where(col(IdempotentRequest.scope_hash) == scope_hash))


def _problem(status: int, title: str, detail: str) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if status < 500:
        body["errors"] = [{"field": "Idempotency-Key", "message": detail}]
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


class IdempotencyMiddleware:
    """Applies to POSTs under ``prefix`` that carry the header; everything else passes untouched."""

    def __init__(self, app: ASGIApp, *, prefix: str):
        self.app, self.prefix = app, prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope) if scope["type"] == "http" else None
        key = headers.get(HEADER) if headers is not None else None
        if headers is None or key is None or scope["method"] != "POST" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        if not 0 < len(key) <= MAX_KEY_LENGTH:
            await _problem(422, "Invalid input", f"the key must be 1 to {MAX_KEY_LENGTH} characters")(
                scope, receive, send
            )
            return
        body = await _read_body(receive)
        database: Database = scope["app"].state.database
        scope_hash = _digest(headers.get("authorization", "").encode(), scope["path"].encode(), key.encode())
        request_hash = _digest(headers.get("content-type", "").encode(), body)
        try:
            earlier = await anyio.to_thread.run_sync(_take_slot, database, scope_hash, request_hash)
        except UNAVAILABLE:  # outside the app's error handlers, so answered here
            response = _problem(503, "Service unavailable", "the database is not answering; try again in a few seconds")
            response.headers["Retry-After"] = "5"
            await response(scope, receive, send)
            return
        if earlier is not None:
            await _answer_again(earlier, request_hash, scope, receive, send)
            return
        await self._run_once(database, scope_hash, body, scope, send)

    async def _run_once(self, database: Database, scope_hash: str, body: bytes, scope: Scope, send: Send) -> None:
        started: dict = {}
        chunks: list[bytes] = []

        async def replay_body() -> Message:
            nonlocal body
            message, body = {"type": "http.request", "body": body, "more_body": False}, b""
            return message

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, replay_body, capture)
        except BaseException:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(_free, database, scope_hash)
            raise
        status = started.get("status", 500)
        if status >= 500:  # not an answer to keep: the client may try again
            await anyio.to_thread.run_sync(_free, database, scope_hash)
            return
        content_type = Headers(raw=started.get("headers", [])).get("content-type")
        await anyio.to_thread.run_sync(_keep, database, scope_hash, status, content_type, b"".join(chunks))


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _answer_again(
    earlier: IdempotentRequest, request_hash: str, scope: Scope, receive: Receive, send: Send
) -> None:
    if earlier.request_hash != request_hash:
        response = _problem(422, "Invalid input", "this Idempotency-Key was already used with a different request body")
    elif earlier.status_code is None:
        response = _problem(409, "Conflict", "a request with this Idempotency-Key is still running; retry shortly")
    else:
        await send(
            {
                "type": "http.response.start",
                "status": earlier.status_code,
                "headers": [
                    (b"content-type", (earlier.content_type or "application/octet-stream").encode()),
                    (b"content-length", str(len(earlier.body or b"")).encode()),
                    (b"idempotent-replayed", b"true"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": earlier.body or b""})
        return
    await response(scope, receive, send)
