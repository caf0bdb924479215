"""Events in the console: the list of what the account may manage, and an event's overview."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from app.console.access import ManagedEvent, OrganiserViewer
from app.console.screen import ScreenDep
from app.core.deps import SessionDep, TransactionRoute
from app.core.timezones import in_zone
from app.events.service import events_upcoming_first
from app.registration.models import RegistrationStatus
from app.registration.overview import event_figures

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)


@router.get("/manage", response_class=HTMLResponse)
def events_list(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer):
    events = events_upcoming_first(session, only_ids=viewer.principal.event_ids)
    figures = event_figures(session, events)
    return screen.render("console/events.html", viewer=viewer, events=events, figures=figures,
                         statuses=list(RegistrationStatus), local=in_zone)


@router.get("/manage/events/{event_ref}", response_class=HTMLResponse)
def event_overview(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent):
    figures = event_figures(session, [event])[event.id]
    return screen.render("console/event.html", viewer=viewer, event=event, figures=figures,
                         statuses=list(RegistrationStatus), local=in_zone)
