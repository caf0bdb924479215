"""The agenda as an iCalendar file, with times in the event's own zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Timezone
from icalendar import Event as CalendarEvent

from app.agenda.schemas import SessionRead
from app.core.countries import country_name
from app.core.types import utcnow
from app.events.models import Event

PRODID = "-//Convene//Agenda//EN"


def agenda_calendar(event: Event, agenda: list[SessionRead], *, host: str) -> bytes:
    zone = ZoneInfo(event.timezone)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", event.title)
    calendar.add("x-wr-timezone", event.timezone)
    # A VTIMEZONE lets calendars that do not know the IANA name still place the times right.
    first, last = event.starts_at.date(), event.ends_at.date()
    calendar.add_component(
        Timezone.from_tzinfo(zone, first_date=first.replace(month=1, day=1), last_date=last.replace(year=last.year + 1, month=1, day=1))
    )
    stamp = utcnow()
    # The country too, as on the event page: a calendar's map search for "Leuven" alone may guess wrong.
    location = ", ".join(part for part in (event.venue, event.city, country_name(event.country)) if part)
    for item in agenda:
        entry = CalendarEvent()
        entry.add("uid", f"session-{item.id}@{host}")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", _local(item.starts_at, zone))
        entry.add("dtend", _local(item.ends_at, zone))
        entry.add("summary", item.title)
        place = ", ".join(part for part in (item.room, location) if part)
        if place:
            entry.add("location", place)
        people = "; ".join(f"{role.role.value.replace('_', ' ').capitalize()}: {role.name}" for role in item.roles)
        description = "\n\n".join(part for part in (item.description, people) if part)
        if description:
            entry.add("description", description)
        entry.add("categories", [item.kind.value])
        calendar.add_component(entry)
    return calendar.to_ical()


def _local(value: datetime, zone: ZoneInfo) -> datetime:
    return value.astimezone(zone)
