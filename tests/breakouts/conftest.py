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
from app.directory.service import get_or_create_organisation
from app.events.models import Event
from app.registration.models import Registration, RegistrationStatus
from app.registration.service import add_confirmed_registration
from tests.factories import create_session

_numbers = count(1)


def add_participant(session: Session, event: Event, *, status: RegistrationStatus = RegistrationStatus.confirmed,
                    country: str | None = "BE", organisation: str | None = "Leuven Cluster",
                    person_id: int | None = None, first_name: str = "Ann") -> Registration:
    number = next(_numbers)
    registration = add_confirmed_registration(
        session, event, first_name=first_name, last_name=f"Peeters{number}", email=f"p{number}@example.org",
        organisation_id=get_or_create_organisation(session, organisation).id if organisation else None,
        country=country, project_id=None, person_id=person_id,
    )
    if status is not RegistrationStatus.confirmed:
        registration.status = status
        session.flush()
    return registration


def create_breakout(session: Session, event: Event, *, starts: int = 14, **settings) -> AgendaSession:
    item = create_session(session, event, title=f"Working groups at {starts}:00", kind="breakout",
                          starts_at=datetime(2030, 6, 20, starts, 0), ends_at=datetime(2030, 6, 20, starts + 1, 0))
    if settings:
        update_settings(session, item, SettingsUpdate(**settings))
    return item


def add_groups(session: Session, item: AgendaSession, *capacities: int, **fields) -> list[BreakoutGroup]:
    return [create_group(session, item, GroupCreate(title=f"Group {index + 1}", capacity=capacity, **fields))
            for index, capacity in enumerate(capacities)]


def add_choosers(session: Session, event: Event, item: AgendaSession, choices: list[BreakoutGroup], number: int,
                 **participant) -> list[Registration]:
    """``number`` participants who all rank ``choices`` in that order."""
    people = [add_participant(session, event, **participant) for _ in range(number)]
    for person in people:
        set_preferences(session, item, person, [group.id for group in choices], by_participant=False)
    return people


def saved_groups(session: Session, item: AgendaSession) -> dict[int, int]:
    """registration id -> group id, as stored."""
    rows = session.execute(select(BreakoutAssignment.registration_id, BreakoutAssignment.group_id)
                           .where(BreakoutAssignment.session_id == item.id)).all()
    return dict(rows)
