"""The building blocks of every iCalendar file Convene writes: the email attachment
(app.notifications.calendar), the public agenda (app.agenda.ical) and each participant's own feed
(app.breakouts.calendar_feed).

Times are written in the event's own zone, with a TZID naming it and a VTIMEZONE describing it, so
a calendar that does not know the IANA name (Outlook) still places them at the venue's local time.
A SEQUENCE is the number of seconds from 2026 to the moment the entry last changed: it grows with
every change, so a calendar updates the entry of the same UID rather than adding another.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Timezone
from icalendar import Event as CalendarEvent

_SEQUENCE_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def sequence_at(changed_at: datetime) -> int:
    """The SEQUENCE of an entry last changed at ``changed_at`` (never below 0)."""
    return max(int((changed_at - _SEQUENCE_EPOCH).total_seconds()), 0)


def zoned_calendar(prodid: str, timezone: str, first: datetime, last: datetime) -> tuple[Calendar, ZoneInfo]:
    """An empty calendar with the VTIMEZONE of ``timezone`` covering the years of ``first`` to ``last``
    (and the next), and that zone, to write the entries' times in."""
    zone = ZoneInfo(timezone)
    calendar = Calendar()
    calendar.add("prodid", prodid)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    start, end = first.astimezone(zone).date(), last.astimezone(zone).date()
    calendar.add_component(
        Timezone.from_tzinfo(
            zone, first_date=start.replace(month=1, day=1), last_date=end.replace(year=end.year + 1, month=1, day=1)
        )
    )
    return calendar, zone


def calendar_entry(
    *,
    uid: str,
    sequence: int,
    stamp: datetime,
    starts: datetime | date,
    ends: datetime | date,
    summary: str,
    location: str | None = None,
    description: str | None = None,
    categories: list[str] | None = None,
    last_modified: datetime | None = None,
) -> CalendarEvent:
    """One VEVENT. ``starts`` and ``ends`` are aware datetimes already in the calendar's zone, or
    dates for an all-day entry (``ends`` the day after the last)."""
    entry = CalendarEvent()
    entry.add("uid", uid)
    entry.add("sequence", sequence)
    entry.add("dtstamp", stamp.astimezone(UTC))
    if last_modified is not None:
        entry.add("last-modified", last_modified.astimezone(UTC))
    entry.add("dtstart", starts)
    entry.add("dtend", ends)
    entry.add("summary", summary)
    if location:
        entry.add("location", location)
    if description:
        entry.add("description", description)
    if categories:
        entry.add("categories", categories)
    return entry
