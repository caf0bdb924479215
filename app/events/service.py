"""Events: create, read, change, delete, list. Rules on dates live here, not in the routes."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import bindparam, case, or_, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.fields import parse_id
from app.core.pagination import Window, paginate
from app.core.timezones import in_zone
from app.core.types import utcnow
from app.events.models import Event
from app.events.schemas import EventCreate, EventUpdate

_TIME_FIELDS = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")


def _localise(values: dict, zone: str) -> dict:
    """Attach the event's zone to naive times, so '09:00' means 09:00 at the venue."""
    return {
        key: (in_zone(value, zone) if key in _TIME_FIELDS and value is not None else value)
        for key, value in values.items()
    }


def _aware(value: datetime) -> datetime:
    """Filters given without an offset are read as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _check_dates(event: Event) -> None:
    if event.ends_at <= event.starts_at:
        raise InvalidInput("the event must end after it starts", field="ends_at")
    opens, closes = event.registration_opens_at, event.registration_closes_at
    if opens and closes and closes <= opens:
        raise InvalidInput("registration must close after it opens", field="registration_closes_at")
    if closes and closes > event.ends_at:
        raise InvalidInput("registration cannot close after the event has ended", field="registration_closes_at")


def _ensure_slug_free(session: Session, slug: str, *, except_id: int | None = None) -> None:
    statement = select(col(Event.id)).where(col(Event.slug) == slug)
    if except_id is not None:
        statement = statement.where(col(Event.id) != except_id)
    if session.execute(statement).first() is not None:
        raise Conflict(f"the slug {slug!r} is already used by another event", field="slug")


def create_event(session: Session, data: EventCreate) -> Event:
    _ensure_slug_free(session, data.slug)
    event = Event(**_localise(data.model_dump(), data.timezone))
    _check_dates(event)
    session.add(event)
    session.flush()
    return event


def update_event(session: Session, event: Event, data: EventUpdate) -> Event:
    changes = data.model_dump(exclude_unset=True)
    if "slug" in changes:
        _ensure_slug_free(session, changes["slug"], except_id=event.id)
    for key, value in _localise(changes, changes.get("timezone", event.timezone)).items():
        setattr(event, key, value)
    _check_dates(event)
    event.updated_at = utcnow()
    session.flush()
    return event


def local_times(event: Event) -> dict[str, datetime]:
    """The event's start and end on its own clock, for the pages that say when it is."""
    return {"starts_at": in_zone(event.starts_at, event.timezone), "ends_at": in_zone(event.ends_at, event.timezone)}


# Built once: every API call on an event reads it, and Session.get composes its SELECT afresh each
# time and computes the statement's cache key, a fifth of the read. The identity map is not looked
# in first, as Session.get does: a request reads its event once.
_EVENT_BY_ID = select(Event).where(col(Event.id) == bindparam("event_id"))


def get_event(session: Session, event_id: int) -> Event:
    event = session.execute(_EVENT_BY_ID, {"event_id": event_id}).scalar_one_or_none()
    if event is None:
        raise no_such_event(event_id)
    return event


def get_event_by_ref(session: Session, ref: str | int) -> Event:
    """An event named by its id (digits) or its slug, as every API address and CLI command accepts."""
    named = parse_event_ref(ref)
    return get_event(session, named) if isinstance(named, int) else get_event_by_slug(session, named)


def no_such_event(named: int | str) -> NotFound:
    """The 404 for an event id or slug that names none."""
    return NotFound(f"no event with id {named}" if isinstance(named, int) else f"no event with slug {named!r}")


def parse_event_ref(ref: str | int) -> int | str:
    """What an event reference names: an id (digits) or a slug. A slug always has a letter (see
    schemas.EventSlug), so the two never collide; digits naming no possible row are a 404 here."""
    text = str(ref).strip()
    if text.isascii() and text.isdigit():
        number = parse_id(text)
        if number is None:
            raise NotFound(f"no event with id {text}")
        return number
    return text


def get_event_by_slug(session: Session, slug: str) -> Event:
    event = session.execute(select(Event).where(col(Event.slug) == slug)).scalar_one_or_none()
    if event is None:
        raise no_such_event(slug)
    return event


def get_public_event(session: Session, slug: str) -> Event:
    """The event behind a public page: a draft (not yet published) is as absent as a missing event."""
    event = find_event_by_slug(session, slug)
    if event is None or not event.published:
        raise no_such_event(slug)
    return event


def find_event_by_slug(session: Session, slug: str) -> Event | None:
    return session.execute(select(Event).where(col(Event.slug) == slug)).scalar_one_or_none()


def delete_event(session: Session, event: Event) -> None:
    session.delete(event)
    session.flush()


def events_upcoming_first(session: Session, *, only_ids: frozenset[int] | None = None) -> list[Event]:
    """Events not yet over, soonest first, then past events, latest first."""
    over = case((col(Event.ends_at) < utcnow(), 1), else_=0)
    statement = select(Event).order_by(
        over, case((over == 0, Event.starts_at)), col(Event.starts_at).desc(), col(Event.id)
    )
    if only_ids is not None:
        statement = statement.where(col(Event.id).in_(only_ids))
    return list(session.execute(statement).scalars())


def list_events(
    session: Session,
    window: Window,
    *,
    only_ids: frozenset[int] | None = None,
    q: str | None = None,
    country: str | None = None,
    starts_after: datetime | None = None,
    starts_before: datetime | None = None,
) -> tuple[list[Event], int]:
    statement = select(Event).order_by(col(Event.starts_at).desc(), col(Event.id))
    if only_ids is not None:
        statement = statement.where(col(Event.id).in_(only_ids))
    if q:
        statement = statement.where(or_(col(Event.title).ilike(f"%{q}%"), col(Event.slug).ilike(f"%{q}%")))
    if country:
        statement = statement.where(col(Event.country) == country.upper())
    if starts_after:
        statement = statement.where(col(Event.starts_at) >= _aware(starts_after))
    if starts_before:
        statement = statement.where(col(Event.starts_at) < _aware(starts_before))
    return paginate(session, statement, window)
