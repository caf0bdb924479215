"""Telling participants their breakout group: one queued email per new or changed place."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.agenda.models import AgendaSession
from app.breakouts.models import BreakoutAssignment, BreakoutGroup
from app.core.timezones import in_zone
from app.core.types import utcnow
from app.directory.models import Person
from app.events.models import Event
from app.notifications.messages import BreakoutAssignedProps, Message
from app.notifications.outbox import queue_email
from app.registration.emails import registration_fields
from app.registration.models import Registration, RegistrationStatus


def notify_assigned(session: Session, event: Event, item: AgendaSession) -> int:
    """Queue an email for every confirmed participant not yet told their current group; returns how many."""
    rows = session.execute(
        select(BreakoutAssignment, Registration, BreakoutGroup, Person)
        .join(Registration, col(Registration.id) == col(BreakoutAssignment.registration_id))
        .join(BreakoutGroup, col(BreakoutGroup.id) == col(BreakoutAssignment.group_id))
        .outerjoin(Person, col(Person.id) == col(BreakoutGroup.facilitator_person_id))
        .where(
            col(BreakoutAssignment.session_id) == item.id,
            col(BreakoutAssignment.notified_at).is_(None),
            col(Registration.status) == RegistrationStatus.confirmed,
        )
        .order_by(col(BreakoutAssignment.id))
    ).all()
    starts, ends = in_zone(item.starts_at, event.timezone), in_zone(item.ends_at, event.timezone)
    now = utcnow()
    for assignment, registration, group, facilitator in rows:
        # The delivery adds the participant's link from registration_id; no link is stored.
        props = BreakoutAssignedProps(
            **registration_fields(event, registration),
            session_title=item.title,
            date=f"{starts:%A %d %B %Y}",
            time=f"{starts:%H:%M}–{ends:%H:%M}",
            timezone=event.timezone,
            group_title=group.title,
            group_theme=group.theme,
            group_room=group.room,
            facilitator=facilitator.full_name if facilitator else None,
        )
        queue_email(
            session,
            Message.breakout_assigned,
            to=registration.email,
            props=props,
            dedup_key=f"breakout-assigned:{assignment.id}:{group.id}:{now.isoformat()}",
        )
        assignment.notified_at = now
    session.flush()
    return len(rows)
