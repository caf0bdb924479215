"""Cloning an event in the console: the next edition of a workshop starts as a draft copy of the
last one (settings, agenda, speakers, working groups, questions), on its new first day."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from app.backup.clone import clone_event
from app.backup.schemas import EventClone
from app.console.access import ManagedEvent, Viewer
from app.console.events import Creator
from app.console.screen import FormDep, Screen, ScreenDep, text
from app.core.deps import SessionDep, TransactionRoute
from app.core.errors import AppError
from app.core.timezones import in_zone
from app.events.models import Event
from app.registration.forms import validation_errors

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)

LABELS = {"title": "Title of the new event", "slug": "Address name (slug)", "starts_on": "First day"}


def _page(
    screen: Screen, viewer: Viewer, event: Event, *, values: dict, errors: dict, status: int = 200
) -> HTMLResponse:
    return screen.render(
        "console/clone.html", status=status, viewer=viewer, event=event, values=values, errors=errors, labels=LABELS
    )


@router.get("/manage/events/{event_ref}/clone", response_class=HTMLResponse)
def clone_page(screen: ScreenDep, viewer: Creator, event: ManagedEvent):
    first_day = in_zone(event.starts_at, event.timezone).date()
    values = {"title": event.title, "slug": f"{event.slug}-next", "starts_on": first_day.isoformat()}
    return _page(screen, viewer, event, values=values, errors={})


@router.post("/manage/events/{event_ref}/clone", response_class=HTMLResponse)
def clone(screen: ScreenDep, session: SessionDep, viewer: Creator, event: ManagedEvent, form: FormDep):
    values = {name: text(form, name) for name in LABELS}
    try:
        data = EventClone(**values)
    except ValidationError as error:
        errors = validation_errors(error)
    else:
        try:
            with session.begin_nested():
                new_id = clone_event(session, event, slug=data.slug, title=data.title, starts_on=data.starts_on)
        except AppError as error:
            errors = {error.field or "slug": error.detail}
        else:
            copy = session.get_one(Event, new_id)
            return screen.redirect(
                f"/manage/events/{copy.slug}",
                f"Created {copy.title} as a draft copy of {event.title}: check its dates and agenda, then publish it.",
            )
    return _page(screen, viewer, event, values=values, errors=errors, status=422)
