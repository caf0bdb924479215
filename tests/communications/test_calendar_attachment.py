"""The emails that give a participant their seat carry the event as an .ics a calendar imports at
the venue's local time; a place on the waiting list does not."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar

from app.worker import drain
from tests.registration.conftest import open_event, registration_payload


def _calendar(message) -> Calendar | None:
    parts = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    if not parts:
        return None
    [part] = parts
    assert part.get_filename() == "event.ics"
    return Calendar.from_ical(part.get_payload(decode=True))


def test_the_confirmation_and_the_promotion_carry_the_event_at_local_time(client, db, settings, organiser, smtp_server):
    smtp_server.start()
    with db.transaction() as session:
        event_id = open_event(
            session,
            capacity=1,
            title="R&D days",
            starts_at="2030-06-20T09:00:00+02:00",
            ends_at="2030-06-20T17:00:00+02:00",
            timezone="Europe/Brussels",
        ).id
    url = f"/api/v1/events/{event_id}/registrations"
    first = client.post(url, json=registration_payload(email="first@example.org")).json()
    client.post(url, json=registration_payload(email="second@example.org"))  # waiting
    drain(db, settings.model_copy(update={"smtp_url": smtp_server.url}))
    by_address = {message["To"]: message for message in smtp_server.handler.messages}
    assert _calendar(by_address["second@example.org"]) is None  # waitlisted: no seat, no calendar entry
    [entry] = _calendar(by_address["first@example.org"]).walk("VEVENT")
    assert str(entry["SUMMARY"]) == "R&D days"
    starts = entry.decoded("DTSTART")
    assert starts == datetime(2030, 6, 20, 9, 0, tzinfo=ZoneInfo("Europe/Brussels"))
    assert str(starts.tzinfo) == "Europe/Brussels" and entry["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert str(entry["UID"]) == f"event-{event_id}@testserver"

    smtp_server.handler.messages.clear()
    client.post(f"/api/v1/registrations/{first['id']}/cancel", headers=organiser)
    drain(db, settings.model_copy(update={"smtp_url": smtp_server.url}))
    promoted = next(m for m in smtp_server.handler.messages if m["To"] == "second@example.org")
    [again] = _calendar(promoted).walk("VEVENT")
    assert str(again["UID"]) == str(entry["UID"]) and int(again["SEQUENCE"]) >= int(entry["SEQUENCE"])
