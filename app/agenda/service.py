"""Agenda sessions and roles: kept inside the event's dates; parallel sessions are allowed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.agenda.models import AgendaSession, RoleKind, SessionKind, SessionRole
from app.agenda.schemas import RoleAssign, RoleRead, SessionCreate, SessionRead, SessionUpdate
from app.core.errors import InvalidInput, NotFound
from app.core.pagination import Window, paginate
from app.core.timezones import in_zone
from app.directory.models import Organisation, Person
from app.directory.service import create_person, get_person
from app.events.models import Event


def _check_times(event: Event, item: AgendaSession) -> None:
    if item.ends_at <= item.starts_at:
        raise InvalidInput("the session must end after it starts", field="ends_at")
    if item.starts_at < event.starts_at or item.ends_at > event.ends_at:
        raise InvalidInput(
            f"the session must lie within the event ({in_zone(event.starts_at, event.timezone):%Y-%m-%d %H:%M} to "
            f"{in_zone(event.ends_at, event.timezone):%Y-%m-%d %H:%M} {event.timezone})",
            field="starts_at" if item.starts_at < event.starts_at else "ends_at",
        )


def _set_roles(session: Session, item: AgendaSession, roles: list[RoleAssign]) -> None:
    session.execute(delete(SessionRole).where(SessionRole.session_id == item.id))
    seen: set[tuple[int, RoleKind]] = set()
    for position, assign in enumerate(roles):
        if assign.person_id is not None:
            person = get_person(session, assign.person_id, field=f"roles.{position}.person_id")
        else:
            person = create_person(session, assign.person)
        if (person.id, assign.role) in seen:
            continue
        seen.add((person.id, assign.role))
        session.add(SessionRole(session_id=item.id, person_id=person.id, role=assign.role, position=position, note=assign.note))
    session.flush()


def create_session(session: Session, event: Event, data: SessionCreate) -> AgendaSession:
    values = data.model_dump(exclude={"roles"})
    values["starts_at"] = in_zone(values["starts_at"], event.timezone)
    values["ends_at"] = in_zone(values["ends_at"], event.timezone)
    item = AgendaSession(event_id=event.id, **values)
    _check_times(event, item)
    session.add(item)
    session.flush()
    _set_roles(session, item, data.roles)
    return item


def update_session(session: Session, event: Event, item: AgendaSession, data: SessionUpdate) -> AgendaSession:
    changes = data.model_dump(exclude_unset=True, exclude={"roles"})
    for key in ("title", "kind", "starts_at", "ends_at"):
        if key in changes and changes[key] is None:
            raise InvalidInput(f"{key} cannot be null", field=key)
    for key, value in changes.items():
        setattr(item, key, in_zone(value, event.timezone) if isinstance(value, datetime) else value)
    _check_times(event, item)
    if data.roles is not None:
        _set_roles(session, item, data.roles)
    session.flush()
    return item


def get_session_of_event(session: Session, event: Event, session_id: int) -> AgendaSession:
    item = session.get(AgendaSession, session_id)
    if item is None or item.event_id != event.id:
        raise NotFound(f"event {event.id} has no session with id {session_id}")
    return item


def delete_session(session: Session, item: AgendaSession) -> None:
    session.delete(item)
    session.flush()


def list_sessions(
    session: Session, event: Event, window: Window, *, kind: SessionKind | None = None, room: str | None = None
) -> tuple[list[AgendaSession], int]:
    statement = (
        select(AgendaSession).where(AgendaSession.event_id == event.id)
        .order_by(AgendaSession.starts_at, AgendaSession.room, AgendaSession.id)
    )
    if kind:
        statement = statement.where(AgendaSession.kind == kind)
    if room:
        statement = statement.where(AgendaSession.room == room)
    return paginate(session, statement, window)


def roles_by_session(session: Session, session_ids: list[int]) -> dict[int, list[RoleRead]]:
    """Every role of these sessions with the person's name and organisation, in one query."""
    if not session_ids:
        return {}
    rows = session.execute(
        select(SessionRole, Person, Organisation.name)
        .join(Person, Person.id == SessionRole.person_id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(SessionRole.session_id.in_(session_ids))
        .order_by(SessionRole.session_id, SessionRole.position, SessionRole.id)
    ).all()
    roles: dict[int, list[RoleRead]] = defaultdict(list)
    for role, person, organisation in rows:
        roles[role.session_id].append(
            RoleRead(role=role.role, person_id=person.id, name=person.full_name, organisation=organisation, note=role.note)
        )
    return roles


def read_sessions(session: Session, event: Event, items: list[AgendaSession]) -> list[SessionRead]:
    roles = roles_by_session(session, [item.id for item in items])
    return [
        SessionRead(
            id=item.id, event_id=item.event_id, title=item.title, kind=item.kind,
            starts_at=in_zone(item.starts_at, event.timezone), ends_at=in_zone(item.ends_at, event.timezone),
            room=item.room, description=item.description, capacity=item.capacity, roles=roles.get(item.id, []),
        )
        for item in items
    ]


def event_agenda(session: Session, event: Event) -> list[SessionRead]:
    items = session.execute(
        select(AgendaSession).where(AgendaSession.event_id == event.id)
        .order_by(AgendaSession.starts_at, AgendaSession.ends_at, AgendaSession.id)
    ).scalars().all()
    return read_sessions(session, event, list(items))


@dataclass(frozen=True)
class TimeSlot:
    """Sessions whose times overlap; more than one means they run in parallel."""

    starts_at: datetime
    ends_at: datetime
    sessions: list[SessionRead]

    @property
    def parallel(self) -> bool:
        return len(self.sessions) > 1


def group_by_time(agenda: list[SessionRead]) -> list[TimeSlot]:
    """Consecutive sessions (the agenda is in start order) that overlap share a slot: they run in
    parallel even when one starts a quarter of an hour later. Back to back is not overlapping."""
    slots: list[TimeSlot] = []
    for item in agenda:
        if slots and item.starts_at < slots[-1].ends_at:
            slot = slots[-1]
            slots[-1] = TimeSlot(slot.starts_at, max(slot.ends_at, item.ends_at), [*slot.sessions, item])
        else:
            slots.append(TimeSlot(item.starts_at, item.ends_at, [item]))
    return slots
