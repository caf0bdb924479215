"""The preferences of a breakout session as they stand: how many ranked each group first, second...,
who has not chosen yet, and a reminder to them by email (through the outbox)."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.agenda.models import AgendaSession
from app.breakouts.models import BreakoutPreference
from app.breakouts.service import PreferencesClosed, groups_of, session_settings
from app.core.collation import person_sort_key
from app.core.timezones import in_zone
from app.core.types import utcnow
from app.events.models import Event
from app.notifications.messages import BreakoutChooseProps, Message
from app.notifications.outbox import queue_email
from app.registration.emails import registration_fields
from app.registration.models import Registration, RegistrationStatus


def rank_counts(session: Session, item: AgendaSession) -> dict[int, Counter]:
    """group id -> {rank: how many ranked it so}, in one query."""
    counts: dict[int, Counter] = defaultdict(Counter)
    for group_id, rank, number in session.execute(
        select(col(BreakoutPreference.group_id), col(BreakoutPreference.rank), func.count())
        .where(col(BreakoutPreference.session_id) == item.id)
        .group_by(col(BreakoutPreference.group_id), col(BreakoutPreference.rank))
    ):
        counts[group_id][rank] = number
    return counts


def without_choices(session: Session, event: Event, item: AgendaSession) -> list[Registration]:
    """Confirmed participants (the ones an assignment places) who have ranked no group, by name."""
    chose = (
        select(col(BreakoutPreference.id))
        .where(
            col(BreakoutPreference.registration_id) == col(Registration.id),
            col(BreakoutPreference.session_id) == item.id,
        )
        .exists()
    )
    people = session.execute(
        select(Registration).where(
            col(Registration.event_id) == event.id,
            col(Registration.status) == RegistrationStatus.confirmed,
            ~chose,
        )
    ).scalars()
    return sorted(people, key=lambda r: person_sort_key(r.last_name, r.first_name))


def remind_to_choose(session: Session, event: Event, item: AgendaSession) -> int:
    """Queue a reminder for everyone who has not chosen; at most one per person and day, however often
    the button is pressed. Refused while the choices are closed. Returns how many were queued."""
    if not session_settings(session, item).preferences_open:
        raise PreferencesClosed("open the choice of groups first: participants could not answer the reminder")
    titles = [group.title for group in groups_of(session, item)]
    starts = in_zone(item.starts_at, event.timezone)
    today = utcnow().date().isoformat()
    queued = 0
    for registration in without_choices(session, event, item):
        key = f"breakout-choose:{item.id}:{registration.id}:{today}"
        props = BreakoutChooseProps(
            **registration_fields(event, registration),
            session_title=item.title,
            date=f"{starts:%A %d %B %Y}",
            groups=titles,
        )
        queued += queue_email(session, Message.breakout_choose, to=registration.email, props=props, dedup_key=key)
    return queued
