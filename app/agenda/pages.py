"""The agenda as iCalendar (no token). The event page itself is the public site's (app.site.pages)."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter
from fastapi.responses import Response

from app.agenda.ical import agenda_calendar
from app.agenda.service import event_agenda
from app.core.deps import SessionDep, SettingsDep, TransactionRoute
from app.events.service import get_public_event

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)


@router.get("/events/{slug}/agenda.ics")
def agenda_ics(slug: str, session: SessionDep, settings: SettingsDep):
    event = get_public_event(session, slug)
    body = agenda_calendar(event, event_agenda(session, event), host=urlsplit(settings.base_url).hostname or "convene")
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}-agenda.ics"'},
    )
