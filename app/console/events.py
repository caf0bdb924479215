"""Events in the console: the list of what the account may manage, an event's overview, creating
and editing an event with its settings (capacity, registration window, approval, email
confirmation, retention) on one screen, as a draft until it is published."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app.console.access import ManagedEvent, OrganiserViewer, Viewer, ViewerDep
from app.console.event_form import LABELS, event_values, parse_event, timezone_choices
from app.console.screen import FormDep, Screen, ScreenDep
from app.core.deps import SessionDep, TransactionRoute
from app.core.errors import AppError
from app.core.security import Role
from app.core.timezones import in_zone
from app.events import service as events_service
from app.events.models import Event
from app.events.schemas import EventCreate, EventUpdate
from app.events.service import events_upcoming_first
from app.registration.emails import failed_email_counts
from app.registration.forms import form_choices
from app.registration.models import RegistrationStatus
from app.registration.overview import event_figures
from app.registration.retention import set_retention

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)


@router.get("/manage", response_class=HTMLResponse)
def events_list(screen: ScreenDep, session: SessionDep, viewer: ViewerDep):
    events = events_upcoming_first(session, only_ids=viewer.principal.event_ids)
    if viewer.principal.role is Role.checkin:
        # Door staff: not a refusal, but what they can do, the check-in page of each of their events.
        return screen.render("console/checkin_home.html", viewer=viewer, events=events, local=in_zone)
    viewer.principal.require(Role.organiser)
    figures = event_figures(session, events)
    failed = failed_email_counts(session, [event.id for event in events])
    return screen.render(
        "console/events.html",
        viewer=viewer,
        events=events,
        figures=figures,
        failed=failed,
        statuses=list(RegistrationStatus),
        local=in_zone,
    )


def _event_form(
    screen: Screen,
    session: Session,
    viewer: Viewer,
    event: Event | None,
    *,
    values: dict,
    errors: dict,
    status: int = 200,
) -> HTMLResponse:
    return screen.render(
        "console/event_form.html",
        status=status,
        viewer=viewer,
        event=event,
        values=values,
        errors=errors,
        labels=LABELS,
        timezones=timezone_choices(),
        choices=form_choices(session),
        default_retention=screen.settings.retention_days,
        has_drafts="published" in EventCreate.model_fields,
    )


def _creator(viewer: OrganiserViewer) -> Viewer:
    """As the API: an organiser limited to chosen events cannot create others."""
    viewer.principal.require_all_events()
    return viewer


Creator = Annotated[Viewer, Depends(_creator)]


@router.get("/manage/events/new", response_class=HTMLResponse)
def new_event_page(screen: ScreenDep, session: SessionDep, viewer: Creator):
    values = {"timezone": "Europe/Brussels", "published": False, "email_confirmation": True, "requires_approval": False}
    return _event_form(screen, session, viewer, None, values=values, errors={})


@router.post("/manage/events/new", response_class=HTMLResponse)
def create_event(screen: ScreenDep, session: SessionDep, viewer: Creator, form: FormDep):
    parsed = parse_event(form, update=False)
    if parsed.ok:
        try:
            with session.begin_nested():
                assert isinstance(parsed.data, EventCreate)  # parse_event(update=False)
                event = events_service.create_event(session, parsed.data)
                set_retention(session, event, parsed.retention_days)
        except AppError as error:
            parsed.errors[error.field or "form"] = error.detail
        else:
            state = (
                "as a draft: publish it when it is ready" if not getattr(event, "published", True) else "and published"
            )
            return screen.redirect(f"/manage/events/{event.slug}", f"Created {event.title} {state}.")
    return _event_form(screen, session, viewer, None, values=parsed.values, errors=parsed.errors, status=422)


@router.get("/manage/events/{event_ref}/edit", response_class=HTMLResponse)
def edit_event_page(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent):
    return _event_form(screen, session, viewer, event, values=event_values(event, event.retention_days), errors={})


@router.post("/manage/events/{event_ref}/edit", response_class=HTMLResponse)
def edit_event(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent, form: FormDep):
    parsed = parse_event(form, update=True)
    if parsed.ok:
        try:
            with session.begin_nested():
                assert isinstance(parsed.data, EventUpdate)  # parse_event(update=True)
                events_service.update_event(session, event, parsed.data)
                set_retention(session, event, parsed.retention_days)
        except AppError as error:
            parsed.errors[error.field or "form"] = error.detail
        else:
            return screen.redirect(f"/manage/events/{event.slug}", f"Saved the changes to {event.title}.")
    return _event_form(screen, session, viewer, event, values=parsed.values, errors=parsed.errors, status=422)


@router.post("/manage/events/{event_ref}/publish")
def publish_event(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent, form: FormDep):
    """A draft goes public: its page and registration form open (the events service decides, as a PATCH would)."""
    events_service.update_event(session, event, EventUpdate(published=True))
    return screen.redirect(
        f"/manage/events/{event.slug}", f"Published {event.title}: its public page and registration form are open."
    )


# Last: its {event_ref} would otherwise take /manage/events/new.
@router.get("/manage/events/{event_ref}", response_class=HTMLResponse)
def event_overview(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent):
    figures = event_figures(session, [event])[event.id]
    failed = failed_email_counts(session, [event.id])[event.id]
    return screen.render(
        "console/event.html",
        viewer=viewer,
        event=event,
        figures=figures,
        failed=failed,
        statuses=list(RegistrationStatus),
        local=in_zone,
    )
