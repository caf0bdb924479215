"""The OpenAPI document tells the truth about errors: problem+json with the Problem schema, for the
statuses each operation really answers with (before, 422 was FastAPI's HTTPValidationError as
application/json, and 401, 403, 404, 409 were not documented at all)."""

from __future__ import annotations

import json

from app.core.problems import PROBLEM, Problem
from app.main import create_app

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def operations() -> dict[tuple[str, str], dict]:
    schema = create_app().openapi()
    return {
        (method.upper(), path): operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }


def test_fastapis_validation_error_is_gone_and_every_error_is_a_problem():
    schema = create_app().openapi()
    assert "HTTPValidationError" not in json.dumps(schema)
    for (method, path), operation in operations().items():
        for status, response in operation["responses"].items():
            if status.startswith("4"):
                assert response["content"] == {PROBLEM: {"schema": PROBLEM_REF}}, (method, path, status)
    assert set(schema["components"]["schemas"]["Problem"]["required"]) == {"title", "status", "detail"}


def test_each_operation_documents_the_errors_it_gives():
    documented = {key: set(operation["responses"]) for key, operation in operations().items()}
    assert {"404", "409", "413", "422", "429"} <= documented[("POST", "/api/v1/events/{event_id}/registrations")]
    assert {"401", "403", "422"} <= documented[("GET", "/api/v1/events")]
    assert "404" not in documented[("GET", "/api/v1/events")] and "413" not in documented[("GET", "/api/v1/events")]
    assert {"401", "403", "404", "409", "413", "422"} <= documented[("PATCH", "/api/v1/projects/{project_id}")]
    assert "401" not in documented[("GET", "/healthz")]
    assert "409" in documented[("GET", "/api/v1/events/{event_id}/badges.pdf")]  # named by the route itself


def test_the_errors_sent_match_the_documented_schema(client, organiser):
    refused = client.patch("/api/v1/projects/1", json={"acronym": None}, headers=organiser)
    unauthorised = client.get("/api/v1/events")
    missing = client.get("/api/v1/projects/999", headers=organiser)
    for response in (refused, unauthorised, missing):
        assert response.headers["content-type"] == PROBLEM
        Problem.model_validate(response.json())
    assert refused.json()["errors"][0]["field"] == "acronym"
