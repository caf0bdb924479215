"""Organiser API for events."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, status

from app.core.deps import OrganiserDep, SessionDep, SettingsDep, TransactionRoute, WindowDep
from app.core.pagination import Page
from app.events import service
from app.events.dependencies import ManagedEvent
from app.events.schemas import EventCreate, EventRead, EventUpdate

router = APIRouter(route_class=TransactionRoute, tags=["events"])


@router.post("/events", status_code=status.HTTP_201_CREATED, response_model=EventRead, summary="Create an event")
def create_event(data: EventCreate, session: SessionDep, organiser: OrganiserDep, settings: SettingsDep):
    """Create a workshop. Times without an offset are read in the event's `timezone`."""
    organiser.require_all_events()
    return EventRead.of(service.create_event(session, data), settings)


@router.get("/events", response_model=Page[EventRead], summary="List events")
def list_events(
    session: SessionDep,
    organiser: OrganiserDep,
    window: WindowDep,
    settings: SettingsDep,
    q: Annotated[str | None, Query(max_length=200, description="part of the title or slug")] = None,
    country: Annotated[str | None, Query(max_length=2)] = None,
    starts_after: datetime | None = None,
    starts_before: datetime | None = None,
):
    events, total = service.list_events(
        session,
        window,
        only_ids=organiser.event_ids,
        q=q,
        country=country,
        starts_after=starts_after,
        starts_before=starts_before,
    )
    return Page(items=[EventRead.of(e, settings) for e in events], total=total)


@router.get("/events/{event_id}", response_model=EventRead, summary="Read an event")
def read_event(event: ManagedEvent, settings: SettingsDep):
    return EventRead.of(event, settings)


@router.patch("/events/{event_id}", response_model=EventRead, summary="Change an event")
def update_event(data: EventUpdate, event: ManagedEvent, session: SessionDep, settings: SettingsDep):
    return EventRead.of(service.update_event(session, event, data), settings)


@router.delete("/events/{event_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete an event and all its data")
def delete_event(event: ManagedEvent, session: SessionDep):
    service.delete_event(session, event)
