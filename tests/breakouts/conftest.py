"""Factories for the breakout tests: a breakout session, its groups, participants with choices."""

from __future__ import annotations

from datetime import datetime
from itertools import count

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.agenda.models import AgendaSession
from app.breakouts.models import BreakoutAssignment, BreakoutGroup
from app.breakouts.schemas import GroupCreate, SettingsUpdate
from app.breakouts.service import create_group, set_preferences, update_settings
from app.events.models import Event
from app.registration.models import Registration
from tests.factories import add_participant, create_agenda_session

_numbers = count(1)


def create_breakout(session: Session, event: Event, *, starts: int = 14, **settings) -> AgendaSession:
    item = create_agenda_session(
        session,
        event,
        title=f"Working groups at {starts}:00",
        kind="breakout",
        starts_at=datetime(2030, 6, 20, starts, 0),
        ends_at=datetime(2030, 6, 20, starts + 1, 0),
    )
    if settings:
        update_settings(session, item, SettingsUpdate(**settings))
    return item


def add_groups(session: Session, item: AgendaSession, *capacities: int, **fields) -> list[BreakoutGroup]:
    return [
        create_group(session, item, GroupCreate(title=f"Group {index + 1}", capacity=capacity, **fields))
        for index, capacity in enumerate(capacities)
    ]


def add_choosers(
    session: Session, event: Event, item: AgendaSession, choices: list[BreakoutGroup], number: int, **participant
) -> list[Registration]:
    """``number`` participants who all rank ``choices`` in that order."""
    people = [add_participant(session, event, **participant) for _ in range(number)]
    for person in people:
        set_preferences(session, item, person, [group.id for group in choices], by_participant=False)
    return people


def saved_groups(session: Session, item: AgendaSession) -> dict[int, int]:
    """registration id -> group id, as stored."""
    rows = session.execute(
        select(BreakoutAssignment.registration_id, BreakoutAssignment.group_id).where(
            BreakoutAssignment.session_id == item.id
        )
    ).all()
    return dict(rows)
