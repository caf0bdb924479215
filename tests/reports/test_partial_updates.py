"""PATCH changes only what it names; PUT is a full replacement, documented as such; no PUT in the
API silently erases parts its caller did not send."""

from __future__ import annotations

import pytest

from tests.factories import create_agenda_session, create_event
from tests.reports.test_reports_api import NARRATIVE


@pytest.fixture
def event_and_session(db) -> tuple[int, int]:
    with db.transaction() as session:
        event = create_event(session)
        return event.id, create_agenda_session(session, event).id


def test_patching_the_introduction_keeps_the_rest_of_the_narrative(client, organiser, event_and_session):
    url = f"/api/v1/events/{event_and_session[0]}/narrative"
    assert client.put(url, json=NARRATIVE, headers=organiser).status_code == 200
    response = client.patch(url, json={"introduction": "Why we met, rewritten."}, headers=organiser)
    assert response.status_code == 200, response.text
    body = client.get(url, headers=organiser).json()
    assert body["introduction"] == "Why we met, rewritten."
    assert body["key_messages"] == NARRATIVE["key_messages"] and body["links"] == NARRATIVE["links"]
    assert body["next_steps"][0]["end_date"] == "2030-10-11"
    assert body["summary"] == NARRATIVE["summary"] and body["contacts"][0]["name"] == "Carl Arvid Dahlöf"
    assert body["conclusions"] == [{"theme": "Innovation", "points": ["Point one"]}]


def test_patching_a_list_to_null_is_refused_naming_the_field(client, organiser, event_and_session):
    url = f"/api/v1/events/{event_and_session[0]}/narrative"
    client.put(url, json=NARRATIVE, headers=organiser)
    response = client.patch(url, json={"summary": "New", "key_messages": None}, headers=organiser)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "key_messages"
    assert client.get(url, headers=organiser).json()["summary"] == NARRATIVE["summary"]  # nothing half-written
    emptied = client.patch(url, json={"key_messages": [], "summary": None}, headers=organiser).json()
    assert emptied["key_messages"] == [] and emptied["summary"] is None and emptied["links"] == NARRATIVE["links"]


def test_patching_session_notes_keeps_the_key_points(client, organiser, event_and_session):
    event_id, session_id = event_and_session
    url = f"/api/v1/events/{event_id}/sessions/{session_id}/notes"
    client.put(url, json={"notes": "Went well", "key_points": ["A", "B"]}, headers=organiser)
    response = client.patch(url, json={"notes": "Went very well"}, headers=organiser)
    assert response.status_code == 200 and response.json()["key_points"] == ["A", "B"]
    assert response.json()["notes"] == "Went very well"
    first = client.patch(
        f"/api/v1/events/{event_id}/sessions/{session_id}/notes", json={"key_points": ["C"]}, headers=organiser
    ).json()
    assert first["notes"] == "Went very well" and first["key_points"] == ["C"]
    assert (
        client.patch(f"/api/v1/events/{event_id}/sessions/999999/notes", json={}, headers=organiser).status_code == 404
    )


def test_every_put_takes_a_complete_body_or_has_a_patch_beside_it(client):
    """A PUT whose body may leave parts out empties them: such a PUT needs a PATCH for partial changes,
    and must say in its description that it replaces everything."""
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    puts = {path: item["put"] for path, item in spec["paths"].items() if "put" in item}
    assert puts, "the API has PUT operations to check"
    for path, operation in puts.items():
        content = operation["requestBody"]["content"]
        if "application/json" not in content:
            continue  # an uploaded file replaces the resource whole; there is nothing partial to send
        reference = content["application/json"]["schema"]["$ref"]
        schema = schemas[reference.rsplit("/", 1)[1]]
        optional = set(schema["properties"]) - set(schema.get("required", []))
        if optional:
            assert "patch" in spec["paths"][path], f"PUT {path} may erase {sorted(optional)} and has no PATCH"
            assert "PATCH" in operation["description"], f"PUT {path} does not say it replaces everything"
