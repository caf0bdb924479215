"""The event as an iCalendar attachment, for the emails that give a participant their seat.

Built from the shared blocks of :mod:`app.core.calendars` (times in the event's zone with its
VTIMEZONE). The UID is the event's (stable across emails, so a second attachment updates the entry
rather than adding one) and SEQUENCE grows with the time the email is rendered, so the latest one wins.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from app.core.calendars import calendar_entry, sequence_at, zoned_calendar
from app.core.types import utcnow
from app.notifications.messages import RegistrationProps

PRODID = "-//Convene//Registration//EN"
FILENAME = "event.ics"


def event_calendar(props: RegistrationProps, base_url: str) -> bytes | None:
    """The event of ``props`` as a one-entry calendar, or None for emails queued without its times."""
    if props.event_starts_at is None or props.event_ends_at is None or props.event_timezone is None:
        return None
    starts, ends = datetime.fromisoformat(props.event_starts_at), datetime.fromisoformat(props.event_ends_at)
    calendar, zone = zoned_calendar(PRODID, props.event_timezone, starts, ends)
    calendar.add("method", "PUBLISH")
    now = utcnow()
    calendar.add_component(
        calendar_entry(
            uid=f"event-{props.event_id}@{urlsplit(base_url).hostname or 'convene'}",
            sequence=sequence_at(now),
            stamp=now,
            starts=starts.astimezone(zone),
            ends=ends.astimezone(zone),
            summary=props.event_title,
            location=props.event_where,
        )
    )
    return calendar.to_ical()
