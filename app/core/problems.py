"""Error answers as problem+json (RFC 9457), or a plain page for a browser on a public page, and the
``Problem`` model that documents them in the OpenAPI document.

Used by the error handlers in ``app.main`` and by the middlewares that answer before any route runs
(``app.core.edge``), so every refusal has the same shape whoever makes it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from starlette.datastructures import Headers
from starlette.responses import HTMLResponse, JSONResponse
from starlette.types import Scope

from app.core.templating import render_page

PROBLEM = "application/problem+json"
API_PREFIX = "/api/v1"


class FieldError(BaseModel):
    field: str = Field(description="the field refused, dotted for nested ones (`roles.0.person_id`), or `body`")
    message: str


class Problem(BaseModel):
    """An error (RFC 9457). Input errors name each field refused in ``errors``."""

    type: str = Field(default="about:blank", description="always `about:blank`: the status says what happened")
    title: str = Field(description="the status's name, e.g. `Invalid input`")
    status: int
    detail: str = Field(description="what went wrong, in words a person can act on")
    errors: list[FieldError] | None = Field(default=None, description="one entry per field refused (4xx on input)")


def wants_html(scope: Scope) -> bool:
    """A browser on a page (not the API) gets a page, everyone else problem+json."""
    return not scope["path"].startswith(API_PREFIX) and "text/html" in Headers(scope=scope).get("accept", "")


def problem_response(scope: Scope, status: int, title: str, detail: str, **extra: Any) -> JSONResponse | HTMLResponse:
    if wants_html(scope):
        return HTMLResponse(render_page("error.html", status=status, title=title, detail=detail), status_code=status)
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def field_problem(scope: Scope, status: int, title: str, field: str, message: str) -> JSONResponse | HTMLResponse:
    """A refusal of one named field (the shape of a validation error)."""
    return problem_response(scope, status, title, f"{field}: {message}", errors=[{"field": field, "message": message}])
