"""Telling participants their breakout group: one queued email per new or changed place."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.agenda.models import AgendaSession
from app.breakouts.models import BreakoutAssignment, BreakoutGroup
from app.core.timezones import in_zone
from app.core.types import utcnow
from app.directory.models import Person
from app.events.models import Event
from app.notifications.outbox import queue_email
from app.registration.models import Registration, RegistrationStatus

TEMPLATE = "breakout_assigned"


def notify_assigned(session: Session, event: Event, item: AgendaSession) -> int:
    """Queue an email for every confirmed participant not yet told their current group; returns how many."""
    rows = session.execute(
        select(BreakoutAssignment, Registration, BreakoutGroup, Person)
        .join(Registration, Registration.id == BreakoutAssignment.registration_id)
        .join(BreakoutGroup, BreakoutGroup.id == BreakoutAssignment.group_id)
        .outerjoin(Person, Person.id == BreakoutGroup.facilitator_person_id)
        .where(BreakoutAssignment.session_id == item.id, BreakoutAssignment.notified_at.is_(None),
               Registration.status == RegistrationStatus.confirmed)
        .order_by(BreakoutAssignment.id)
    ).all()
    starts, ends = in_zone(item.starts_at, event.timezone), in_zone(item.ends_at, event.timezone)
    now = utcnow()
    for assignment, registration, group, facilitator in rows:
        queue_email(
            session, template=TEMPLATE, to=registration.email,
            # The delivery adds the participant's link from registration_id; no link is stored.
            context={
                "registration_id": registration.id, "first_name": registration.first_name,
                "event_title": event.title, "session_title": item.title,
                "date": f"{starts:%A %d %B %Y}", "time": f"{starts:%H:%M}–{ends:%H:%M}", "timezone": event.timezone,
                "group_title": group.title, "group_theme": group.theme, "group_room": group.room,
                "facilitator": facilitator.full_name if facilitator else None,
            },
            dedup_key=f"breakout-assigned:{assignment.id}:{group.id}:{now.isoformat()}",
        )
        assignment.notified_at = now
    session.flush()
    return len(rows)
