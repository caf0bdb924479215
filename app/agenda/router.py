"""Organiser API for an event's agenda."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from app.agenda import service
from app.agenda.models import SessionKind
from app.agenda.schemas import SessionCreate, SessionRead, SessionUpdate
from app.core.deps import OrganiserDep, SessionDep, TransactionRoute, WindowDep
from app.core.fields import Id
from app.core.pagination import Page
from app.events.dependencies import ManagedEvent

router = APIRouter(route_class=TransactionRoute, tags=["agenda"])


@router.post(
    "/events/{event_id}/sessions",
    status_code=status.HTTP_201_CREATED,
    response_model=SessionRead,
    summary="Add an agenda session",
)
def create_session(data: SessionCreate, event: ManagedEvent, session: SessionDep, organiser: OrganiserDep):
    """Add a talk, panel, breakout, break... Sessions may run in parallel; each must lie within the
    event's dates. `roles` names speakers, panellists, moderators, facilitators, rapporteurs and chairs:
    a known person by `person_id`, or inline by `person`, matched to an existing person by email, else
    by exact name among the people already on this event's agenda, else created (`matched_by` says
    which). Another session in the same room at the same time is accepted with a `warnings` entry."""
    written = service.create_agenda_session(session, event, data, principal=organiser)
    return service.read_sessions(session, event, [written.item], matches=written.matches)[0]


@router.get("/events/{event_id}/sessions", response_model=Page[SessionRead], summary="List the agenda")
def list_sessions(
    event: ManagedEvent,
    session: SessionDep,
    window: WindowDep,
    kind: SessionKind | None = None,
    room: Annotated[str | None, Query(max_length=200)] = None,
):
    items, total = service.list_sessions(session, event, window, kind=kind, room=room)
    return Page(items=service.read_sessions(session, event, items), total=total)


@router.get("/events/{event_id}/sessions/{session_id}", response_model=SessionRead, summary="Read a session")
def read_session(session_id: Id, event: ManagedEvent, session: SessionDep):
    item = service.get_agenda_session(session, event, session_id)
    return service.read_sessions(session, event, [item])[0]


@router.patch("/events/{event_id}/sessions/{session_id}", response_model=SessionRead, summary="Change a session")
def update_session(
    session_id: Id, data: SessionUpdate, event: ManagedEvent, session: SessionDep, organiser: OrganiserDep
):
    """Only the fields named change; `roles`, when given, replaces all the session's roles (inline
    people matched as when adding a session)."""
    item = service.get_agenda_session(session, event, session_id)
    written = service.update_agenda_session(session, event, item, data, principal=organiser)
    return service.read_sessions(session, event, [written.item], matches=written.matches)[0]


@router.delete(
    "/events/{event_id}/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a session"
)
def delete_session(session_id: Id, event: ManagedEvent, session: SessionDep):
    service.delete_agenda_session(session, service.get_agenda_session(session, event, session_id))
