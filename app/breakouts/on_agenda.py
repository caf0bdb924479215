"""A breakout session's working groups on the public event page.

``GroupsOnAgenda`` is the event page's ``AgendaDetails`` (``app/registration/agenda_details.py``),
registered by ``create_app``: for each breakout session of the event, its groups with room,
facilitator and theme, in the organisers' order. One query for the whole event.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.agenda.models import AgendaSession, SessionKind
from app.breakouts.models import BreakoutGroup
from app.directory.models import Person
from app.events.models import Event
from app.registration.agenda_details import AgendaItem


class GroupsOnAgenda:
    def items(self, session: Session, event: Event) -> dict[int, list[AgendaItem]]:
        rows = session.execute(
            select(BreakoutGroup, Person)
            .join(AgendaSession, AgendaSession.id == BreakoutGroup.session_id)
            .outerjoin(Person, Person.id == BreakoutGroup.facilitator_person_id)
            .where(AgendaSession.event_id == event.id, AgendaSession.kind == SessionKind.breakout)
            .order_by(BreakoutGroup.session_id, BreakoutGroup.position, BreakoutGroup.id)
        ).all()
        found: dict[int, list[AgendaItem]] = {}
        for group, facilitator in rows:
            found.setdefault(group.session_id, []).append(AgendaItem(
                title=group.title, room=group.room, person=facilitator.full_name if facilitator else None,
                note=group.theme,
            ))
        return found
