"""The event as an iCalendar attachment, for the emails that give a participant their seat.

Times are written in the event's own zone with its VTIMEZONE, so a calendar places them at the
venue's local time whatever the reader's zone. The UID is the event's (stable across emails, so a
second attachment updates the entry rather than adding one) and SEQUENCE grows with the time the
email is rendered, so the latest one wins.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar, Timezone
from icalendar import Event as CalendarEvent

from app.core.types import utcnow
from app.notifications.messages import RegistrationProps

PRODID = "-//Convene//Registration//EN"
FILENAME = "event.ics"
_SEQUENCE_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def event_calendar(props: RegistrationProps, base_url: str) -> bytes | None:
    """The event of ``props`` as a one-entry calendar, or None for emails queued without its times."""
    if props.event_starts_at is None or props.event_ends_at is None or props.event_timezone is None:
        return None
    zone = ZoneInfo(props.event_timezone)
    starts = datetime.fromisoformat(props.event_starts_at).astimezone(zone)
    ends = datetime.fromisoformat(props.event_ends_at).astimezone(zone)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(Timezone.from_tzinfo(zone, first_date=starts.date().replace(month=1, day=1),
                                                last_date=ends.date().replace(year=ends.year + 1, month=1, day=1)))
    now = utcnow()
    entry = CalendarEvent()
    entry.add("uid", f"event-{props.event_id}@{urlsplit(base_url).hostname or 'convene'}")
    entry.add("sequence", int((now - _SEQUENCE_EPOCH).total_seconds() // 60))  # minutes: a later email, a higher one
    entry.add("dtstamp", now)
    entry.add("dtstart", starts)
    entry.add("dtend", ends)
    entry.add("summary", props.event_title)
    if props.event_where:
        entry.add("location", props.event_where)
    calendar.add_component(entry)
    return calendar.to_ical()
