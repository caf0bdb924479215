"""Check-in is for the event's days (from the day before by default); certificates exist only once
the event has started, say who issues them and print the event's description."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.attendance.models import Checkin
from app.core.security import Role
from app.events.models import Event
from app.main import create_app
from tests.attendance.test_badges import pdf_text
from tests.conftest import token_headers
from tests.factories import add_participant, create_event, ongoing_event_times

ZONE = ZoneInfo("Europe/Brussels")


def _event(db, starts_at: datetime, hours: int = 8, **extra) -> tuple[int, str]:
    """An event and the check-in code of one confirmed participant."""
    with db.transaction() as session:
        event = create_event(
            session, starts_at=starts_at.isoformat(), ends_at=(starts_at + timedelta(hours=hours)).isoformat(), **extra
        )
        return event.id, add_participant(session, event, first_name="Lena", last_name="Dahl").checkin_code


def _tomorrow_at_nine() -> datetime:
    return datetime.combine(datetime.now(ZONE).date() + timedelta(days=1), datetime.min.time(), ZONE).replace(hour=9)


def _checkins(db, event_id: int) -> int:
    with db.transaction(write=False) as session:
        return session.execute(
            select(func.count()).select_from(Checkin).where(Checkin.event_id == event_id)
        ).scalar_one()


def test_check_in_two_months_ahead_is_refused_for_everyone(client, db, organiser):
    event_id, code = _event(db, datetime.now(ZONE).replace(microsecond=0) + timedelta(days=60))
    staff = token_headers(db, Role.checkin, event_id)
    for headers in (staff, organiser):
        response = client.post(f"/api/v1/events/{event_id}/checkins", json={"code": code}, headers=headers)
        assert response.status_code == 409, response.text
        assert response.json()["title"] == "Check-in not open yet" and "opens on" in response.json()["detail"]
    assert _checkins(db, event_id) == 0


def test_check_in_opens_the_day_before_by_default_and_the_margin_is_a_setting(client, db, settings):
    event_id, code = _event(db, _tomorrow_at_nine())
    staff = token_headers(db, Role.checkin, event_id)
    assert client.post(f"/api/v1/events/{event_id}/checkins", json={"code": code}, headers=staff).status_code == 201
    same_day_only = settings.model_copy(update={"checkin_opens_days_before": 0})
    with TestClient(create_app(same_day_only, database=db)) as strict:
        refused = strict.post(f"/api/v1/events/{event_id}/checkins/undo", json={"code": code}, headers=staff)
        assert refused.status_code == 200  # undoing a mistaken scan is always possible
        again = strict.post(f"/api/v1/events/{event_id}/checkins", json={"code": code}, headers=staff)
        assert again.status_code == 409 and "opens on" in again.json()["detail"]


def test_after_the_event_only_organisers_record_attendance(client, db, organiser):
    event_id, code = _event(db, datetime.now(ZONE).replace(microsecond=0) - timedelta(days=2))
    staff = token_headers(db, Role.checkin, event_id)
    late = client.post(f"/api/v1/events/{event_id}/checkins", json={"code": code}, headers=staff)
    assert late.status_code == 409 and late.json()["title"] == "The event is over"
    assert "only an organiser" in late.json()["detail"] and _checkins(db, event_id) == 0
    recorded = client.post(f"/api/v1/events/{event_id}/checkins", json={"code": code}, headers=organiser)
    assert recorded.status_code == 201 and _checkins(db, event_id) == 1


def test_the_staff_page_refuses_before_the_event_with_the_reason(client, db):
    event_id, code = _event(db, datetime.now(ZONE).replace(microsecond=0) + timedelta(days=60))
    with db.transaction(write=False) as session:
        slug = session.get(Event, event_id).slug
    raw = token_headers(db, Role.checkin, event_id)["Authorization"].removeprefix("Bearer ")
    page = client.get(f"/events/{slug}/checkin")
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    client.post(f"/events/{slug}/checkin/login", data={"token": raw, "csrf_token": csrf})
    response = client.post(f"/events/{slug}/checkin", data={"code": code, "csrf_token": csrf})
    assert response.status_code == 409 and "Check-in for this event opens on" in response.text
    assert _checkins(db, event_id) == 0


def test_no_certificate_before_the_event_has_started(client, db, organiser):
    event_id, code = _event(db, _tomorrow_at_nine())
    staff = token_headers(db, Role.checkin, event_id)
    checked = client.post(f"/api/v1/events/{event_id}/checkins", json={"code": code}, headers=staff)
    assert checked.status_code == 201  # the day before: badges handed out at the evening reception
    registration_id = checked.json()["registration_id"]
    for url in (
        f"/api/v1/events/{event_id}/certificates.pdf",
        f"/api/v1/registrations/{registration_id}/certificate.pdf",
    ):
        response = client.get(url, headers=organiser)
        assert response.status_code == 409 and "has not started yet" in response.json()["detail"]


def test_a_certificate_names_its_issuer_and_prints_the_description_not_the_subtitle(client, db, organiser):
    event_id, code = _event(
        db,
        datetime.fromisoformat(ongoing_event_times()["starts_at"]),
        city="Leuven",
        organised_by="Interreg Europe Policy Learning Platform",
        subtitle="Web page strapline",
        description="A day on clusters and SME competitiveness.\n\nWith three working groups.",
    )
    client.post(f"/api/v1/events/{event_id}/checkins", json={"code": code}, headers=organiser)
    response = client.get(f"/api/v1/events/{event_id}/certificates.pdf", headers=organiser)
    assert response.status_code == 200, response.text
    text = " ".join(pdf_text(response.content).split())
    assert "A day on clusters and SME competitiveness." in text and "With three working groups." in text
    assert "Web page strapline" not in text
    today = datetime.now(ZONE)
    assert f"Issued by Interreg Europe Policy Learning Platform, Leuven, {today.day} {today:%B %Y}" in text


def test_organised_by_is_part_of_the_event(client, organiser):
    from tests.factories import event_payload

    created = client.post("/api/v1/events", json=event_payload(organised_by="DG GROW"), headers=organiser).json()
    assert created["organised_by"] == "DG GROW"
    changed = client.patch(f"/api/v1/events/{created['id']}", json={"organised_by": "DG REGIO"}, headers=organiser)
    assert changed.json()["organised_by"] == "DG REGIO"
