"""Input refused at the edge, before any route runs: bodies too large, text that is not UTF-8, and
control characters, wherever a client can put them (the path, the query string, JSON and form bodies).

Why here and not only in the schemas: a control character reaches the database through every field,
typed or not (answers to custom questions, filters, form fields read by hand), and then breaks what
reads it back (PostgreSQL refuses NUL with an error, XML-based exports refuse the rest). Tab, line feed
and carriage return are let through; the schemas' text types refuse them where a field is one line
(``app.core.fields``). Invalid UTF-8 would otherwise be decoded with replacement characters and
stored so, silently.

A body is read at most ``limit + 1`` bytes far: a client announcing or sending more gets a 413 then,
not after the server has read it all. JSON and form bodies are read whole (they are small), checked,
and handed on; uploads (multipart forms, CSV) stream through a counting ``receive``.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.problems import field_problem

# C0 controls but tab, line feed and carriage return, and DEL.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A JSON body worth parsing here: an escaped control character (\b and \f are the short ones) or
# surrogate, or a raw DEL. A false alarm (an escaped backslash before a "b") costs one parse.
_SUSPECT_JSON = re.compile(rb"\\u00[01][0-9a-fA-F]|\\u007[fF]|\\u[dD][89a-fA-F]|\\[bf]|\x7f")
_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_UPLOAD_TYPES = {"multipart/form-data", "text/csv"}
_FORM = "application/x-www-form-urlencoded"


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when an upload grows past its limit; answered as a 413."""

    def __init__(self, limit: int):
        super().__init__(413, f"the request body is larger than {limit:,} bytes")


def control_character_message(value: str) -> str | None:
    """Why ``value`` is refused, or None."""
    found = CONTROL.search(value)
    if found:
        return f"contains the control character U+{ord(found.group()):04X}, which is not allowed"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains an unpaired surrogate, which is not valid Unicode"
    return None


def _pairs(encoded: bytes) -> list[tuple[bytes, bytes]]:
    """``a=1&b=2`` (a query string or a urlencoded form) as raw bytes, percent-decoding done."""
    pairs = []
    for part in encoded.split(b"&"):
        if part:
            name, _, value = part.partition(b"=")
            pairs.append((unquote_to_bytes(name.replace(b"+", b" ")), unquote_to_bytes(value.replace(b"+", b" "))))
    return pairs


def _pairs_refusal(encoded: bytes) -> tuple[str, str] | None:
    """(field, message) for the first name or value that is not clean UTF-8 text, else None."""
    for raw_name, raw_value in _pairs(encoded):
        name = raw_name.decode("utf-8", "replace")
        try:
            raw_name.decode("utf-8")
            value = raw_value.decode("utf-8")
        except UnicodeDecodeError:
            return name, "is not valid UTF-8"
        message = control_character_message(name) or control_character_message(value)
        if message:
            return name.encode("unicode_escape").decode("ascii"), message
    return None


def _json_refusal(value: Any, path: tuple = ()) -> tuple[str, str] | None:
    """(dotted field, message) for the first string (or key) in ``value`` that is refused."""
    if isinstance(value, str):
        message = control_character_message(value)
        return (".".join(map(str, path)) or "body", message) if message else None
    if isinstance(value, dict):
        for key, item in value.items():
            message = control_character_message(key)
            if message:
                return ".".join(map(str, path + (key.encode("unicode_escape").decode("ascii"),))), "the key " + message
            found = _json_refusal(item, path + (key,))
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _json_refusal(item, path + (index,))
            if found:
                return found
    return None


def _body_refusal(kind: str, body: bytes) -> tuple[str, str] | None:
    if kind == _FORM:
        return _pairs_refusal(body)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "body", "is not valid UTF-8"
    if not _SUSPECT_JSON.search(body):
        return None
    try:
        document = json.loads(body)
    except ValueError:
        return None  # not JSON: the route says so, naming the body
    return _json_refusal(document)


def _target_refusal(scope: Scope) -> tuple[str, str] | None:
    raw_path = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
    try:
        path = unquote_to_bytes(raw_path).decode("utf-8")
    except UnicodeDecodeError:
        return "path", "is not valid UTF-8"
    message = control_character_message(path)
    if message:
        return "path", message
    return _pairs_refusal(scope.get("query_string", b""))


class EdgeMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_upload_bytes: int):
        self.app, self.max_body_bytes, self.max_upload_bytes = app, max_body_bytes, max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = _target_refusal(scope)
        if refusal:
            await field_problem(scope, 422, "Invalid input", *refusal)(scope, receive, send)
            return
        if scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        kind = headers.get("content-type", "").partition(";")[0].strip().lower()
        limit = self.max_upload_bytes if kind in _UPLOAD_TYPES else self.max_body_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await self._too_large(scope, receive, send, limit)
            return
        if kind in _UPLOAD_TYPES:
            await self._stream(scope, receive, send, limit)
            return
        try:
            body = await _read(receive, limit)
        except BodyTooLarge:
            await self._too_large(scope, receive, send, limit)
            return
        refusal = _body_refusal(kind, body)
        if refusal:
            await field_problem(scope, 422, "Invalid input", *refusal)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _stream(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        started = False
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit)
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge:
            if started:
                raise
            await self._too_large(scope, receive, send, limit)

    @staticmethod
    async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = field_problem(scope, 413, "Content too large", "body", f"is larger than {limit:,} bytes")
        response.headers["Connection"] = "close"  # the rest of the body is not read
        await response(scope, receive, send)


async def _read(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    received = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        received += len(chunk)
        if received > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """``receive`` for the app: the body read here first, then the client's own (a disconnect)."""
    pending = True

    async def replayed() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
