"""Public pages of an event (no token): the event with its agenda, and the agenda as iCalendar."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from app.agenda.ical import agenda_calendar
from app.agenda.service import event_agenda, group_by_time
from app.core.deps import SessionDep, SettingsDep
from app.core.templating import render_page
from app.core.timezones import in_zone
from app.events.service import get_event_by_slug

router = APIRouter(include_in_schema=False)


@router.get("/events/{slug}", response_class=HTMLResponse)
def event_page(slug: str, session: SessionDep):
    event = get_event_by_slug(session, slug)
    slots = group_by_time(event_agenda(session, event))
    return render_page(
        "events/event.html", event=event, slots=slots,
        starts_at=in_zone(event.starts_at, event.timezone), ends_at=in_zone(event.ends_at, event.timezone),
    )


@router.get("/events/{slug}/agenda.ics")
def agenda_ics(slug: str, session: SessionDep, settings: SettingsDep):
    event = get_event_by_slug(session, slug)
    body = agenda_calendar(event, event_agenda(session, event), host=urlsplit(settings.base_url).hostname or "convene")
    return Response(
        body, media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}-agenda.ics"'},
    )
