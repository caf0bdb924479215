"""The registration API over HTTP: public registration, duplicates, bad input, organiser decisions."""

from __future__ import annotations

from sqlalchemy import func, select

from app.core.security import Role
from app.notifications.models import OutboxEmail
from app.registration.links import participant_token
from app.registration.models import Registration, RegistrationStatus
from tests.conftest import token_headers
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
    statuses = [
        client.post(f"/api/v1/events/{event_id}/registrations", json=registration_payload()).json() for _ in range(3)
    ]
    assert [(s["status"], s["waitlist_position"]) for s in statuses] == [
        ("confirmed", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]


def test_same_email_twice_makes_no_second_registration_and_resends_the_link_once(client, db):
    event_id = _event(db)
    payload = registration_payload()
    assert client.post(f"/api/v1/events/{event_id}/registrations", json=payload).status_code == 201
    for _ in range(3):
        again = client.post(
            f"/api/v1/events/{event_id}/registrations", json={**payload, "email": payload["email"].upper()}
        )
        assert again.status_code == 409
        assert again.headers["content-type"].startswith("application/problem+json")
        assert "sent your link again" in again.json()["detail"]
        assert again.json()["errors"][0]["field"] == "email"
    assert _count(db, Registration) == 1
    with db.transaction(write=False) as session:
        templates = sorted(session.execute(select(OutboxEmail.template)).scalars())
    assert templates == ["link_resent", "registered"]


def test_organiser_registration_outside_the_window_is_confirmed_directly(client, db, organiser):
    event_id = _event(
        db,
        email_confirmation=True,
        requires_approval=True,
        registration_opens_at="2025-01-01T00:00:00+01:00",
        registration_closes_at="2025-02-01T00:00:00+01:00",
    )
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


def test_following_the_confirmation_link_confirms_and_opens_the_participant_page(client, db, settings):
    event_id = _event(db, email_confirmation=True)
    created = client.post(f"/api/v1/events/{event_id}/registrations", json=registration_payload()).json()
    assert created["status"] == "pending_confirmation"
    with db.transaction(write=False) as session:
        token = participant_token(settings, session.get(Registration, created["id"]))
    response = client.get(f"/r/{token}/confirm", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/r/{token}?done=confirmed"
    assert "your email address is confirmed" in client.get(response.headers["location"]).text
    with db.transaction(write=False) as session:
        assert session.get(Registration, created["id"]).status is RegistrationStatus.confirmed
    assert client.get(f"/r/{token[:-3]}abc/confirm", follow_redirects=False).status_code == 404


def test_questions_are_managed_by_organisers_and_answers_checked(client, db, organiser):
    event_id = _event(db)
    question = {"key": "diet", "label": "Diet", "kind": "single_choice", "required": True, "options": ["none", "vegan"]}
    assert client.post(f"/api/v1/events/{event_id}/questions", json=question).status_code == 401
    created = client.post(f"/api/v1/events/{event_id}/questions", json=question, headers=organiser)
    assert created.status_code == 201, created.text
    assert client.post(f"/api/v1/events/{event_id}/questions", json=question, headers=organiser).status_code == 409
    assert [q["key"] for q in client.get(f"/api/v1/events/{event_id}/questions", headers=organiser).json()] == ["diet"]
    missing = client.post(f"/api/v1/events/{event_id}/registrations", json=registration_payload())
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "answers.diet"
    ok = client.post(f"/api/v1/events/{event_id}/registrations", json=registration_payload(answers={"diet": "vegan"}))
    assert ok.status_code == 201
    question_id = created.json()["id"]
    changed = client.patch(
        f"/api/v1/events/{event_id}/questions/{question_id}", json={"required": False}, headers=organiser
    )
    assert changed.json()["required"] is False
    assert client.delete(f"/api/v1/events/{event_id}/questions/{question_id}", headers=organiser).status_code == 204


def test_organiser_lists_and_searches_registrations(client, db, organiser):
    event_id = _event(db, capacity=2)
    with db.transaction() as session:
        create_project(session, acronym="CLU3")
    payloads = [
        registration_payload(first_name="Ada", country="BE", project="CLU3"),
        registration_payload(first_name="Bram", country="NL"),
        registration_payload(first_name="Chloe", country="FR", organisation="Paris Cluster"),
    ]
    for payload in payloads:
        client.post(f"/api/v1/events/{event_id}/registrations", json=payload)
    url = f"/api/v1/events/{event_id}/registrations"
    assert client.get(url).status_code == 401

    def names(**params) -> list[str]:
        page = client.get(url, params=params, headers=organiser).json()
        assert page["total"] == len(page["items"])
        return [item["first_name"] for item in page["items"]]

    assert names() == ["Chloe", "Ada", "Bram"]  # the waiting list first, then by name
    assert names(status="waitlisted") == ["Chloe"]
    assert names(country="nl") == ["Bram"]
    assert names(project="clu3") == ["Ada"]
    assert names(q="paris") == ["Chloe"]
    assert names(q="bram") == ["Bram"]


def test_only_organisers_override_capacity(client, db, organiser):
    event_id = _event(db, capacity=0)
    url = f"/api/v1/events/{event_id}/registrations"
    anonymous = client.post(url, json=registration_payload(override_capacity=True))
    assert anonymous.status_code == 403 and anonymous.json()["errors"][0]["field"] == "override_capacity"
    assert client.post(url, json=registration_payload(), headers=organiser).json()["status"] == "waitlisted"
    assert (
        client.post(url, json=registration_payload(override_capacity=True), headers=organiser).json()["status"]
        == "confirmed"
    )


def test_a_checkin_token_cannot_register_with_organiser_powers(client, db):
    event_id = _event(db)
    headers = token_headers(db, Role.checkin)
    response = client.post(f"/api/v1/events/{event_id}/registrations", json=registration_payload(), headers=headers)
    assert response.status_code == 403
    assert _count(db, Registration) == 0


def test_organiser_approves_rejects_and_promotes_by_hand(client, db, organiser):
    event_id = _event(db, capacity=1, requires_approval=True)
    url = f"/api/v1/events/{event_id}/registrations"
    first, second, third = (client.post(url, json=registration_payload()).json() for _ in range(3))
    assert [first["status"], second["status"], third["status"]] == ["pending_approval", "waitlisted", "waitlisted"]
    full = client.post(f"/api/v1/registrations/{third['id']}/promote", headers=organiser)
    assert full.status_code == 409
    forced = client.post(
        f"/api/v1/registrations/{third['id']}/promote", json={"override_capacity": True}, headers=organiser
    )
    assert forced.json()["status"] == "confirmed"  # chosen by the organiser: no approval step left
    rejected = client.post(f"/api/v1/registrations/{first['id']}/reject", headers=organiser)
    assert rejected.json()["status"] == "rejected"
    # Two seats were taken by the override; rejecting one leaves none free for the waiting person.
    assert client.get(f"/api/v1/registrations/{second['id']}", headers=organiser).json()["waitlist_position"] == 1
    twice = client.post(f"/api/v1/registrations/{first['id']}/approve", headers=organiser)
    assert twice.status_code == 409 and "rejected" in twice.json()["detail"]
