"""Privacy: who may see a participant's name, a participant's own data, erasure and retention.

Every output that lists names (pages, exports, reports) asks ``publishable`` (or filters with
``publishable_clause`` in SQL): publication consent has three levels, and an anonymised
registration is never published. Erasure keeps what the event's aggregate figures need (status,
country, organisation and its type, project) and replaces everything that names the person.
"""

from __future__ import annotations

import enum
import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.core.db import Database
from app.core.errors import InvalidInput
from app.core.queue import QueueStatus
from app.core.types import utcnow
from app.events.models import Event
from app.notifications.models import OutboxEmail
from app.registration.history import Change, record
from app.registration.models import LIVE_STATUSES, Publication, Registration
from app.registration.questions import event_questions
from app.registration.service import cancel_registration, read_registration

log = logging.getLogger("convene.privacy")

# Used when an event sets no retention period of its own: a year after it ended.
DEFAULT_RETENTION_DAYS = 365
ANONYMOUS_FIRST_NAME = "Anonymised"
ANONYMOUS_LAST_NAME = "participant"


class Audience(str, enum.Enum):
    """Who will read an output that lists names."""

    public = "public"              # anyone: public pages, published reports
    participants = "participants"  # the event's other participants (e.g. a participant list handed out)
    organisers = "organisers"      # the event's organisers, for running the event

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
        return Registration.anonymised_at.is_(None)
    return Registration.anonymised_at.is_(None) & Registration.publication.in_(_ALLOWED[audience])


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
    rows = session.execute(select(OutboxEmail).where(OutboxEmail.to_address == registration.email)).scalars().all()
    for row in rows:
        if row.context.get("registration_id") != registration.id:
            continue
        if row.status in (QueueStatus.queued, QueueStatus.running):
            row.status = QueueStatus.failed
            row.last_error = "not sent: the recipient's data was erased"
        row.to_address = "erased@anonymised.invalid"
        row.context = {}


def retention_ends_at(event: Event) -> datetime:
    """When the event's participants are due for anonymisation (``event`` may be a row with the same fields)."""
    days = event.retention_days if event.retention_days is not None else DEFAULT_RETENTION_DAYS
    return event.ends_at + timedelta(days=days)


def expired_event_ids(session: Session, *, now: datetime | None = None) -> list[int]:
    """Events past their retention period that still have participants to anonymise."""
    now = now or utcnow()
    # Events are few; the retention arithmetic is done here rather than in dialect-specific SQL.
    ended = session.execute(
        select(Event.id, Event.ends_at, Event.retention_days).where(Event.ends_at <= now)
        .where(select(Registration.id).where(Registration.event_id == Event.id, Registration.anonymised_at.is_(None))
               .exists())
    ).all()
    return [row.id for row in ended if retention_ends_at(row) <= now]


def anonymise_expired(session: Session, *, now: datetime | None = None) -> int:
    """Anonymise the participants of every event whose retention period has passed; returns how many."""
    now = now or utcnow()
    expired = expired_event_ids(session, now=now)
    if not expired:
        return 0
    registrations = session.execute(
        select(Registration).where(Registration.event_id.in_(expired), Registration.anonymised_at.is_(None))
        .order_by(Registration.id)
    ).scalars().all()
    for registration in registrations:
        anonymise(session, registration, now=now)
        record(session, registration.id, registration.status.value, Change.erased, retention=True)
    return len(registrations)


def apply_retention(database: Database) -> int:
    """The worker's periodic call. It looks in a read transaction first, so an idle worker never
    takes SQLite's write lock; returns how many registrations it anonymised."""
    with database.transaction(write=False) as session:
        if not expired_event_ids(session):
            return 0
    with database.transaction() as session:
        count = anonymise_expired(session)
    log.info("anonymised %d registration(s) past their event's retention period", count)
    return count


def personal_data(session: Session, registration: Registration) -> dict[str, Any]:
    """Everything stored about the participant for this registration, as JSON (their copy, GDPR art. 15/20)."""
    event = session.get(Event, registration.event_id)
    questions = {question.key: question.label for question in event_questions(session, event)}
    return {
        "event": {"id": event.id, "slug": event.slug, "title": event.title, "starts_at": event.starts_at.isoformat(),
                  "ends_at": event.ends_at.isoformat()},
        "registration": read_registration(session, registration).model_dump(mode="json"),
        "answers": [{"key": key, "question": questions.get(key, key), "answer": value}
                    for key, value in registration.answers.items()],
        "checkin_code": registration.checkin_code,
        "anonymised_at": registration.anonymised_at.isoformat() if registration.anonymised_at else None,
        "retention": {"anonymised_after": retention_ends_at(event).isoformat()},
    }


def erase_registration(session: Session, registration: Registration, *, by_organiser: bool,
                       by: str | None = None) -> Registration:
    """A request for erasure (the participant's, or passed on by an organiser). Before the event a live registration is cancelled
    first (an anonymous seat helps no one, and the next person waiting gets it); then anonymised."""
    event = session.get(Event, registration.event_id)
    if registration.status in LIVE_STATUSES and utcnow() < event.ends_at:
        cancel_registration(session, registration, by_organiser=by_organiser, by=by)
    anonymise(session, registration)
    record(session, registration.id, registration.status.value, Change.erased, by=by)
    return registration


def set_retention(session: Session, event: Event, days: int | None) -> Event:
    """How many days after its end the event's participants are anonymised (None: the default)."""
    if days is not None and days < 0:
        raise InvalidInput("the retention period cannot be negative", field="retention_days")
    event.retention_days = days
    event.updated_at = utcnow()
    session.flush()
    return event
