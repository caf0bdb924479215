"""The same speaker named inline twice is one person; two sessions in one room at once are accepted
with a warning."""

from __future__ import annotations

import pytest

from app.directory.models import Person
from tests.agenda.test_api import count, talk
from tests.factories import event_payload


@pytest.fixture
def event_id(client, organiser) -> int:
    return client.post("/api/v1/events", json=event_payload(), headers=organiser).json()["id"]


def _add(client, organiser, event_id, **overrides) -> dict:
    response = client.post(f"/api/v1/events/{event_id}/sessions", json=talk(**overrides), headers=organiser)
    assert response.status_code == 201, response.text
    return response.json()


def test_an_inline_speaker_named_in_two_sessions_is_one_person_matched_by_name(client, organiser, event_id, db):
    speaker = {"first_name": "Emma", "last_name": "Vendrell", "organisation": "ACCIÓ"}
    first = _add(client, organiser, event_id, roles=[{"role": "speaker", "person": speaker}])
    second = _add(
        client, organiser, event_id, title="Panel", room="Room B", roles=[{"role": "panellist", "person": speaker}]
    )
    assert first["roles"][0]["matched_by"] == "new"
    assert second["roles"][0]["matched_by"] == "name"
    assert second["roles"][0]["person_id"] == first["roles"][0]["person_id"]
    assert count(db, Person) == 1
    listed = client.get(f"/api/v1/events/{event_id}/sessions", headers=organiser).json()["items"]
    assert all(role["matched_by"] is None for item in listed for role in item["roles"])  # a write's answer only


def test_an_inline_person_is_matched_by_email_before_name(client, organiser, event_id, db):
    known = client.post(
        "/api/v1/people",
        json={"first_name": "Marc", "last_name": "Pattinson", "email": "marc@example.org"},
        headers=organiser,
    ).json()
    created = _add(
        client,
        organiser,
        event_id,
        roles=[
            {
                "role": "moderator",
                "person": {"first_name": "M.", "last_name": "Pattinson", "email": "MARC@example.org"},
            },
        ],
    )
    assert (created["roles"][0]["person_id"], created["roles"][0]["matched_by"]) == (known["id"], "email")
    assert created["roles"][0]["name"] == "Marc Pattinson"  # the known person's details are kept
    assert count(db, Person) == 1


def test_a_namesake_on_another_events_agenda_is_not_matched(client, organiser, event_id, db):
    other = client.post("/api/v1/events", json=event_payload(), headers=organiser).json()["id"]
    speaker = {"first_name": "Jan", "last_name": "Peeters"}
    _add(client, organiser, other, roles=[{"role": "speaker", "person": speaker}])
    here = _add(client, organiser, event_id, roles=[{"role": "speaker", "person": speaker}])
    assert here["roles"][0]["matched_by"] == "new" and count(db, Person) == 2


def test_the_same_inline_person_twice_in_one_write_is_one_person(client, organiser, event_id, db):
    speaker = {"first_name": "Ann", "last_name": "Smet"}
    created = _add(
        client,
        organiser,
        event_id,
        roles=[{"role": "speaker", "person": speaker}, {"role": "rapporteur", "person": speaker}],
    )
    assert [role["matched_by"] for role in created["roles"]] == ["new", "name"]
    assert count(db, Person) == 1


def test_two_sessions_in_one_room_at_once_are_accepted_with_a_warning(client, organiser, event_id):
    first = _add(client, organiser, event_id, title="Keynote")
    assert first["warnings"] == []
    clash = _add(
        client,
        organiser,
        event_id,
        title="Workshop A",
        room=" plenary ",
        starts_at="2030-06-20T10:15:00+02:00",
        ends_at="2030-06-20T11:00:00+02:00",
    )
    assert clash["warnings"] == ['"Keynote" (10:00-10:30) is in the same room (Plenary) at the same time']
    parallel = _add(client, organiser, event_id, title="Workshop B", room="Room B")
    after = _add(
        client,
        organiser,
        event_id,
        title="Next",
        starts_at="2030-06-20T11:00:00+02:00",
        ends_at="2030-06-20T11:30:00+02:00",
    )
    assert parallel["warnings"] == [] and after["warnings"] == []  # other rooms and back to back are fine
    listed = {
        item["title"]: item["warnings"]
        for item in client.get(f"/api/v1/events/{event_id}/sessions", headers=organiser).json()["items"]
    }
    assert len(listed["Keynote"]) == 1 and "Workshop A" in listed["Keynote"][0]
    moved = client.patch(
        f"/api/v1/events/{event_id}/sessions/{clash['id']}", json={"room": "Room C"}, headers=organiser
    )
    assert moved.status_code == 200 and moved.json()["warnings"] == []
