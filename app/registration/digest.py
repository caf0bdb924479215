"""The organisers' daily digest: an email per event while registrations wait for their approval.

Sent by the worker, at most once a day per event (``Event.approval_digest_at`` is written in the
same transaction as the queued email), to the event's organisers (:func:`organiser_addresses`).
Only events that have not ended yet are reminded: afterwards an approval changes nothing. Safe
from several workers: events are claimed with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL and SQLite
serialises writers; either way the interval is checked again under the lock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.accounts.organisers import organiser_addresses, warn_nobody_to_tell
from app.core.config import Settings
from app.core.db import Database
from app.core.timezones import in_zone
from app.core.types import utcnow
from app.directory.models import Organisation, display_name
from app.events.models import Event
from app.notifications.messages import ApprovalDigestProps, Message, WaitingPerson
from app.notifications.outbox import queue_email
from app.registration.emails import event_context
from app.registration.models import Registration, RegistrationStatus

DIGEST_INTERVAL = timedelta(days=1)
# The email lists this many people by name; the count says how many more wait.
LISTED = 50


def _due(session: Session, now: datetime, *, lock: bool = False, skip_locked: bool = False) -> list[tuple[Event, int]]:
    """Events that have registrations awaiting approval and no digest in the last day, with how many wait."""
    waiting = (
        select(col(Registration.event_id), func.count().label("waiting"))
        .where(col(Registration.status) == RegistrationStatus.pending_approval)
        .group_by(col(Registration.event_id))
        .subquery()
    )
    statement = (
        select(Event, waiting.c.waiting)
        .join(waiting, waiting.c.event_id == Event.id)
        .where(
            col(Event.ends_at) > now,
            or_(col(Event.approval_digest_at).is_(None), col(Event.approval_digest_at) <= now - DIGEST_INTERVAL),
        )
        .order_by(col(Event.id))
    )
    if lock:
        statement = statement.with_for_update(of=Event, skip_locked=skip_locked)
    return [(event, count) for event, count in session.execute(statement)]


def _waiting_people(session: Session, event: Event) -> list[WaitingPerson]:
    rows = session.execute(
        select(
            col(Registration.first_name),
            col(Registration.last_name),
            col(Registration.country),
            col(Registration.created_at),
            col(Organisation.name),
        )
        .outerjoin(Organisation, col(Organisation.id) == col(Registration.organisation_id))
        .where(col(Registration.event_id) == event.id, col(Registration.status) == RegistrationStatus.pending_approval)
        .order_by(col(Registration.created_at), col(Registration.id))
        .limit(LISTED)
    ).all()
    return [
        WaitingPerson(
            name=display_name(row.first_name, row.last_name),
            organisation=row.name or "",
            country=row.country or "",
            registered_on=f"{in_zone(row.created_at, event.timezone):%d %B %Y}",
        )
        for row in rows
    ]


def queue_digest(session: Session, event: Event, waiting: int, addresses: list[str], now: datetime) -> None:
    event.approval_digest_at = now
    people = _waiting_people(session, event)
    props = ApprovalDigestProps(
        **event_context(event), event_id=event.id, waiting=waiting, people=people, more=waiting - len(people)
    )
    for address in addresses:
        queue_email(session, Message.approval_digest, to=address, props=props)


def send_approval_digests(database: Database, settings: Settings, *, now: datetime | None = None) -> int:
    """The worker's call: queue each due digest; returns how many events got one.

    Looks in a read transaction first, so an idle worker never takes SQLite's write lock.
    """
    now = now or utcnow()
    with database.transaction(write=False) as session:
        reachable = 0
        for event, _ in _due(session, now):
            if organiser_addresses(session, event, settings):
                reachable += 1
            else:
                warn_nobody_to_tell(event, "about registrations waiting for approval")
        if not reachable:
            return 0
    sent = 0
    with database.transaction() as session:
        for event, waiting in _due(session, now, lock=True, skip_locked=not database.is_sqlite):
            addresses = organiser_addresses(session, event, settings)
            if addresses:
                queue_digest(session, event, waiting, addresses, now)
                sent += 1
    return sent
