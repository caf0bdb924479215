"""Loader dependencies: an event by id or slug (404) that the caller may manage (403)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from app.core.deps import OrganiserDep, PrincipalDep, SessionDep
from app.core.security import Role
from app.events.models import Event
from app.events.service import get_event_by_ref

EventRef = Annotated[
    str, Path(max_length=80, description="the event's id or its slug", examples=["12", "clusters-workshop-2018"])
]


def managed_event(event_id: EventRef, session: SessionDep, organiser: OrganiserDep) -> Event:
    """The event, when the caller is an organiser (or admin) allowed to act on it."""
    event = get_event_by_ref(session, event_id)
    organiser.require_manages(event.id)
    return event


def checkin_event(event_id: EventRef, session: SessionDep, principal: PrincipalDep) -> Event:
    """The event, when the caller may check people in to it (organiser or checkin role)."""
    principal.require(Role.organiser, Role.checkin)
    event = get_event_by_ref(session, event_id)
    principal.require_event(event.id, Role.organiser, Role.checkin)
    return event


ManagedEvent = Annotated[Event, Depends(managed_event)]
CheckinEvent = Annotated[Event, Depends(checkin_event)]
