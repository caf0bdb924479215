"""The .ics of the confirmation email, as received by a real SMTP server, imports at the venue's
local time even in a calendar that ignores the IANA name and reads only the VTIMEZONE (Outlook):
here a winter evening in New York, five hours behind UTC, whatever the server's own zone."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar

from app.worker import drain
from tests.registration.conftest import open_event, registration_payload


def test_the_confirmation_ics_imports_at_the_local_time_by_its_vtimezone(client, db, settings, smtp_server):
    smtp_server.start()
    with db.transaction() as session:
        event_id = open_event(
            session,
            title="Winter meetup",
            starts_at="2030-01-15T18:30:00-05:00",
            ends_at="2030-01-15T21:00:00-05:00",
            timezone="America/New_York",
        ).id
    answer = client.post(f"/api/v1/events/{event_id}/registrations", json=registration_payload(email="ann@example.org"))
    assert answer.status_code == 201, answer.text
    drain(db, settings.model_copy(update={"smtp_url": smtp_server.url}))

    [message] = [m for m in smtp_server.handler.messages if m["To"] == "ann@example.org"]
    [part] = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    raw = part.get_payload(decode=True)
    calendar = Calendar.from_ical(raw)
    [zone] = calendar.walk("VTIMEZONE")
    [entry] = calendar.walk("VEVENT")
    assert str(zone["TZID"]) == entry["DTSTART"].params["TZID"] == "America/New_York"
    assert b"DTSTART;TZID=America/New_York:20300115T183000" in raw
    assert b"DTEND;TZID=America/New_York:20300115T210000" in raw
    # The wall-clock time read with the VTIMEZONE's own rules: 18:30 EST is 23:30 UTC.
    local = entry.decoded("DTSTART").replace(tzinfo=None)
    assert local == datetime(2030, 1, 15, 18, 30)
    assert local.replace(tzinfo=zone.to_tz()).astimezone(UTC) == datetime(2030, 1, 15, 23, 30, tzinfo=UTC)
    assert str(entry["SUMMARY"]) == "Winter meetup"
