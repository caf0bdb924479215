"""The OpenAPI document tells the truth about errors: every operation lists the problem+json answers
it can give, with their real schema (``Problem``), in place of FastAPI's ``HTTPValidationError``
(which has another shape and another media type than the 422s we send).

Which errors an operation can give follows from what it is made of, so a new route is documented
without anyone remembering to: a token (401, 403), a path parameter (404), a body (413), a write
(409: business rules and races), the public rate limit (429); 422 for all, since the edge checks
every path and query string. A route that answers one for another reason (a GET refused with a 409)
names it with a description in its ``responses``; the schema is filled in here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from app.core.deps import get_optional_principal, get_principal
from app.core.problems import PROBLEM, Problem
from app.core.ratelimit import limit_public_registration, public_rate_limit

_WRITES = {"post", "put", "patch", "delete"}
_REFERENCE = "#/components/schemas/{model}"
_DESCRIPTIONS = {
    401: "No token, or one that is not valid",
    403: "The token's role or events do not allow this",
    404: "Nothing with this id or slug (or not visible to this caller)",
    409: "A business rule or a concurrent change refuses it",
    413: "The request body is larger than the limit (CONVENE_MAX_BODY_BYTES, uploads CONVENE_MAX_UPLOAD_BYTES)",
    422: "Input refused: each field named in `errors`",
    429: "Too many requests from this address or for this email; see Retry-After",
}


def _tree(dependant: Dependant) -> Iterator[Dependant]:
    """The route's dependant and every dependency under it (the event's loader reads its path id)."""
    yield dependant
    for dependency in dependant.dependencies:
        yield from _tree(dependency)


def _statuses(route: APIRoute, method: str) -> set[int]:
    tree = list(_tree(route.dependant))
    calls: set[Callable] = {dependant.call for dependant in tree if dependant.call is not None}
    statuses = {422}
    if calls & {get_principal, get_optional_principal}:
        statuses |= {401, 403}
    if any(dependant.path_params for dependant in tree):
        statuses.add(404)
    if method in _WRITES:
        statuses |= {409, 413}
    if calls & {public_rate_limit} or limit_public_registration.__name__ in route.endpoint.__code__.co_names:
        statuses.add(429)
    return statuses


def _problem_response(status: int) -> dict[str, Any]:
    return {
        "description": _DESCRIPTIONS.get(status, HTTPStatus(status).phrase),
        "content": {PROBLEM: {"schema": {"$ref": _REFERENCE.format(model="Problem")}}},
    }


def _add_problem_schema(schema: dict[str, Any]) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template=_REFERENCE)
    components.update(problem.pop("$defs", {}))
    components["Problem"] = problem
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)


def document_problems(app: FastAPI) -> None:
    """Make ``app.openapi()`` list each operation's problem+json answers."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        _add_problem_schema(schema)
        for context in iter_route_contexts(app.routes):
            route = context.route
            if not isinstance(route, APIRoute) or not route.include_in_schema:
                continue
            for method in context.methods or ():
                operation = schema["paths"].get(context.path_format, {}).get(method.lower())
                if operation is None:
                    continue
                responses = operation.setdefault("responses", {})
                for status in _statuses(route, method.lower()):
                    responses.setdefault(str(status), {})
                for status, response in responses.items():
                    if status.startswith("4"):  # a route's own description is kept, the shape is ours
                        response.update(
                            _problem_response(int(status))
                            | {"description": response.get("description") or _DESCRIPTIONS.get(int(status), "")}
                        )
                operation["responses"] = dict(sorted(responses.items()))
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
