"""The worker's retention step: tell the organisers, then anonymise a grace period later, and log both.

Anonymisation cannot be undone, so it is never the silent side effect of running the worker. Once an
event's retention period has passed, its organisers get an email (through the outbox) saying when
the participants will be anonymised and how to keep them; only a grace period after that notice does
the worker anonymise, and it logs what it did. A notice covers the registrations that existed when it
was sent: people added to an old event later (an import, say) get a notice and a grace period of
their own. When no organiser address is known, nothing is anonymised and the log says why.

Safe from several workers at once: each event is locked (``FOR UPDATE SKIP LOCKED`` on PostgreSQL;
SQLite serialises writers) and its state read again before anything is queued or erased.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.accounts.organisers import organiser_addresses, warn_nobody_to_tell
from app.core.config import Settings
from app.core.db import Database
from app.core.errors import InvalidInput
from app.core.timezones import in_zone
from app.core.types import utcnow
from app.events.models import Event
from app.events.retention import (
    anonymise_after,
    notice_due,
    retention_days,
    retention_ends_at,
    valid_notice_at,
)
from app.notifications.messages import Message, RetentionNoticeProps
from app.notifications.outbox import queue_email
from app.registration.emails import event_context
from app.registration.history import Change, record
from app.registration.models import Registration
from app.registration.privacy import anonymise

log = logging.getLogger("convene.retention")


@dataclass(frozen=True)
class Identities:
    """An ended event's registrations that still name people."""

    event: Event
    count: int
    oldest: datetime  # when the first of them was created
    newest: datetime


@dataclass(frozen=True)
class RetentionStep:
    notices: list[Identities]  # events whose organisers must be told now
    anonymisations: list[Identities]  # events whose grace period after the notice has passed


def _identities(session: Session, now: datetime, *, lock: bool = False, skip_locked: bool = False) -> list[Identities]:
    figures = (
        select(
            col(Registration.event_id),
            func.count().label("count"),
            func.min(col(Registration.created_at)).label("oldest"),
            func.max(col(Registration.created_at)).label("newest"),
        )
        .where(col(Registration.anonymised_at).is_(None))
        .group_by(col(Registration.event_id))
        .subquery()
    )
    statement = (
        select(Event, figures.c.count, figures.c.oldest, figures.c.newest)
        .join(figures, figures.c.event_id == Event.id)
        .where(col(Event.ends_at) <= now)
        .order_by(col(Event.id))
    )
    if lock:
        statement = statement.with_for_update(of=Event, skip_locked=skip_locked)
    return [Identities(event, count, oldest, newest) for event, count, oldest, newest in session.execute(statement)]


def _needs_notice(item: Identities, settings: Settings, now: datetime) -> bool:
    notice = valid_notice_at(item.event, settings)
    return notice_due(item.event, settings, now) or (notice is not None and item.newest > notice)


def _may_anonymise(item: Identities, settings: Settings, now: datetime) -> bool:
    notice = valid_notice_at(item.event, settings)
    return notice is not None and anonymise_after(item.event, settings, now) <= now and item.oldest <= notice


def plan(
    session: Session, settings: Settings, now: datetime, *, lock: bool = False, skip_locked: bool = False
) -> RetentionStep:
    """What the retention step has to do at ``now``; events nobody can be told about wait (and are logged)."""
    ended = _identities(session, now, lock=lock, skip_locked=skip_locked)
    notices = []
    for item in ended:
        if not _needs_notice(item, settings, now):
            continue
        if organiser_addresses(session, item.event, settings):
            notices.append(item)
        else:
            warn_nobody_to_tell(
                item.event,
                f"that its retention period ended on "
                f"{_day(retention_ends_at(item.event, settings), item.event)}; its "
                "participants are kept until someone is told",
            )
    return RetentionStep(notices, [item for item in ended if _may_anonymise(item, settings, now)])


def _day(moment: datetime, event: Event) -> str:
    return f"{in_zone(moment, event.timezone):%d %B %Y}"


def send_notice(session: Session, item: Identities, settings: Settings, now: datetime) -> None:
    """Queue the retention notice to the event's organisers and start the grace period."""
    event = item.event
    event.retention_notice_at = now
    props = RetentionNoticeProps(
        **event_context(event),
        event_id=event.id,
        event_slug=event.slug,
        participants=item.count,
        retention_days=retention_days(event, settings),
        retention_ended_on=_day(retention_ends_at(event, settings), event),
        anonymise_on=_day(anonymise_after(event, settings, now), event),
        grace_days=settings.retention_grace_days,
    )
    addresses = organiser_addresses(session, event, settings)
    for address in addresses:
        queue_email(session, Message.retention_notice, to=address, props=props)
    log.warning(
        "retention period of event %r ended on %s: told %s; its %d participant(s) will be anonymised on or "
        "after %s unless the retention period is extended",
        event.slug,
        props.retention_ended_on,
        ", ".join(addresses),
        item.count,
        props.anonymise_on,
    )


def anonymise_event(session: Session, item: Identities, settings: Settings, now: datetime) -> int:
    """Anonymise the registrations the event's notice covered; returns how many."""
    event = item.event
    notice = valid_notice_at(event, settings)
    assert notice is not None, "only events whose organisers were told are anonymised"
    registrations = (
        session.execute(
            select(Registration)
            .where(
                col(Registration.event_id) == event.id,
                col(Registration.anonymised_at).is_(None),
                col(Registration.created_at) <= notice,
            )
            .order_by(col(Registration.id))
        )
        .scalars()
        .all()
    )
    for registration in registrations:
        anonymise(session, registration, now=now)
        record(session, registration.id, registration.status.value, Change.erased, retention=True)
    log.warning(
        "anonymised %d participant(s) of event %r: its retention period ended on %s and the organisers were told on %s",
        len(registrations),
        event.slug,
        _day(retention_ends_at(event, settings), event),
        _day(notice, event),
    )
    return len(registrations)


def apply_retention(database: Database, settings: Settings, *, now: datetime | None = None) -> int:
    """The worker's periodic call; returns how many notices and anonymised registrations it handled.

    It looks in a read transaction first, so an idle worker never takes SQLite's write lock.
    """
    now = now or utcnow()
    with database.transaction(write=False) as session:
        step = plan(session, settings, now)
        if not step.notices and not step.anonymisations:
            return 0
    with database.transaction() as session:
        step = plan(session, settings, now, lock=True, skip_locked=not database.is_sqlite)
        for item in step.notices:
            send_notice(session, item, settings, now)
        handled = len(step.notices)
        for item in step.anonymisations:
            handled += anonymise_event(session, item, settings, now)
    return handled


def log_schedule(database: Database, settings: Settings, *, now: datetime | None = None) -> None:
    """Say in the log which events' participants will be anonymised, and when (the worker, on start)."""
    now = now or utcnow()
    with database.transaction(write=False) as session:
        for item in _identities(session, now):
            notice = valid_notice_at(item.event, settings)
            if notice is not None:
                log.info(
                    "event %r: %d participant(s) will be anonymised on or after %s (organisers told on %s)",
                    item.event.slug,
                    item.count,
                    _day(anonymise_after(item.event, settings, now), item.event),
                    _day(notice, item.event),
                )


def set_retention(session: Session, event: Event, days: int | None) -> Event:
    """How many days after its end the event's participants are anonymised (None: the default)."""
    if days is not None and days < 0:
        raise InvalidInput("the retention period cannot be negative", field="retention_days")
    event.retention_days = days
    event.updated_at = utcnow()
    session.flush()
    return event
