"""A breakout session's working groups as the public event page shows them under the session."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.agenda.models import AgendaSession, SessionKind
from app.breakouts.models import BreakoutGroup
from app.directory.models import Person
from app.events.models import Event


@dataclass(frozen=True)
class GroupOnAgenda:
    title: str
    room: str | None
    facilitator: str | None
    theme: str | None


def groups_on_agenda(session: Session, event: Event) -> dict[int, list[GroupOnAgenda]]:
    """Agenda session id -> its groups in the organisers' order, for every breakout session of the
    event that has any: one query for the whole event."""
    rows = session.execute(
        select(BreakoutGroup, Person)
        .join(AgendaSession, col(AgendaSession.id) == col(BreakoutGroup.session_id))
        .outerjoin(Person, col(Person.id) == col(BreakoutGroup.facilitator_person_id))
        .where(col(AgendaSession.event_id) == event.id, col(AgendaSession.kind) == SessionKind.breakout)
        .order_by(col(BreakoutGroup.session_id), col(BreakoutGroup.position), col(BreakoutGroup.id))
    ).all()
    found: dict[int, list[GroupOnAgenda]] = {}
    for group, facilitator in rows:
        found.setdefault(group.session_id, []).append(
            GroupOnAgenda(
                title=group.title,
                room=group.room,
                facilitator=facilitator.full_name if facilitator else None,
                theme=group.theme,
            )
        )
    return found
