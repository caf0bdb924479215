"""attendance_summary and GET /events/{id}/attendance: attended, no-shows, late arrivals, sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event as sa_event

from app.attendance.models import Checkin
from app.attendance.service import attendance_summary
from app.events.models import Event
from app.registration.models import RegistrationStatus
from tests.factories import add_participant, create_agenda_session, create_event

START = datetime(2030, 6, 20, 7, 0, tzinfo=UTC)  # 09:00 in Brussels


@pytest.fixture
def event_id(db) -> int:
    """An event on 20 June 2030 from 09:00 in Brussels (the check-in rows are written directly)."""
    with db.transaction() as session:
        return create_event(session, slug="figures-test").id


def seed(session, event: Event, people: int):
    """``people`` confirmed; the first arrives at 08:50, the second at 09:20 (late), the rest never come."""
    talk = create_agenda_session(
        session, event, starts_at=datetime(2030, 6, 20, 10, 0), ends_at=datetime(2030, 6, 20, 11, 0)
    )
    registrations = [add_participant(session, event) for _ in range(people)]
    add_participant(session, event, status=RegistrationStatus.cancelled)
    early, late = registrations[0], registrations[1]
    session.add_all(
        [
            Checkin(event_id=event.id, registration_id=early.id, checked_in_at=START - timedelta(minutes=10)),
            Checkin(event_id=event.id, registration_id=late.id, checked_in_at=START + timedelta(minutes=20)),
            Checkin(
                event_id=event.id,
                registration_id=early.id,
                session_id=talk.id,
                checked_in_at=talk.starts_at + timedelta(minutes=16),
            ),
            Checkin(event_id=event.id, registration_id=late.id, session_id=talk.id, checked_in_at=talk.starts_at),
        ]
    )
    session.flush()
    return talk


def count_queries(session, function):
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731 (conn, cursor, statement, ...)
    engine = session.get_bind()
    sa_event.listen(engine, "before_cursor_execute", listener)
    try:
        return function(), len(statements)
    finally:
        sa_event.remove(engine, "before_cursor_execute", listener)


def test_summary_counts_attended_no_shows_and_late_arrivals_per_event_and_session(db, event_id):
    with db.transaction() as session:
        event = session.get(Event, event_id)
        talk = seed(session, event, people=5)
        summary = attendance_summary(session, event)
    assert (summary.attended, summary.confirmed, summary.no_shows, summary.late_arrivals) == (2, 5, 3, 1)
    assert summary.sessions == {talk.id: 2} and summary.late_by_session == {talk.id: 1}


def test_summary_takes_the_same_few_queries_for_3_or_40_participants(db):
    counts = []
    with db.transaction() as session:
        for people in (3, 40):
            event = create_event(session)
            seed(session, event, people=people)
            counts.append(count_queries(session, lambda event=event: attendance_summary(session, event))[1])
    assert counts[0] == counts[1] <= 4


def test_attendance_endpoint_lists_every_session_for_organisers_only(client, db, event_id, organiser, checkin_staff):
    with db.transaction() as session:
        talk = seed(session, session.get(Event, event_id), people=4)
    body = client.get(f"/api/v1/events/{event_id}/attendance", headers=organiser).json()
    assert (
        body["attended"] == 2 and body["no_shows"] == 2 and body["late_arrivals"] == 1 and body["grace_minutes"] == 15
    )
    assert body["sessions"] == [
        {"id": talk.id, "title": "Talk", "starts_at": "2030-06-20T10:00:00+02:00", "attendance": 2, "late_arrivals": 1}
    ]
    assert client.get(f"/api/v1/events/{event_id}/attendance", headers=checkin_staff).status_code == 403
