"""Agenda sessions and roles: kept inside the event's dates; parallel sessions are allowed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.agenda.models import AgendaSession, RoleKind, SessionKind, SessionRole
from app.agenda.schemas import PersonMatch, RoleAssign, RoleRead, SessionCreate, SessionRead, SessionUpdate
from app.core.errors import InvalidInput, NotFound
from app.core.pagination import Window, paginate
from app.core.security import Principal
from app.core.timezones import in_zone
from app.core.types import utcnow
from app.directory.models import Organisation, Person
from app.directory.schemas import PersonCreate
from app.directory.service import create_person, find_person_by_email, get_person
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


# How each inline person of the last write was resolved, by (person id, role), for the response.
Matches = dict[tuple[int, RoleKind], PersonMatch]


def _person_on_agenda(session: Session, event: Event, data: PersonCreate) -> Person | None:
    """Someone of exactly this name who already holds a role in one of the event's sessions."""
    return (
        session.execute(
            select(Person)
            .join(SessionRole, col(SessionRole.person_id) == col(Person.id))
            .join(AgendaSession, col(AgendaSession.id) == col(SessionRole.session_id))
            .where(
                col(AgendaSession.event_id) == event.id,
                col(Person.first_name) == data.first_name,
                col(Person.last_name) == data.last_name,
            )
            .order_by(col(Person.id))
            .limit(1)
        )
        .scalars()
        .first()
    )


def _resolve_person(session: Session, event: Event, data: PersonCreate) -> tuple[Person, PersonMatch]:
    """The same speaker named inline in two sessions is one person: matched by email, else by exact
    name within the event; only then a new person. A matched person's details are not changed."""
    person = find_person_by_email(session, data.email) if data.email else None
    if person is not None:
        return person, "email"
    person = _person_on_agenda(session, event, data)
    if person is not None:
        return person, "name"
    return create_person(session, data), "new"


def _set_roles(
    session: Session, event: Event, item: AgendaSession, roles: list[RoleAssign], principal: Principal | None
) -> Matches:
    # People named by id must be ones the caller sees in the directory (an organiser limited to its
    # events cannot reach another event's people by guessing ids); checked before the session's
    # roles are cleared, while its own people are still on the agenda.
    known = {
        position: get_person(session, assign.person_id, field=f"roles.{position}.person_id", principal=principal)
        for position, assign in enumerate(roles)
        if assign.person_id is not None
    }
    session.execute(delete(SessionRole).where(col(SessionRole.session_id) == item.id))
    seen: set[tuple[int, RoleKind]] = set()
    matches: Matches = {}
    for position, assign in enumerate(roles):
        if position in known:
            person = known[position]
        else:
            assert assign.person is not None  # RoleAssign names exactly one of person_id and person
            person, how = _resolve_person(session, event, assign.person)
            matches.setdefault((person.id, assign.role), how)
        if (person.id, assign.role) in seen:
            continue
        seen.add((person.id, assign.role))
        session.add(
            SessionRole(session_id=item.id, person_id=person.id, role=assign.role, position=position, note=assign.note)
        )
        session.flush()  # so a later inline person of the same name finds this one on the agenda
    return matches


@dataclass(frozen=True)
class WrittenSession:
    """A session just created or changed, with how its inline people were matched (for the answer)."""

    item: AgendaSession
    matches: Matches


def create_agenda_session(
    session: Session, event: Event, data: SessionCreate, *, principal: Principal | None = None
) -> WrittenSession:
    values = data.model_dump(exclude={"roles"})
    values["starts_at"] = in_zone(values["starts_at"], event.timezone)
    values["ends_at"] = in_zone(values["ends_at"], event.timezone)
    item = AgendaSession(event_id=event.id, **values)
    _check_times(event, item)
    session.add(item)
    session.flush()
    return WrittenSession(item, _set_roles(session, event, item, data.roles, principal))


def update_agenda_session(
    session: Session, event: Event, item: AgendaSession, data: SessionUpdate, *, principal: Principal | None = None
) -> WrittenSession:
    changes = data.model_dump(exclude_unset=True, exclude={"roles"})
    for key, value in changes.items():
        setattr(item, key, in_zone(value, event.timezone) if isinstance(value, datetime) else value)
    _check_times(event, item)
    matches = _set_roles(session, event, item, data.roles, principal) if data.roles is not None else {}
    item.updated_at = utcnow()
    session.flush()
    return WrittenSession(item, matches)


def get_agenda_session(session: Session, event: Event, session_id: int) -> AgendaSession:
    item = session.get(AgendaSession, session_id)
    if item is None or item.event_id != event.id:
        raise NotFound(f"event {event.id} has no session with id {session_id}")
    return item


def delete_agenda_session(session: Session, item: AgendaSession) -> None:
    session.delete(item)
    session.flush()


def list_sessions(
    session: Session, event: Event, window: Window, *, kind: SessionKind | None = None, room: str | None = None
) -> tuple[list[AgendaSession], int]:
    statement = (
        select(AgendaSession)
        .where(col(AgendaSession.event_id) == event.id)
        .order_by(col(AgendaSession.starts_at), col(AgendaSession.room), col(AgendaSession.id))
    )
    if kind:
        statement = statement.where(col(AgendaSession.kind) == kind)
    if room:
        statement = statement.where(col(AgendaSession.room) == room)
    return paginate(session, statement, window)


def roles_by_session(session: Session, session_ids: list[int]) -> dict[int, list[RoleRead]]:
    """Every role of these sessions with the person's name and organisation, in one query."""
    if not session_ids:
        return {}
    rows = session.execute(
        select(SessionRole, Person, col(Organisation.name))
        .join(Person, col(Person.id) == col(SessionRole.person_id))
        .outerjoin(Organisation, col(Organisation.id) == col(Person.organisation_id))
        .where(col(SessionRole.session_id).in_(session_ids))
        .order_by(col(SessionRole.session_id), col(SessionRole.position), col(SessionRole.id))
    ).all()
    roles: dict[int, list[RoleRead]] = defaultdict(list)
    for role, person, organisation in rows:
        roles[role.session_id].append(
            RoleRead(
                role=role.role, person_id=person.id, name=person.full_name, organisation=organisation, note=role.note
            )
        )
    return roles


def _room_key(room: str | None) -> str | None:
    return " ".join(room.split()).casefold() if room else None


def room_clashes(session: Session, event: Event, items: list[AgendaSession]) -> dict[int, list[str]]:
    """For each of these sessions, a warning per other session of the event in the same room at an
    overlapping time. Parallel sessions are fine; the same room twice is probably a mistake."""
    rooms = {_room_key(item.room) for item in items} - {None}
    if not rooms:
        return {}
    booked = (
        session.execute(
            select(AgendaSession)
            .where(col(AgendaSession.event_id) == event.id, col(AgendaSession.room).is_not(None))
            .order_by(col(AgendaSession.starts_at), col(AgendaSession.id))
        )
        .scalars()
        .all()
    )
    warnings: dict[int, list[str]] = defaultdict(list)
    for item in items:
        for other in booked:
            if (
                other.id != item.id
                and _room_key(other.room) == _room_key(item.room)
                and other.starts_at < item.ends_at
                and item.starts_at < other.ends_at
            ):
                starts, ends = in_zone(other.starts_at, event.timezone), in_zone(other.ends_at, event.timezone)
                warnings[item.id].append(
                    f'"{other.title}" ({starts:%H:%M}-{ends:%H:%M}) is in the same room ({other.room}) at the same time'
                )
    return warnings


def read_sessions(
    session: Session, event: Event, items: list[AgendaSession], *, matches: Matches | None = None
) -> list[SessionRead]:
    """The sessions with their roles and warnings; ``matches`` says how the inline people of a write
    were found (shown in the answer to that write only)."""
    roles = roles_by_session(session, [item.id for item in items])
    clashes = room_clashes(session, event, items)
    if matches:
        for role in (role for item in items for role in roles.get(item.id, [])):
            role.matched_by = matches.get((role.person_id, role.role))
    return [
        SessionRead(
            id=item.id,
            event_id=item.event_id,
            title=item.title,
            kind=item.kind,
            starts_at=in_zone(item.starts_at, event.timezone),
            ends_at=in_zone(item.ends_at, event.timezone),
            room=item.room,
            description=item.description,
            capacity=item.capacity,
            roles=roles.get(item.id, []),
            warnings=clashes.get(item.id, []),
        )
        for item in items
    ]


def event_agenda(session: Session, event: Event) -> list[SessionRead]:
    items = (
        session.execute(
            select(AgendaSession)
            .where(col(AgendaSession.event_id) == event.id)
            .order_by(col(AgendaSession.starts_at), col(AgendaSession.ends_at), col(AgendaSession.id))
        )
        .scalars()
        .all()
    )
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
