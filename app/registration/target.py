"""The event a registration is for, read together with what else registering must read: whether
the event asks custom questions, and whether an enabled webhook may want to hear of it.

Both are asked in the event's own SELECT. Most events have neither, and each is then a statement not
run: two of a registration's eight, about 0.1 ms of its 1.8 ms of CPU on SQLite (measured in-process).
An event that has questions or hooks still has them read, by ``register``, as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.core.db import table_of
from app.events.models import Event
from app.events.service import no_such_event, parse_event_ref
from app.registration.models import Question
from app.webhooks.service import any_enabled_hook


@dataclass(frozen=True)
class ToRead:
    """What ``register`` must read beside the event; by default (not known) both."""

    questions: bool = True
    hooks: bool = True


READ_ALL = ToRead()


# Built once, as every statement on the registration path (see events.service._EVENT_BY_ID).
_WITH_WHAT_TO_READ = select(
    Event, exists().where(col(Question.event_id) == col(Event.id)), any_enabled_hook(table_of(Event).c.id)
)
_BY_ID = _WITH_WHAT_TO_READ.where(col(Event.id) == bindparam("event_id"))
_BY_SLUG = _WITH_WHAT_TO_READ.where(col(Event.slug) == bindparam("slug"))


def event_to_register_for(session: Session, ref: str | int) -> tuple[Event, ToRead]:
    """The event named by ``ref`` (its id or slug, a 404 when there is none) and what registering
    for it must read besides."""
    named = parse_event_ref(ref)
    if isinstance(named, int):
        row = session.execute(_BY_ID, {"event_id": named}).one_or_none()
    else:
        row = session.execute(_BY_SLUG, {"slug": named}).one_or_none()
    if row is None:
        raise no_such_event(named)
    event, has_questions, has_hooks = row
    return event, ToRead(questions=bool(has_questions), hooks=bool(has_hooks))
