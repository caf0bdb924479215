"""What time alone changes, run by ``convene worker`` on every drain: lapsed confirmations and reminders.

Both are safe to run from several workers at once: expiry locks each event (as every change of
seats does), reminders claim their registrations with ``SKIP LOCKED`` and are marked
``reminded_at`` in the same transaction as the queued email, so each is sent once.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import timedelta

from sqlalchemy import select
from sqlmodel import col

from app.core.db import Database
from app.core.types import utcnow
from app.events.models import Event
from app.notifications.messages import Message
from app.registration.emails import notify
from app.registration.models import Registration, RegistrationStatus
from app.registration.service import expire_registration
from app.registration.workflow import InvalidTransition

# Confirmed participants are reminded once, this long before the event starts.
REMINDER_LEAD = timedelta(days=2)
BATCH_SIZE = 200


def expire_unconfirmed(database: Database) -> int:
    """Registrations whose email was not confirmed in time lapse; their seats go to those waiting."""
    with database.transaction() as session:
        due = (
            session.execute(
                select(Registration)
                .where(
                    col(Registration.status) == RegistrationStatus.pending_confirmation,
                    col(Registration.expires_at) <= utcnow(),
                )
                .order_by(col(Registration.event_id), col(Registration.id))
                .limit(BATCH_SIZE)  # one lock order for every worker
            )
            .scalars()
            .all()
        )
        for registration in due:
            with suppress(InvalidTransition):  # confirmed while this batch waited for the event's lock
                expire_registration(session, registration)
        return len(due)


def queue_reminders(database: Database) -> int:
    with database.transaction() as session:
        now = utcnow()
        statement = (
            select(Registration, Event)
            .join(Event, col(Event.id) == col(Registration.event_id))
            .where(
                col(Registration.status) == RegistrationStatus.confirmed,
                col(Registration.reminded_at).is_(None),
                col(Event.starts_at) > now,
                col(Event.starts_at) <= now + REMINDER_LEAD,
            )
            .order_by(col(Registration.id))
            .limit(BATCH_SIZE)
        )
        if not database.is_sqlite:
            statement = statement.with_for_update(of=Registration, skip_locked=True)
        rows = session.execute(statement).all()
        for registration, event in rows:
            registration.reminded_at = now
            notify(session, event, registration, Message.reminder, dedup_key=f"reminder:{registration.id}")
        return len(rows)


def run_housekeeping(database: Database) -> int:
    return expire_unconfirmed(database) + queue_reminders(database)
