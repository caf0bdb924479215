"""create_app(): settings, the database in the lifespan, error handlers, routers."""

from __future__ import annotations

import gc
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api import API_PREFIX, API_TAGS, include_routers
from app.console.access import SignInRequired, login_url
from app.core.config import Settings, get_settings
from app.core.db import UNAVAILABLE, Database
from app.core.deps import TransactionRoute
from app.core.docs import add_offline_docs
from app.core.edge import EdgeMiddleware
from app.core.errors import AppError
from app.core.idempotency import IdempotencyMiddleware
from app.core.openapi import document_problems
from app.core.problems import problem_response
from app.core.ratelimit import RateLimits

log = logging.getLogger("convene")

RETRY_AFTER_SECONDS = 5

DESCRIPTION = """
Convene runs workshops: the agenda, the projects and organisations taking part, registration with a
waiting list, breakout groups, check-in and the event report.

The organiser API lives under `/api/v1` and takes `Authorization: Bearer TOKEN`; create a token with
`convene token create --role organiser`. Errors are `application/problem+json` (RFC 9457). Lists are
`{"items": [...], "total": N}` with `limit` and `offset`. Times are ISO 8601 with an offset.

A POST may carry an `Idempotency-Key` header (any unique string, e.g. a UUID): sent again with the same
key and body, the request is not run twice and the first answer comes back (with `Idempotent-Replayed:
true`); the same key with a different body is a 422. Keys are kept for 24 hours.
"""


def create_app(
    settings: Settings | None = None, database: Database | None = None, *, freeze_heap: bool = False
) -> FastAPI:
    """The application; ``freeze_heap`` for a server process (``served_app``)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.database = database or Database(settings.database_url)
        if freeze_heap:
            gc.freeze()
        yield
        if database is None:
            app.state.database.dispose()

    app = FastAPI(
        title="Convene",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_tags=API_TAGS,
    )
    app.router.route_class = TransactionRoute
    app.state.settings = settings
    app.state.rate_limits = RateLimits(settings)
    _add_error_handlers(app)
    app.add_middleware(IdempotencyMiddleware, prefix=API_PREFIX)
    # Outermost: nothing reads a body, not even the idempotency keys, before its size and text are checked.
    app.add_middleware(
        EdgeMiddleware, max_body_bytes=settings.max_body_bytes, max_upload_bytes=settings.max_upload_bytes
    )
    include_routers(app)
    add_offline_docs(app)
    document_problems(app)

    @app.get("/healthz", tags=["health"], summary="Is the service up and its database answering?")
    def healthz(request: Request):
        try:
            with request.app.state.database.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:  # any failure to reach the database means "not healthy"
            log.exception("health check failed")
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return {"status": "ok"}

    return app


def served_app() -> FastAPI:
    """The application as a server process runs it (``convene serve``, or uvicorn with ``--factory``).

    Once started, everything built so far (some 200,000 objects: the routes, their models, the
    libraries) is moved out of the garbage collector's sight with ``gc.freeze``: it lives as long as
    the process, and each full collection walked all of it, a pause of 75-125 ms for every request
    in flight (four in a run of 3,000 registrations). Not in ``create_app`` itself: a test suite
    builds hundreds of apps, and what is frozen is never collected as a cycle."""
    return create_app(freeze_heap=True)


def _problem(request: Request, status: int, title: str, detail: str, **extra) -> JSONResponse | HTMLResponse:
    return problem_response(request.scope, status, title, detail, **extra)


def _field_name(location: tuple) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def _validation_error_item(item: dict) -> dict[str, str]:
    if item["type"] == "json_invalid":  # its location is a character offset, not a field
        reason = item.get("ctx", {}).get("error")
        return {"field": "body", "message": "the request body is not valid JSON" + (f" ({reason})" if reason else "")}
    # pydantic prefixes our own validators' messages with "Value error, ": not for people.
    return {"field": _field_name(item["loc"]), "message": item["msg"].removeprefix("Value error, ")}


def unavailable_response(request: Request) -> JSONResponse | HTMLResponse:
    """503 while the database is down: fast, and saying when to try again."""
    response = _problem(
        request, 503, "Service unavailable", "the database is not answering (restarting?); try again in a few seconds"
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def sign_in_required(request: Request, error: SignInRequired):
        return RedirectResponse(login_url(error.next_url), status_code=303)

    @app.exception_handler(AppError)
    async def app_error(request: Request, error: AppError):
        problem = error.problem()
        response = _problem(
            request,
            problem.pop("status"),
            problem.pop("title"),
            problem.pop("detail"),
            **{k: v for k, v in problem.items() if k != "type"},
        )
        response.headers.update(error.headers())
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError):
        errors = [_validation_error_item(item) for item in error.errors()]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return _problem(request, 422, "Invalid input", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        titles = {
            404: "Not found",
            405: "Method not allowed",
            401: "Unauthorized",
            403: "Forbidden",
            413: "Content too large",
        }
        return _problem(request, error.status_code, titles.get(error.status_code, "Error"), str(error.detail))

    @app.exception_handler(IntegrityError)
    async def integrity_error(request: Request, error: IntegrityError):
        # Services check rules first; this is the database refusing a race the checks could not see.
        log.warning("integrity error: %s", error.orig)
        return _problem(request, 409, "Conflict", "the change conflicts with existing data; reload and try again")

    async def database_unavailable(request: Request, error: Exception):
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, error)
        return unavailable_response(request)

    for kind in UNAVAILABLE:
        app.add_exception_handler(kind, database_unavailable)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _problem(request, 500, "Internal server error", "something went wrong on our side; it has been logged")
