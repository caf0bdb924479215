"""Check-ins for the demo workshop: everyone arrived on 20 June 2018 between 08:45 and 09:40."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.agenda.models import AgendaSession, SessionKind
from app.attendance.models import Checkin
from app.core.timezones import in_zone
from app.events.models import Event
from app.registration.models import Registration, RegistrationStatus

# Sessions the door staff also scanned (the first of each kind), and the share of attendees scanned there.
SCANNED_SESSIONS = {SessionKind.talk: 0.9, SessionKind.panel: 0.85, SessionKind.breakout: 0.75}


def load_attendance_demo(session: Session, event: Event) -> None:
    """Check in every confirmed participant to the event, and most of them to a few sessions (idempotent)."""
    if session.execute(select(col(Checkin.id)).where(col(Checkin.event_id) == event.id).limit(1)).first() is not None:
        return
    chance = random.Random(20180620)  # the same figures on every machine
    opening = in_zone(datetime(2018, 6, 20, 8, 45), event.timezone)
    registration_ids = (
        session.execute(
            select(col(Registration.id))
            .where(col(Registration.event_id) == event.id, col(Registration.status) == RegistrationStatus.confirmed)
            .order_by(col(Registration.id))
        )
        .scalars()
        .all()
    )
    # Most arrive with the coffee before 09:15; about one in six after the grace period, up to 09:40.
    arrivals = {
        rid: opening + timedelta(minutes=chance.uniform(0, 30) if chance.random() > 0.17 else chance.uniform(31, 55))
        for rid in registration_ids
    }
    rows = [Checkin(event_id=event.id, registration_id=rid, checked_in_at=at) for rid, at in arrivals.items()]
    for item in _scanned_sessions(session, event):
        for rid in registration_ids:
            if chance.random() < SCANNED_SESSIONS[item.kind]:
                at = max(arrivals[rid], item.starts_at + timedelta(minutes=chance.uniform(-5, 18)))
                rows.append(Checkin(event_id=event.id, registration_id=rid, session_id=item.id, checked_in_at=at))
    session.add_all(rows)
    session.flush()


def _scanned_sessions(session: Session, event: Event) -> list[AgendaSession]:
    items = (
        session.execute(
            select(AgendaSession)
            .where(col(AgendaSession.event_id) == event.id, col(AgendaSession.kind).in_(list(SCANNED_SESSIONS)))
            .order_by(col(AgendaSession.starts_at), col(AgendaSession.id))
        )
        .scalars()
        .all()
    )
    first_of_kind: dict[SessionKind, AgendaSession] = {}
    for item in items:
        first_of_kind.setdefault(item.kind, item)
    return list(first_of_kind.values())
