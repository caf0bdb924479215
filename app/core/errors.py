"""One error base for the whole application, mapped once to problem+json (RFC 9457).

Services raise these; the HTTP layer turns them into responses in one handler
(see ``app.main``), and the CLI prints their ``detail``.
"""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """A failure a person can act on. Subclasses fix ``status`` and ``title``."""

    status: int = 400
    title: str = "Bad request"
    type: str = "about:blank"

    def __init__(self, detail: str, *, field: str | None = None, extra: dict[str, Any] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.extra = extra or {}

    def problem(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.field is not None:
            body["errors"] = [{"field": self.field, "message": self.detail}]
        body.update(self.extra)
        return body

    def headers(self) -> dict[str, str]:
        """HTTP headers the answer carries besides the body (e.g. ``Retry-After``)."""
        return {}


class NotFound(AppError):
    status = 404
    title = "Not found"


class Conflict(AppError):
    """A business rule refuses the change (duplicate slug, full group, closed window...)."""

    status = 409
    title = "Conflict"


class InvalidInput(AppError):
    """Well-formed JSON whose values break a rule (end before start, unknown country...)."""

    status = 422
    title = "Invalid input"


class Unauthorized(AppError):
    status = 401
    title = "Unauthorized"


class Forbidden(AppError):
    status = 403
    title = "Forbidden"


class Infeasible(AppError):
    """A breakout assignment problem has no solution; ``detail`` names the constraint."""

    status = 409
    title = "Assignment infeasible"
