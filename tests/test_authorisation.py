"""Every /api/v1 route refuses a missing or wrong token, whoever wrote it."""

from __future__ import annotations

import re

import pytest

from app.main import create_app

# Routes anyone may call: registering while registration is open.
PUBLIC = {("POST", "/api/v1/events/{event_id}/registrations")}


def api_calls() -> list[tuple[str, str]]:
    paths = create_app().openapi()["paths"]
    return [
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith("/api/v1")
        for method in operations
        if (method.upper(), path) not in PUBLIC
    ]


@pytest.mark.parametrize(("method", "path"), api_calls())
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer cvn_not-a-token"}], ids=["missing", "wrong"])
def test_every_api_route_refuses_a_missing_or_wrong_token(client, method, path, headers):
    url = re.sub(r"\{[^}]+\}", "1", path)
    response = client.request(method, url, headers=headers, json={})
    assert response.status_code == 401, f"{method} {path} answered {response.status_code}"
    assert response.json()["status"] == 401
