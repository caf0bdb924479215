"""Organiser API for a breakout session: groups, settings, preferences and the assignment."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from app.agenda.models import AgendaSession
from app.breakouts import placement, service
from app.breakouts.schemas import (
    AssignmentRead,
    AssignmentRequest,
    GroupCreate,
    GroupRead,
    GroupUpdate,
    MoveRequest,
    PreferenceRead,
    PreferenceSet,
    SettingsRead,
    SettingsUpdate,
)
from app.core.deps import OrganiserDep, SessionDep, TransactionRoute
from app.core.fields import Id
from app.core.pagination import Page
from app.events.dependencies import ManagedEvent

router = APIRouter(route_class=TransactionRoute, prefix="/events/{event_id}/sessions/{session_id}", tags=["breakouts"])


def breakout_session(session_id: Id, event: ManagedEvent, session: SessionDep) -> AgendaSession:
    """The breakout session of a managed event (404 if not the event's, 422 if not a breakout)."""
    return service.get_breakout_session(session, event, session_id)


Breakout = Annotated[AgendaSession, Depends(breakout_session)]


@router.get("/groups", response_model=Page[GroupRead], summary="List the breakout groups with their sizes")
def list_groups(item: Breakout, session: SessionDep):
    groups = service.groups_of(session, item)
    return Page(items=service.read_groups(session, groups), total=len(groups))


@router.post("/groups", status_code=status.HTTP_201_CREATED, response_model=GroupRead, summary="Add a breakout group")
def create_group(data: GroupCreate, item: Breakout, session: SessionDep, organiser: OrganiserDep):
    """A working group with a title, theme, room, capacity and facilitator; a facilitator who is a
    confirmed participant is always placed in their own group."""
    return service.read_groups(session, [service.create_group(session, item, data, principal=organiser)])[0]


@router.get("/groups/{group_id}", response_model=GroupRead, summary="Read a breakout group")
def read_group(group_id: Id, item: Breakout, session: SessionDep):
    return service.read_groups(session, [service.get_group(session, item, group_id)])[0]


@router.patch("/groups/{group_id}", response_model=GroupRead, summary="Change a breakout group")
def update_group(group_id: Id, data: GroupUpdate, item: Breakout, session: SessionDep, organiser: OrganiserDep):
    """Any field, including the rapporteur and the `report_notes` the event report prints."""
    group = service.update_group(session, service.get_group(session, item, group_id), data, principal=organiser)
    return service.read_groups(session, [group])[0]


@router.delete("/groups/{group_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a breakout group")
def delete_group(group_id: Id, item: Breakout, session: SessionDep):
    service.delete_group(session, service.get_group(session, item, group_id))


@router.get("/settings", response_model=SettingsRead, summary="Read the breakout settings")
def read_settings(item: Breakout, session: SessionDep):
    return service.read_settings(service.session_settings(session, item))


@router.patch("/settings", response_model=SettingsRead, summary="Change the breakout settings")
def update_settings(data: SettingsUpdate, item: Breakout, session: SessionDep):
    """How many groups participants rank (P), whether they may still change their choices, and the
    caps per country and per organisation in each group (null: no cap)."""
    return service.read_settings(service.update_settings(session, item, data))


@router.get("/preferences", response_model=Page[PreferenceRead], summary="List participants' ranked choices")
def list_preferences(item: Breakout, session: SessionDep):
    preferences = service.list_preferences(session, item)
    return Page(items=preferences, total=len(preferences))


@router.put("/preferences", response_model=PreferenceRead, summary="Set one participant's ranked choices")
def set_preferences(data: PreferenceSet, event: ManagedEvent, item: Breakout, session: SessionDep):
    """Replaces the registration's choices, best first (at most P); organisers may do so even when closed."""
    registration = service.registration_of_event(session, event, data.registration_id, field="registration_id")
    group_ids = service.set_preferences(session, item, registration, data.group_ids, by_participant=False)
    return PreferenceRead(registration_id=registration.id, name=registration.full_name, group_ids=group_ids)


@router.post("/assignment", response_model=AssignmentRead, summary="Solve the assignment: preview or commit")
def solve_assignment(data: AssignmentRequest, event: ManagedEvent, item: Breakout, session: SessionDep):
    """Every confirmed participant in exactly one group at the least total cost: capacities, pinned
    people (facilitators, locked moves) and the caps hold. `dry_run: true` returns the proposal and its
    metrics and saves nothing; `dry_run: false` saves it and emails each participant a new group.
    No possible assignment: 409 naming the constraint that cannot hold, and nothing is saved."""
    if data.dry_run:
        return placement.preview_assignment(session, event, item, data)
    return placement.solve_and_save_assignment(session, event, item, data)


@router.get("/assignment", response_model=AssignmentRead, summary="Read the saved assignment")
def read_assignment(event: ManagedEvent, item: Breakout, session: SessionDep):
    return placement.read_assignment(session, event, item)


@router.post("/assignment/move", response_model=AssignmentRead, summary="Move one participant by hand")
def move_participant(data: MoveRequest, event: ManagedEvent, item: Breakout, session: SessionDep):
    """Place a confirmed participant in a group (409 if it is full), locked there unless `lock` is false."""
    return placement.move_participant(session, event, item, data)
