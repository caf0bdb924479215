"""Every id and offset is bounded in the schema: one past a 32-bit column (PostgreSQL's integer) or a
64-bit one (SQLite's) is a 404 or a 422, never the database's error (a 500)."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from app.core.fields import MAX_ID
from app.main import create_app
from tests.factories import create_event
from tests.registration.conftest import registration_payload

HUGE = [MAX_ID + 1, 2**63, 2**64, 10**30]


@pytest.fixture
def event(db):
    with db.transaction() as session:
        return create_event(session, slug="leuven")


@pytest.mark.parametrize("number", HUGE)
def test_a_huge_event_id_on_the_public_registration_route_is_a_404(client, event, number):
    response = client.post(f"/api/v1/events/{number}/registrations", json=registration_payload())
    assert response.status_code == 404, response.text


@pytest.mark.parametrize("number", HUGE + [0, -1])
def test_huge_ids_in_paths_queries_and_bodies_are_refused_naming_them(client, admin, event, number):
    registration = client.get(f"/api/v1/registrations/{number}", headers=admin)
    assert registration.status_code == 422, registration.text
    assert registration.json()["errors"][0]["field"] == "registration_id"
    checkin = client.post(f"/api/v1/events/{event.id}/checkins", headers=admin, json={"registration_id": number})
    assert checkin.status_code == 422, checkin.text
    assert checkin.json()["errors"][0]["field"] == "registration_id"
    attendance = client.get(f"/api/v1/events/{event.id}/checkins?session_id={number}", headers=admin)
    assert attendance.status_code == 422, attendance.text


def test_offsets_are_bounded_and_the_largest_one_allowed_answers(client, admin, event):
    refused = client.get(f"/api/v1/events?offset={2**63}", headers=admin)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "offset"
    largest = client.get(f"/api/v1/events?offset={MAX_ID}", headers=admin)
    assert largest.status_code == 200, largest.text
    assert largest.json()["items"] == [] and largest.json()["total"] == 1


def _paths_with_parameters() -> list[tuple[str, str]]:
    app = create_app()
    found = []
    for route in iter_route_contexts(app.routes):
        if isinstance(route.route, APIRoute) and "{" in route.path:
            found += [(method, route.path) for method in sorted(route.methods - {"HEAD"})]
    assert len(found) > 50
    return found


def test_no_route_answers_a_huge_id_with_a_server_error(client, admin, event):
    """Every route with a parameter in its path, one request each (one test: a fixture per route is slow)."""
    server_errors = []
    for method, path in _paths_with_parameters():
        for number in (MAX_ID + 1, 2**63):
            url = re.sub(
                r"\{(\w+)\}", lambda m, n=number: str(n) if m.group(1).endswith(("_id", "_ref")) else "x", path
            )
            response = client.request(method, url, headers=admin, json={}, follow_redirects=False)
            if response.status_code >= 500:
                server_errors.append((method, url, response.status_code))
    assert server_errors == []
