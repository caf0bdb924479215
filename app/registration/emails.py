"""The emails a registration's changes send: queued in the outbox, in the change's transaction.

The stored context is plain data about the registration and its event; the participant's links
are added at delivery by :func:`app.registration.links.email_links`, so no usable link is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from types import MappingProxyType

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.core.queue import QueueStatus
from app.core.timezones import in_zone
from app.events.models import Event
from app.notifications.messages import PROPS, Message
from app.notifications.models import OutboxEmail
from app.notifications.outbox import queue_email
from app.notifications.reading import list_outbox
from app.registration.models import Registration


def event_context(event: Event) -> Mapping[str, str]:
    """The event's part of an email's props (read-only: spread it into the props)."""
    # Keyed by the times as written: equal instants in other offsets are equal keys, but not equal text.
    return _event_context(
        event.title, event.starts_at.isoformat(), event.ends_at.isoformat(), event.timezone, event.venue, event.city
    )


# Remembered: every registration's email needs it, and the dates in words cost more than the rest of
# the props (a new title or date is a new key, so an event changed is never described as it was).
@lru_cache(maxsize=256)
def _event_context(
    title: str, starts_at: str, ends_at: str, timezone: str, venue: str | None, city: str | None
) -> Mapping[str, str]:
    starts = in_zone(datetime.fromisoformat(starts_at), timezone)
    ends = in_zone(datetime.fromisoformat(ends_at), timezone)
    same_day = starts.date() == ends.date()
    when = f"{starts:%A %d %B %Y, %H:%M} to {ends:%H:%M}" if same_day else f"{starts:%d %B %Y} to {ends:%d %B %Y}"
    where = ", ".join(part for part in (venue, city) if part)
    return MappingProxyType(
        {
            "event_title": title,
            "event_when": f"{when} ({timezone})",
            "event_where": where,
            "event_starts_at": starts_at,
            "event_ends_at": ends_at,
            "event_timezone": timezone,
        }
    )


def notify(
    session: Session,
    event: Event,
    registration: Registration,
    message: Message,
    *,
    dedup_key: str | None = None,
    waitlist_position: int | None = None,
    **details: str | int | bool | None,
) -> None:
    """Queue ``message`` for the participant. ``dedup_key`` makes a repeat a no-op; ``details`` are
    what one message's props take beyond the common ones (app.notifications.messages)."""
    props = PROPS[message](**registration_fields(event, registration, waitlist_position=waitlist_position), **details)
    queue_email(session, message, to=registration.email, props=props, dedup_key=dedup_key)


def registration_fields(event: Event, registration: Registration, *, waitlist_position: int | None = None) -> dict:
    """The props every email about ``registration`` has (RegistrationProps): who, which event, and
    where they stand."""
    return {
        "event_id": event.id,
        "registration_id": registration.id,
        "first_name": registration.first_name,
        "last_name": registration.last_name,
        "status": registration.status.value,
        "waitlist_position": waitlist_position,
        **event_context(event),
    }


def registration_emails(session: Session, registration: Registration) -> list[OutboxEmail]:
    """The emails queued about this registration (queued, sent or failed), newest first."""
    to_address = session.execute(
        select(OutboxEmail)
        .where(col(OutboxEmail.to_address) == registration.email)
        .order_by(col(OutboxEmail.created_at).desc(), col(OutboxEmail.id).desc())
    ).scalars()
    return [email for email in to_address if email.context.get("registration_id") == registration.id]


def _registration_of_email():
    return OutboxEmail.context["registration_id"].as_integer()


def _event_of_email():
    return OutboxEmail.context["event_id"].as_integer()


def event_emails(
    session: Session, event: Event, *, status: QueueStatus | None = None, limit: int = 100
) -> list[OutboxEmail]:
    """The emails about ``event``, newest first: its participants' and its organisers' notices."""
    about_event = or_(
        _registration_of_email().in_(select(col(Registration.id)).where(col(Registration.event_id) == event.id)),
        _event_of_email() == event.id,
    )
    return list_outbox(session, status=status, where=about_event, limit=limit)


def failed_email_counts(session: Session, event_ids: list[int]) -> dict[int, int]:
    """How many emails about each event failed for good (refused or unrenderable), in two queries."""
    failed = col(OutboxEmail.status) == QueueStatus.failed
    counts: dict[int, int] = dict.fromkeys(event_ids, 0)
    to_participants = session.execute(
        select(col(Registration.event_id), func.count())
        .select_from(OutboxEmail)
        .join(Registration, Registration.id == _registration_of_email())
        .where(failed, col(Registration.event_id).in_(event_ids))
        .group_by(col(Registration.event_id))
    )
    about = _event_of_email().label("about_event")  # grouped by its label: PostgreSQL sees one expression
    to_organisers = session.execute(
        # Participants' emails carry the event too (their text may be the event's own): counted above.
        select(about, func.count())
        .where(failed, _event_of_email().in_(event_ids), _registration_of_email().is_(None))
        .group_by(about)
    )
    for event_id, number in (*to_participants, *to_organisers):
        counts[event_id] += number
    return counts


def is_about_event(session: Session, email: OutboxEmail, event: Event) -> bool:
    """Whether ``email`` is one of :func:`event_emails` (a participant's, or an organisers' notice)."""
    registration_id = email.context.get("registration_id")
    if registration_id is not None:
        registration = session.get(Registration, registration_id)
        return registration is not None and registration.event_id == event.id
    return email.context.get("event_id") == event.id
