"""The registration API over HTTP: public registration, duplicates, bad input, organiser decisions."""

from __future__ import annotations

from sqlalchemy import func, select

from app.notifications.models import OutboxEmail
from app.registration.models import Registration
from tests.factories import create_project
from tests.registration.conftest import open_event, registration_payload


def _event(db, **overrides) -> int:
    with db.transaction() as session:
        return open_event(session, **overrides).id


def _count(db, model) -> int:
    with db.transaction(write=False) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_anonymous_registration_is_confirmed_and_sees_only_its_outcome(client, db):
    event_id = _event(db)
    response = client.post(f"/api/v1/events/{event_id}/registrations", json=registration_payload())
    assert response.status_code == 201, response.text
    assert response.json() == {"id": response.json()["id"], "status": "confirmed", "waitlist_position": None}
    assert _count(db, OutboxEmail) == 1


def test_full_event_puts_the_next_on_the_waiting_list_with_a_position(client, db):
    event_id = _event(db, capacity=1)
    statuses = [client.post(f"/api/v1/events/{event_id}/registrations", json=registration_payload()).json()
                for _ in range(3)]
    assert [(s["status"], s["waitlist_position"]) for s in statuses] == [
        ("confirmed", None), ("waitlisted", 1), ("waitlisted", 2)]


def test_same_email_twice_makes_no_second_registration_and_resends_the_link_once(client, db):
    event_id = _event(db)
    payload = registration_payload()
    assert client.post(f"/api/v1/events/{event_id}/registrations", json=payload).status_code == 201
    for _ in range(3):
        again = client.post(f"/api/v1/events/{event_id}/registrations",
                            json={**payload, "email": payload["email"].upper()})
        assert again.status_code == 409
        assert again.headers["content-type"].startswith("application/problem+json")
        assert "sent your link again" in again.json()["detail"]
        assert again.json()["errors"][0]["field"] == "email"
    assert _count(db, Registration) == 1
    with db.transaction(write=False) as session:
        templates = sorted(session.execute(select(OutboxEmail.template)).scalars())
    assert templates == ["link_resent", "registered"]


def test_organiser_registration_outside_the_window_is_confirmed_directly(client, db, organiser):
    event_id = _event(db, email_confirmation=True, requires_approval=True,
                      registration_opens_at="2025-01-01T00:00:00+01:00", registration_closes_at="2025-02-01T00:00:00+01:00")
    closed = client.post(f"/api/v1/events/{event_id}/registrations", json=registration_payload())
    assert closed.status_code == 409
    assert "closed on 01 February 2025" in closed.json()["detail"]
    response = client.post(f"/api/v1/events/{event_id}/registrations", json=registration_payload(), headers=organiser)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "confirmed"
    assert response.json()["organisation"] == "Flanders Agency"


def test_cancel_promotes_the_first_waiting(client, db, organiser):
    event_id = _event(db, capacity=1)
    first = client.post(f"/api/v1/events/{event_id}/registrations", json=registration_payload()).json()
    second = client.post(f"/api/v1/events/{event_id}/registrations", json=registration_payload()).json()
    cancelled = client.post(f"/api/v1/registrations/{first['id']}/cancel", headers=organiser)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    promoted = client.get(f"/api/v1/registrations/{second['id']}", headers=organiser).json()
    assert (promoted["status"], promoted["waitlist_position"]) == ("confirmed", None)


def test_bad_input_names_the_field_and_writes_nothing(client, db):
    event_id = _event(db)
    with db.transaction() as session:
        create_project(session, acronym="KNOWN")
    cases = {
        "email": {"email": "not-an-email"},
        "country": {"country": "XX"},
        "first_name": {"first_name": "x" * 101},
        "project": {"project": "UNKNOWN"},
        "consents.privacy": {"consents": {"privacy": False}},
    }
    for field, change in cases.items():
        response = client.post(f"/api/v1/events/{event_id}/registrations", json=registration_payload(**change))
        assert response.status_code == 422, (field, response.text)
        assert field in [error["field"] for error in response.json()["errors"]], (field, response.json())
    assert _count(db, Registration) == 0
    assert _count(db, OutboxEmail) == 0
