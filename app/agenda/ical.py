"""The agenda as an iCalendar file, with times in the event's own zone (app.core.calendars)."""

from __future__ import annotations

from icalendar import Calendar

from app.agenda.schemas import RoleRead, SessionRead
from app.core.calendars import calendar_entry, sequence_at, zoned_calendar
from app.core.countries import country_name
from app.core.types import utcnow
from app.events.models import Event

PRODID = "-//Convene//Agenda//EN"


def event_location(event: Event) -> str:
    """The venue, the city and the country, as on the event page: a calendar's map search for
    "Leuven" alone may guess wrong."""
    return ", ".join(part for part in (event.venue, event.city, country_name(event.country)) if part)


def people_line(roles: list[RoleRead]) -> str:
    """ "Speaker: Ann Lee; Moderator: Bo Ek" for a session's description."""
    return "; ".join(f"{role_label(role.role.value)}: {role.name}" for role in roles)


def role_label(role: str) -> str:
    return role.replace("_", " ").capitalize()


def event_calendar_shell(event: Event, prodid: str, *, name: str) -> Calendar:
    """A calendar for ``event`` with its zone, named ``name`` in calendar applications."""
    calendar, _ = zoned_calendar(prodid, event.timezone, event.starts_at, event.ends_at)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", event.timezone)
    return calendar


def agenda_calendar(event: Event, agenda: list[SessionRead], *, host: str) -> bytes:
    calendar = event_calendar_shell(event, PRODID, name=event.title)
    stamp = utcnow()
    location = event_location(event)
    for item in agenda:
        description = "\n\n".join(part for part in (item.description, people_line(item.roles)) if part)
        calendar.add_component(
            calendar_entry(
                uid=f"session-{item.id}@{host}",
                sequence=sequence_at(stamp),
                stamp=stamp,
                # SessionRead's times are already in the event's zone.
                starts=item.starts_at,
                ends=item.ends_at,
                summary=item.title,
                location=", ".join(part for part in (item.room, location) if part),
                description=description,
                categories=[item.kind.value],
            )
        )
    return calendar.to_ical()
