"""POST /events/{id}/checkins and its undo: by code or id, event or session, refusals, roles."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update

from app.attendance.models import Checkin
from app.core.security import Role
from app.events.models import Event
from app.registration.models import RegistrationStatus
from tests.conftest import token_headers
from tests.factories import add_participant, create_agenda_session, create_event, event_payload


def checkin_rows(db, **filters) -> int:
    with db.transaction(write=False) as session:
        return session.execute(select(func.count()).select_from(Checkin).filter_by(**filters)).scalar_one()


def participant(db, event_id, **kwargs):
    with db.transaction() as session:
        return add_participant(session, session.get(Event, event_id), **kwargs)


@pytest.fixture
def ann(db, event_id):
    return participant(db, event_id, first_name="Ann", last_name="Dahlöf", organisation="Région <Sud> & Co")


def test_first_scan_is_201_and_a_repeat_is_200_with_the_local_time(client, db, event_id, checkin_staff, ann):
    first = client.post(f"/api/v1/events/{event_id}/checkins", json={"code": ann.checkin_code}, headers=checkin_staff)
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["already_checked_in"] is False and body["session_id"] is None
    assert body["attendee"] == {
        "registration_id": ann.id,
        "first_name": "Ann",
        "last_name": "Dahlöf",
        "organisation": "Région <Sud> & Co",
        "checked_in_at": None,
    }
    assert "email" not in first.text

    with db.transaction() as session:  # pretend the first scan happened at 09:12 in Brussels
        session.execute(update(Checkin).values(checked_in_at=datetime(2030, 6, 20, 7, 12, tzinfo=UTC)))
    again = client.post(
        f"/api/v1/events/{event_id}/checkins", json={"code": f"  {ann.checkin_code} "}, headers=checkin_staff
    )
    assert again.status_code == 200
    assert again.json()["already_checked_in"] is True and again.json()["id"] == body["id"]
    assert again.json()["message"] == "Ann Dahlöf already checked in at 09:12"
    assert again.json()["checked_in_at"] == "2030-06-20T09:12:00+02:00"
    assert checkin_rows(db) == 1


def test_check_in_by_registration_id_records_the_token(client, db, event_id, organiser, ann):
    response = client.post(f"/api/v1/events/{event_id}/checkins", json={"registration_id": ann.id}, headers=organiser)
    assert response.status_code == 201
    with db.transaction(write=False) as session:
        assert session.execute(select(Checkin.checked_in_by_token_id)).scalar_one() is not None


def test_session_check_in_also_checks_in_to_the_event(client, db, event_id, checkin_staff, ann):
    with db.transaction() as session:
        talk_id = create_agenda_session(session, session.get(Event, event_id)).id
    url = f"/api/v1/events/{event_id}/checkins"
    assert (
        client.post(url, json={"code": ann.checkin_code, "session_id": talk_id}, headers=checkin_staff).status_code
        == 201
    )
    assert checkin_rows(db, session_id=None) == 1 and checkin_rows(db, session_id=talk_id) == 1
    assert client.post(url, json={"code": ann.checkin_code}, headers=checkin_staff).status_code == 200
    repeat = client.post(url, json={"code": ann.checkin_code, "session_id": talk_id}, headers=checkin_staff)
    assert repeat.status_code == 200 and "already checked in to this session at" in repeat.json()["message"]
    assert checkin_rows(db) == 2


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (RegistrationStatus.cancelled, "was cancelled"),
        (RegistrationStatus.waitlisted, "waiting list"),
        (RegistrationStatus.pending_confirmation, "not confirmed their email"),
    ],
)
def test_unconfirmed_registrations_are_refused_with_a_clear_message(client, db, event_id, checkin_staff, status, words):
    person = participant(db, event_id, status=status)
    response = client.post(
        f"/api/v1/events/{event_id}/checkins", json={"code": person.checkin_code}, headers=checkin_staff
    )
    assert response.status_code == 409
    assert words in response.json()["detail"] and response.json()["errors"][0]["field"] == "code"
    assert checkin_rows(db) == 0


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"code": "AAAAAAAAAAAAAAAAAAAAAAAA"}, 404, "code"),  # well-formed, unknown
        ({"code": "'; DROP TABLE checkin; --"}, 422, "code"),  # forged
        ({"code": "short"}, 422, "code"),
        ({"code": "x" * 65}, 422, "code"),
        ({"registration_id": 999999}, 404, "registration_id"),
        ({"registration_id": -1}, 422, "registration_id"),
        ({"registration_id": "one"}, 422, "registration_id"),
        ({}, 422, "code"),
        ({"code": "AAAAAAAAAAAAAAAAAAAAAAAA", "registration_id": 1}, 422, "code"),
        ({"code": "AAAAAAAAAAAAAAAAAAAAAAAA", "extra": 1}, 422, "extra"),
    ],
)
def test_bad_input_is_a_4xx_naming_the_field(client, db, event_id, checkin_staff, ann, payload, status, field):
    response = client.post(f"/api/v1/events/{event_id}/checkins", json=payload, headers=checkin_staff)
    assert response.status_code == status, response.text
    assert response.json()["errors"][0]["field"] == field
    assert checkin_rows(db) == 0


def test_a_code_or_session_of_another_event_is_refused(client, db, event_id, organiser, ann):
    with db.transaction() as session:
        other = create_event(session)
        stranger = add_participant(session, other)
        foreign_session_id = create_agenda_session(session, other).id
    url = f"/api/v1/events/{event_id}/checkins"
    wrong_event = client.post(url, json={"code": stranger.checkin_code}, headers=organiser)
    assert wrong_event.status_code == 409 and "another event" in wrong_event.json()["detail"]
    wrong_session = client.post(
        url, json={"code": ann.checkin_code, "session_id": foreign_session_id}, headers=organiser
    )
    assert wrong_session.status_code == 404 and wrong_session.json()["errors"][0]["field"] == "session_id"
    assert checkin_rows(db) == 0


def test_undo_by_post_removes_session_rows_too_and_is_harmless_twice(client, db, event_id, checkin_staff, ann):
    with db.transaction() as session:
        talk_id = create_agenda_session(session, session.get(Event, event_id)).id
    url = f"/api/v1/events/{event_id}/checkins"
    client.post(url, json={"code": ann.checkin_code, "session_id": talk_id}, headers=checkin_staff)
    session_undo = client.post(
        f"{url}/undo", json={"code": ann.checkin_code, "session_id": talk_id}, headers=checkin_staff
    )
    assert session_undo.json()["removed"] == 1 and checkin_rows(db, session_id=None) == 1
    client.post(url, json={"code": ann.checkin_code, "session_id": talk_id}, headers=checkin_staff)
    undo = client.post(f"{url}/undo", json={"code": ann.checkin_code}, headers=checkin_staff)
    assert undo.status_code == 200 and undo.json() == {"removed": 2, "message": "Ann Dahlöf is no longer checked in"}
    assert client.post(f"{url}/undo", json={"code": ann.checkin_code}, headers=checkin_staff).json()["removed"] == 0
    assert client.post(url, json={"code": ann.checkin_code}, headers=checkin_staff).status_code == 201


def test_delete_removes_one_check_in_and_404s_for_another_event(client, db, event_id, checkin_staff, organiser, ann):
    checkin_id = client.post(
        f"/api/v1/events/{event_id}/checkins", json={"code": ann.checkin_code}, headers=checkin_staff
    ).json()["id"]
    with db.transaction() as session:
        other_id = create_event(session).id
    assert client.delete(f"/api/v1/events/{other_id}/checkins/{checkin_id}", headers=organiser).status_code == 404
    assert client.delete(f"/api/v1/events/{event_id}/checkins/{checkin_id}", headers=checkin_staff).status_code == 204
    assert checkin_rows(db) == 0


def test_search_shows_names_and_organisations_but_no_emails(client, db, event_id, checkin_staff, ann):
    participant(db, event_id, first_name="Bruno", last_name="Fernández", organisation="ACCIÓ")
    participant(db, event_id, first_name="Carla", status=RegistrationStatus.cancelled)
    response = client.get(f"/api/v1/events/{event_id}/checkins", params={"q": "fern acc"}, headers=checkin_staff)
    assert response.status_code == 200
    assert [(p["first_name"], p["organisation"]) for p in response.json()] == [("Bruno", "ACCIÓ")]
    everyone = client.get(f"/api/v1/events/{event_id}/checkins", headers=checkin_staff).text
    assert "@example.org" not in everyone and "Carla" not in everyone


def test_the_checkin_role_can_check_in_and_nothing_else(client, db, event_id, checkin_staff, ann):
    for path in ("", "/attendance", "/badges.pdf", "/certificates.pdf", "/registrations", "/sessions"):
        response = client.get(f"/api/v1/events/{event_id}{path}", headers=checkin_staff)
        assert response.status_code == 403, path
    assert client.get(f"/api/v1/registrations/{ann.id}/certificate.pdf", headers=checkin_staff).status_code == 403
    assert client.post("/api/v1/events", json=event_payload(), headers=checkin_staff).status_code == 403


def test_a_token_for_another_event_cannot_check_in_here(client, db, event_id, ann):
    with db.transaction() as session:
        other_id = create_event(session).id
    elsewhere = token_headers(db, Role.checkin, other_id)
    response = client.post(f"/api/v1/events/{event_id}/checkins", json={"code": ann.checkin_code}, headers=elsewhere)
    assert response.status_code == 403 and checkin_rows(db) == 0
