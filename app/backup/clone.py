"""Cloning an event as the start of the next workshop: its settings, agenda (sessions, speakers
and other roles, working groups), questions and branding, moved to new dates, as a draft.

Built on the archive (export, keep what a new edition reuses, import): every table an event owns
is covered by one mechanism, and the clone's list of what it takes is the only rule here.
Registrations, their history, attendance, the narrative, notes and reports stay behind.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from app.backup.archive import export_event, import_event
from app.core.timezones import in_zone
from app.core.types import utcnow
from app.events.models import Event

# What a new edition of the workshop reuses; every other table the event owns stays behind.
CLONED = {
    "event",
    "agenda_session",
    "session_role",
    "question",
    "breakout_group",
    "breakout_settings",
    "event_branding",
}
MOVED_TIMES = {
    "event": ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"),
    "agenda_session": ("starts_at", "ends_at"),
}
FRESH = {
    "event": {
        "published": False,
        "seats_held": 0,
        "waiting_count": 0,
        "last_waitlist_rank": 0,
        "retention_notice_at": None,
        "approval_digest_at": None,
    },
    "breakout_settings": {"committed_at": None, "preferences_open": False},
    "breakout_group": {"report_notes": None},
}


def _moved(value: str | None, days: int, zone: str) -> str | None:
    """``value`` moved by ``days`` at the venue: 09:00 stays 09:00 across a change of summer time."""
    if value is None:
        return None
    local = in_zone(datetime.fromisoformat(value), zone)
    return in_zone((local.replace(tzinfo=None) + timedelta(days=days)), zone).isoformat()


def clone_event(session: Session, source: Event, *, slug: str, title: str, starts_on: date) -> int:
    """A draft copy of ``source`` under ``slug`` whose first day is ``starts_on``; returns its id."""
    archive = export_event(session, source.slug)
    days = (starts_on - in_zone(source.starts_at, source.timezone).date()).days
    now = utcnow().isoformat()
    tables = {name: rows for name, rows in archive["tables"].items() if name in CLONED}
    for name, rows in tables.items():
        for row in rows:
            for column in MOVED_TIMES.get(name, ()):
                row[column] = _moved(row[column], days, source.timezone)
            row.update(FRESH.get(name, {}))
    [event] = tables["event"]
    event.update(title=title, created_at=now, updated_at=now)
    new_id, _ = import_event(session, {**archive, "tables": tables}, slug=slug, same_directory=True)
    return new_id
