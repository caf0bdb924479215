"""Factories for the report tests: participants with organisations, projects and check-ins."""

from __future__ import annotations

from itertools import count

from sqlalchemy.orm import Session

from app.attendance.models import Checkin
from app.registration.models import Registration

_numbers = count(1)


def check_in(session: Session, registration: Registration, session_id: int | None = None) -> None:
    session.add(Checkin(event_id=registration.event_id, registration_id=registration.id, session_id=session_id))
    session.flush()
