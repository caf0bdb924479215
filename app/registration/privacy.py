"""Privacy: who may see a participant's name, a participant's own data, and erasure.

Every output that lists names (pages, exports, reports) asks ``publishable`` (or filters with
``publishable_clause`` in SQL): publication consent has three levels, and an anonymised
registration is never published. Erasure (the participant's request, or the retention step in
``retention.py``) keeps what the event's aggregate figures need (status, country, organisation and
its type, project) and replaces everything that names the person.
"""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.core.config import Settings
from app.core.queue import QueueStatus
from app.core.types import utcnow
from app.events.models import Event
from app.events.retention import anonymise_after
from app.notifications.models import OutboxEmail
from app.registration.history import Change, record
from app.registration.models import LIVE_STATUSES, Publication, Registration
from app.registration.questions import event_questions
from app.registration.service import cancel_registration, read_registration

ANONYMOUS_FIRST_NAME = "Anonymised"
ANONYMOUS_LAST_NAME = "participant"


class Audience(str, enum.Enum):
    """Who will read an output that lists names."""

    public = "public"  # anyone: public pages, published reports
    participants = "participants"  # the event's other participants (e.g. a participant list handed out)
    organisers = "organisers"  # the event's organisers, for running the event


# The publication levels that allow a name in front of each audience.
_ALLOWED = {
    Audience.public: frozenset({Publication.everyone}),
    Audience.participants: frozenset({Publication.everyone, Publication.participants}),
}


def publishable(registration: Registration, audience: Audience) -> bool:
    """May this participant's name appear in an output for ``audience``?"""
    if registration.anonymised_at is not None:
        return False
    if audience is Audience.organisers:
        return True
    return registration.publication in _ALLOWED[audience]


def publishable_clause(audience: Audience) -> ColumnElement[bool]:
    """``publishable`` as a WHERE clause on ``Registration``, for queries that list names."""
    if audience is Audience.organisers:
        return col(Registration.anonymised_at).is_(None)
    return col(Registration.anonymised_at).is_(None) & col(Registration.publication).in_(_ALLOWED[audience])


def anonymise(session: Session, registration: Registration, *, now: datetime | None = None) -> Registration:
    """Erase what identifies the person; keep the status and the fields the aggregate figures use.

    Idempotent. The check-in code is replaced too (the old QR code stops working), and emails to
    the address are scrubbed from the outbox: queued ones are never sent.
    """
    if registration.anonymised_at is not None:
        return registration
    now = now or utcnow()
    _scrub_outbox(session, registration)
    registration.first_name = ANONYMOUS_FIRST_NAME
    registration.last_name = ANONYMOUS_LAST_NAME
    # Unique per registration so the one-live-registration-per-email index stays satisfied.
    registration.email = f"anonymised-{registration.id}@anonymised.invalid"
    registration.answers = {}
    registration.person_id = None
    registration.publication = Publication.nobody
    registration.checkin_code = secrets.token_urlsafe(18)
    registration.anonymised_at = now
    registration.updated_at = now
    session.flush()
    return registration


def _scrub_outbox(session: Session, registration: Registration) -> None:
    # The same address may have live registrations for other events: only this one's emails go.
    rows = session.execute(select(OutboxEmail).where(col(OutboxEmail.to_address) == registration.email)).scalars().all()
    for row in rows:
        if row.context.get("registration_id") != registration.id:
            continue
        if row.status in (QueueStatus.queued, QueueStatus.running):
            row.status = QueueStatus.failed
            row.last_error = "not sent: the recipient's data was erased"
        row.to_address = "erased@anonymised.invalid"
        row.context = {}


def personal_data(session: Session, registration: Registration, settings: Settings) -> dict[str, Any]:
    """Everything stored about the participant for this registration, as JSON (their copy, GDPR art. 15/20)."""
    event = session.get_one(Event, registration.event_id)
    questions = {question.key: question.label for question in event_questions(session, event)}
    return {
        "event": {
            "id": event.id,
            "slug": event.slug,
            "title": event.title,
            "starts_at": event.starts_at.isoformat(),
            "ends_at": event.ends_at.isoformat(),
        },
        "registration": read_registration(session, registration).model_dump(mode="json"),
        "answers": [
            {"key": key, "question": questions.get(key, key), "answer": value}
            for key, value in registration.answers.items()
        ],
        "checkin_code": registration.checkin_code,
        "anonymised_at": registration.anonymised_at.isoformat() if registration.anonymised_at else None,
        "retention": {"anonymised_after": anonymise_after(event, settings, utcnow()).isoformat()},
    }


def erase_registration(
    session: Session, registration: Registration, *, by_organiser: bool, by: str | None = None
) -> Registration:
    """A request for erasure (the participant's, or passed on by an organiser). Before the event a live registration is cancelled
    first (an anonymous seat helps no one, and the next person waiting gets it); then anonymised."""
    event = session.get_one(Event, registration.event_id)
    if registration.status in LIVE_STATUSES and utcnow() < event.ends_at:
        cancel_registration(session, registration, by_organiser=by_organiser, by=by)
    anonymise(session, registration)
    record(session, registration.id, registration.status.value, Change.erased, by=by)
    return registration
