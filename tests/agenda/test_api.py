"""Agenda sessions through the organiser API: roles, parallel sessions, dates, bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.agenda.models import AgendaSession, SessionRole
from tests.factories import event_payload


@pytest.fixture
def event_id(client, organiser) -> int:
    return client.post("/api/v1/events", json=event_payload(), headers=organiser).json()["id"]


def talk(**overrides) -> dict:
    payload = {
        "title": "Cluster policy",
        "kind": "talk",
        "starts_at": "2030-06-20T10:00:00+02:00",
        "ends_at": "2030-06-20T10:30:00+02:00",
        "room": "Plenary",
    }
    payload.update(overrides)
    return payload


def count(db, model) -> int:
    with db.transaction(write=False) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_session_with_new_and_known_people_in_roles(client, organiser, event_id):
    moderator = client.post(
        "/api/v1/people", json={"first_name": "Marc", "last_name": "Pattinson"}, headers=organiser
    ).json()
    payload = talk(
        kind="panel",
        roles=[
            {"role": "moderator", "person_id": moderator["id"]},
            {"role": "panellist", "person": {"first_name": "Emma", "last_name": "Vendrell", "organisation": "ACCIÓ"}},
        ],
    )
    response = client.post(f"/api/v1/events/{event_id}/sessions", json=payload, headers=organiser)
    assert response.status_code == 201, response.text
    roles = response.json()["roles"]
    assert [(r["role"], r["name"], r["organisation"]) for r in roles] == [
        ("moderator", "Marc Pattinson", None),
        ("panellist", "Emma Vendrell", "ACCIÓ"),
    ]


def test_parallel_sessions_are_allowed_and_listed_in_time_order(client, organiser, event_id):
    url = f"/api/v1/events/{event_id}/sessions"
    client.post(
        url,
        json=talk(title="Later", starts_at="2030-06-20T14:00:00+02:00", ends_at="2030-06-20T15:00:00+02:00"),
        headers=organiser,
    )
    for room in ("Room A", "Room B"):
        response = client.post(url, json=talk(title=f"Group {room}", kind="breakout", room=room), headers=organiser)
        assert response.status_code == 201
    listing = client.get(url, headers=organiser).json()
    assert [item["title"] for item in listing["items"]] == ["Group Room A", "Group Room B", "Later"]
    assert client.get(f"{url}?kind=breakout", headers=organiser).json()["total"] == 2


def test_update_replaces_roles_and_delete_removes_the_session(client, organiser, event_id, db):
    url = f"/api/v1/events/{event_id}/sessions"
    created = client.post(
        url, json=talk(roles=[{"role": "speaker", "person": {"first_name": "A", "last_name": "B"}}]), headers=organiser
    ).json()
    patched = client.patch(f"{url}/{created['id']}", json={"title": "Renamed", "roles": []}, headers=organiser)
    assert patched.status_code == 200 and patched.json()["title"] == "Renamed" and patched.json()["roles"] == []
    assert client.delete(f"{url}/{created['id']}", headers=organiser).status_code == 204
    assert count(db, AgendaSession) == 0 and count(db, SessionRole) == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"starts_at": "2030-06-20T08:00:00+02:00"}, "starts_at"),
        ({"ends_at": "2030-06-20T18:00:00+02:00"}, "ends_at"),
        ({"ends_at": "2030-06-20T09:30:00+02:00"}, "ends_at"),
        ({"kind": "keynote"}, "kind"),
        ({"title": ""}, "title"),
        ({"room": "r" * 201}, "room"),
        ({"capacity": "ten"}, "capacity"),
        ({"roles": [{"role": "speaker", "person_id": 987654}]}, "roles.0.person_id"),
        ({"roles": [{"role": "juggler", "person_id": 1}]}, "roles.0.role"),
        (
            {"roles": [{"role": "speaker", "person": {"first_name": "A", "last_name": "B", "country": "ZZ"}}]},
            "roles.0.person.country",
        ),
    ],
)
def test_bad_session_input_is_a_4xx_naming_the_field_and_writes_nothing(
    client, organiser, event_id, db, overrides, field
):
    response = client.post(f"/api/v1/events/{event_id}/sessions", json=talk(**overrides), headers=organiser)
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]
    assert count(db, AgendaSession) == 0 and count(db, SessionRole) == 0


def test_a_session_of_another_event_is_not_found(client, organiser, event_id):
    other = client.post("/api/v1/events", json=event_payload(), headers=organiser).json()["id"]
    created = client.post(f"/api/v1/events/{other}/sessions", json=talk(), headers=organiser).json()
    response = client.get(f"/api/v1/events/{event_id}/sessions/{created['id']}", headers=organiser)
    assert response.status_code == 404
