"""The organiser API for events: CRUD, filters, bad input and who may do what."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.core.security import Role
from app.events.models import Event
from tests.conftest import token_headers
from tests.factories import event_payload


def count_events(db) -> int:
    with db.transaction(write=False) as session:
        return session.execute(select(func.count()).select_from(Event)).scalar_one()


def test_create_event_returns_201_with_id_slug_and_local_times(client, organiser):
    response = client.post("/api/v1/events", json=event_payload(slug="leuven-2030"), headers=organiser)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["slug"] == "leuven-2030" and isinstance(body["id"], int)
    assert body["starts_at"] == "2030-06-20T09:00:00+02:00"


def test_naive_times_are_read_in_the_event_time_zone(client, organiser):
    payload = event_payload(starts_at="2030-01-10T09:00:00", ends_at="2030-01-10T17:00:00", timezone="America/New_York")
    body = client.post("/api/v1/events", json=payload, headers=organiser).json()
    assert body["starts_at"] == "2030-01-10T09:00:00-05:00"


def test_read_update_list_and_delete_an_event(client, organiser):
    event_id = client.post("/api/v1/events", json=event_payload(title="Alpha"), headers=organiser).json()["id"]
    client.post("/api/v1/events", json=event_payload(title="Beta", country="FR"), headers=organiser)

    assert client.get(f"/api/v1/events/{event_id}", headers=organiser).json()["title"] == "Alpha"
    patched = client.patch(f"/api/v1/events/{event_id}", json={"capacity": 12, "city": "Gent"}, headers=organiser)
    assert patched.status_code == 200 and patched.json()["capacity"] == 12 and patched.json()["city"] == "Gent"

    listing = client.get("/api/v1/events?country=FR", headers=organiser).json()
    assert listing["total"] == 1 and listing["items"][0]["title"] == "Beta"
    assert client.get("/api/v1/events?starts_after=2030-06-21T00:00:00", headers=organiser).json()["total"] == 0
    assert client.get("/api/v1/events?starts_before=2030-06-21T00:00:00Z", headers=organiser).json()["total"] == 2
    page = client.get("/api/v1/events?limit=1&offset=1", headers=organiser).json()
    assert page["total"] == 2 and len(page["items"]) == 1

    assert client.delete(f"/api/v1/events/{event_id}", headers=organiser).status_code == 204
    assert client.get(f"/api/v1/events/{event_id}", headers=organiser).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"timezone": "Europe/Leuven"}, "timezone"),
        ({"country": "XX"}, "country"),
        ({"country": "Belgium"}, "country"),
        ({"country": "XA"}, "country"),  # CLDR's pseudo-locale, not a country
        ({"country": "IC"}, "country"),  # reserved in ISO 3166-1 (Canary Islands are ES)
        ({"slug": "Not A Slug"}, "slug"),
        ({"title": "x" * 301}, "title"),
        ({"capacity": "many"}, "capacity"),
        ({"capacity": -1}, "capacity"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"ends_at": "2030-06-20T08:00:00+02:00"}, "ends_at"),
        (
            {
                "registration_opens_at": "2030-06-01T09:00:00+02:00",
                "registration_closes_at": "2030-05-01T09:00:00+02:00",
            },
            "registration_closes_at",
        ),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_bad_event_input_is_a_422_naming_the_field_and_writes_nothing(client, organiser, db, overrides, field):
    response = client.post("/api/v1/events", json=event_payload(**overrides), headers=organiser)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 422 and problem["title"] and problem["detail"]
    assert field in [error["field"] for error in problem["errors"]]
    assert count_events(db) == 0


def test_a_body_that_is_not_json_is_a_422_naming_the_body(client, organiser, db):
    response = client.post(
        "/api/v1/events", content=b"{slug: nope", headers={**organiser, "content-type": "application/json"}
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "body" and error["message"].startswith("the request body is not valid JSON")
    assert count_events(db) == 0


def test_duplicate_slug_is_a_409_naming_the_slug(client, organiser, db):
    client.post("/api/v1/events", json=event_payload(slug="same"), headers=organiser)
    response = client.post("/api/v1/events", json=event_payload(slug="same"), headers=organiser)
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "slug"
    assert count_events(db) == 1


def test_patch_that_would_end_before_start_changes_nothing(client, organiser):
    event_id = client.post("/api/v1/events", json=event_payload(), headers=organiser).json()["id"]
    response = client.patch(
        f"/api/v1/events/{event_id}", json={"ends_at": "2030-06-19T09:00:00+02:00"}, headers=organiser
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "ends_at"
    assert client.get(f"/api/v1/events/{event_id}", headers=organiser).json()["ends_at"] == "2030-06-20T17:00:00+02:00"


def test_unknown_event_is_a_404_problem(client, organiser):
    response = client.get("/api/v1/events/999999", headers=organiser)
    assert response.status_code == 404 and response.json()["detail"] == "no event with id 999999"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer cvn_wrong"}, {"Authorization": "Basic abc"}])
def test_missing_or_wrong_token_is_401(client, headers):
    response = client.get("/api/v1/events", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


def test_checkin_token_may_not_manage_events(client, db, organiser):
    event_id = client.post("/api/v1/events", json=event_payload(), headers=organiser).json()["id"]
    checkin = token_headers(db, Role.checkin, event_id)
    assert client.get("/api/v1/events", headers=checkin).status_code == 403
    assert client.get(f"/api/v1/events/{event_id}", headers=checkin).status_code == 403
    assert client.post("/api/v1/events", json=event_payload(), headers=checkin).status_code == 403
    assert client.patch(f"/api/v1/events/{event_id}", json={"capacity": 1}, headers=checkin).status_code == 403


def test_an_organiser_limited_to_one_event_sees_and_changes_only_that_event(client, db, organiser):
    mine = client.post("/api/v1/events", json=event_payload(), headers=organiser).json()["id"]
    other = client.post("/api/v1/events", json=event_payload(), headers=organiser).json()["id"]
    limited = token_headers(db, Role.organiser, mine)

    listing = client.get("/api/v1/events", headers=limited).json()
    assert [item["id"] for item in listing["items"]] == [mine]
    assert client.get(f"/api/v1/events/{mine}", headers=limited).status_code == 200
    assert client.get(f"/api/v1/events/{other}", headers=limited).status_code == 403
    assert client.delete(f"/api/v1/events/{other}", headers=limited).status_code == 403
    assert client.post("/api/v1/events", json=event_payload(), headers=limited).status_code == 403


def test_admin_may_do_what_an_organiser_may(client, admin):
    assert client.post("/api/v1/events", json=event_payload(), headers=admin).status_code == 201
