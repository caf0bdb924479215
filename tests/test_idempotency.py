"""Idempotency-Key on POSTs: a retried request returns the first answer and writes nothing new."""

from __future__ import annotations

from sqlalchemy import func, select

from app.attendance.models import Checkin
from app.core.security import Role
from app.events.models import Event
from app.notifications.models import OutboxEmail
from app.registration.models import Registration
from app.reports.models import Report
from tests.conftest import token_headers
from tests.factories import add_participant, create_event, ongoing_event_times
from tests.registration.conftest import registration_payload


def _count(db, model) -> int:
    with db.transaction(write=False) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def _event(db) -> int:
    with db.transaction() as session:
        return create_event(session).id


def test_a_retried_registration_gets_the_first_answer_and_registers_once(client, db):
    event_id = _event(db)
    payload = registration_payload()
    first = client.post(f"/api/v1/events/{event_id}/registrations", json=payload, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == 201, first.text
    again = client.post(f"/api/v1/events/{event_id}/registrations", json=payload, headers={"Idempotency-Key": "k-1"})
    assert (again.status_code, again.json()) == (201, first.json())  # not a 409 "already registered"
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["content-type"] == first.headers["content-type"]
    assert (_count(db, Registration), _count(db, OutboxEmail)) == (1, 1)


def test_the_same_key_with_another_body_is_a_422_and_writes_nothing(client, db):
    event_id = _event(db)
    url = f"/api/v1/events/{event_id}/registrations"
    assert client.post(url, json=registration_payload(), headers={"Idempotency-Key": "k-2"}).status_code == 201
    other = client.post(url, json=registration_payload(), headers={"Idempotency-Key": "k-2"})
    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    assert _count(db, Registration) == 1


def test_without_a_key_or_with_another_key_requests_run_as_usual(client, db):
    event_id = _event(db)
    payload = registration_payload()
    url = f"/api/v1/events/{event_id}/registrations"
    assert client.post(url, json=payload, headers={"Idempotency-Key": "a"}).status_code == 201
    assert client.post(url, json=payload, headers={"Idempotency-Key": "b"}).status_code == 409  # really run again
    assert client.post(url, json=payload).status_code == 409
    assert _count(db, Registration) == 1


def test_a_retried_check_in_is_the_first_201_not_an_already_checked_in(client, db):
    with db.transaction() as session:
        event = create_event(session, **ongoing_event_times())  # check-in is open on the event's days
        code, event_id = add_participant(session, session.get(Event, event.id)).checkin_code, event.id
    staff = token_headers(db, Role.checkin, event_id=event_id) | {"Idempotency-Key": "scan-1"}
    url = f"/api/v1/events/{event_id}/checkins"
    first = client.post(url, json={"code": code}, headers=staff)
    again = client.post(url, json={"code": code}, headers=staff)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.json()["already_checked_in"] is False
    assert _count(db, Checkin) == 1


def test_keys_belong_to_the_caller(client, db, organiser):
    """Another token using the same key runs its own request (and cannot read the first answer)."""
    event_id = _event(db)
    url = f"/api/v1/events/{event_id}/reports"
    first = client.post(url, json={"format": "md"}, headers=organiser | {"Idempotency-Key": "r"})
    again = client.post(url, json={"format": "md"}, headers=organiser | {"Idempotency-Key": "r"})
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert _count(db, Report) == 1
    other = client.post(
        url, json={"format": "md"}, headers=token_headers(db, Role.organiser) | {"Idempotency-Key": "r"}
    )
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    assert _count(db, Report) == 2


def test_an_empty_or_overlong_key_is_refused(client, db):
    event_id = _event(db)
    url = f"/api/v1/events/{event_id}/registrations"
    for key in ("", "k" * 256):
        response = client.post(url, json=registration_payload(), headers={"Idempotency-Key": key})
        assert response.status_code == 422, key
    assert _count(db, Registration) == 0
