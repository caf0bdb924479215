"""Organiser API for copying an event as the start of the next one."""

from __future__ import annotations

from fastapi import APIRouter, status

from app.backup.clone import clone_event
from app.backup.schemas import EventClone
from app.core.deps import OrganiserDep, SessionDep, SettingsDep, TransactionRoute
from app.events.dependencies import ManagedEvent
from app.events.models import Event
from app.events.schemas import EventRead

router = APIRouter(route_class=TransactionRoute, tags=["events"])


@router.post(
    "/events/{event_id}/clone",
    status_code=status.HTTP_201_CREATED,
    response_model=EventRead,
    summary="Copy an event as a draft for new dates",
)
def clone(data: EventClone, event: ManagedEvent, session: SessionDep, organiser: OrganiserDep, settings: SettingsDep):
    """A draft copy of the event (settings, agenda with its speakers and working groups, questions,
    branding) whose sessions move with its first day; registrations, attendance, the narrative and
    reports stay behind. Like creating an event, this needs an organiser of all events."""
    organiser.require_all_events()
    new_id = clone_event(session, event, slug=data.slug, title=data.title, starts_on=data.starts_on)
    return EventRead.of(session.get_one(Event, new_id), settings)
