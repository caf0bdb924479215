"""Seats and the waiting list: what counts against capacity, and the lock that keeps it exact.

The rule: ``pending_confirmation``, ``pending_approval`` and ``confirmed`` hold a seat, so
neither confirming an email nor an organiser's approval can ever overbook. ``waitlisted`` waits
for one; ``cancelled``, ``rejected`` and ``expired`` hold nothing, and leaving a seat promotes the
first person waiting. Positions on the waiting list (1, 2, ...) are derived from
``waitlist_rank``, which is the event's last rank + 1.

The event row keeps the counts: seats held, people waiting, the last rank given out. Every status
change moves them in its own transaction with the event row locked (``FOR UPDATE`` or the
``UPDATE`` itself on PostgreSQL; on SQLite the write transaction is exclusive: ``BEGIN
IMMEDIATE``), so deciding a seat reads one row whatever the size of the event, and the locked
section of a registration is: one UPDATE that locks, decides and counts; the inserts; commit.
``convene check`` (:func:`differences`) compares the counters with the counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Boolean, ColumnElement, bindparam, case, func, literal_column, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col

from app.core.db import table_of
from app.events.models import Event
from app.registration.models import SEAT_STATUSES, Registration, RegistrationStatus

WAITLISTED = RegistrationStatus.waitlisted


@dataclass(frozen=True)
class Seats:
    """The event's counters as they are under its lock."""

    capacity: int | None
    held: int  # seats taken (pending or confirmed)
    waiting: int  # people on the waiting list
    last_rank: int  # the highest waitlist_rank given out so far (0 if none)

    def free(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.held, 0)

    def promotable(self) -> int:
        """Seats free while people wait (the capacity grew, or someone left): they go to those waiting."""
        free = self.free()
        return self.waiting if free is None else min(free, self.waiting)


def counted(status: RegistrationStatus | None) -> tuple[int, int]:
    """What one registration in ``status`` adds to (seats held, people waiting)."""
    if status in SEAT_STATUSES:
        return 1, 0
    return (0, 1) if status is WAITLISTED else (0, 0)


# Statements built once: composing them and computing their cache keys on every call cost more
# Python time than running them, and that time is spent holding the event's lock. Core, on the
# table: no ORM bookkeeping; the session's Event gets the new values through remember().
_event = table_of(Event)
_COUNTERS = (_event.c.capacity, _event.c.seats_held, _event.c.waiting_count, _event.c.last_waitlist_rank)
_THIS_EVENT = _event.c.id == bindparam("event_id")
_LOCK = select(*_COUNTERS).where(_THIS_EVENT).with_for_update()
_MOVE = (
    update(_event)
    .where(_THIS_EVENT)
    .values(
        seats_held=_event.c.seats_held + bindparam("held"),
        waiting_count=_event.c.waiting_count + bindparam("waiting"),
    )
    .returning(*_COUNTERS)
)
# A newcomer is seated when a seat is left after everyone already waiting (they go first), when the
# event has no limit, or when an organiser overrides the capacity; otherwise they wait, last.
_SEATED = or_(
    bindparam("override", type_=Boolean),
    _event.c.capacity.is_(None),
    _event.c.capacity - _event.c.seats_held > _event.c.waiting_count,
)
# Constants written into the SQL rather than bound: the statement stays short and its parameters few,
# which is what lets psycopg cache its conversion (admission.py's statement embeds this one).
ONE: ColumnElement[int] = literal_column("1")
ZERO: ColumnElement[int] = literal_column("0")
_ONE_IF_SEATED = case((_SEATED, ONE), else_=ZERO)
ARRIVE = (
    update(_event)
    .where(_THIS_EVENT)
    .values(
        seats_held=_event.c.seats_held + _ONE_IF_SEATED,
        waiting_count=_event.c.waiting_count + ONE - _ONE_IF_SEATED,
        last_waitlist_rank=_event.c.last_waitlist_rank + ONE - _ONE_IF_SEATED,
    )
    .returning(*_COUNTERS)
)


def remember(event: Event, row) -> Seats:
    """The counters as the database returned them (capacity, held, waiting, last rank)."""
    seats = Seats(*row)
    # The session's copy of the event follows the database, without marking it changed.
    for name, value in (
        ("seats_held", seats.held),
        ("waiting_count", seats.waiting),
        ("last_waitlist_rank", seats.last_rank),
    ):
        set_committed_value(event, name, value)
    return seats


def lock(session: Session, event: Event) -> Seats:
    """Lock the event's counters until the transaction ends; returns them as they are now."""
    return remember(event, session.execute(_LOCK, {"event_id": event.id}).one())


def arrive(session: Session, event: Event, *, override: bool = False) -> tuple[Seats, bool]:
    """Count a newcomer, seated or waiting, in one statement that also takes the event's lock.
    Returns the counters after it and whether the newcomer has a seat."""
    seats = remember(event, session.execute(ARRIVE, {"event_id": event.id, "override": override}).one())
    # Read back from the counters after the change: seated, it held capacity - held >= waiting
    # (one seat more was free than people waiting); waiting, capacity - held < waiting.
    seated = override or seats.capacity is None or seats.capacity - seats.held >= seats.waiting
    return seats, seated


def move(session: Session, event: Event, *, held: int = 0, waiting: int = 0) -> Seats:
    """Add ``held`` seats and ``waiting`` people (negative: remove) to the event's counters."""
    return remember(event, session.execute(_MOVE, {"event_id": event.id, "held": held, "waiting": waiting}).one())


def change(
    session: Session, event: Event, before: RegistrationStatus | None, after: RegistrationStatus | None
) -> Seats | None:
    """Count one registration's move from ``before`` to ``after`` (None: not there); None if nothing moved."""
    (held_before, waiting_before), (held_after, waiting_after) = counted(before), counted(after)
    if (held_before, waiting_before) == (held_after, waiting_after):
        return None
    return move(session, event, held=held_after - held_before, waiting=waiting_after - waiting_before)


def first_waiting(session: Session, event: Event, count: int) -> list[Registration]:
    if count <= 0:
        return []
    return list(
        session.execute(
            select(Registration)
            .where(col(Registration.event_id) == event.id, col(Registration.status) == WAITLISTED)
            .order_by(col(Registration.waitlist_rank), col(Registration.id))
            .limit(count)
        ).scalars()
    )


def places_left(event: Event) -> int | None:
    """Seats open to a newcomer (those waiting go first), from the event as loaded; None: no limit."""
    if event.capacity is None:
        return None
    return max(event.capacity - event.seats_held - event.waiting_count, 0)


def waitlist_position(session: Session, registration: Registration) -> int | None:
    """1 for the first person waiting; None when not on the waiting list."""
    if registration.status is not WAITLISTED:
        return None
    return session.execute(
        select(func.count())
        .select_from(Registration)
        .where(
            col(Registration.event_id) == registration.event_id,
            col(Registration.status) == WAITLISTED,
            col(Registration.waitlist_rank) <= registration.waitlist_rank,
        )
    ).scalar_one()


def waitlist_positions(session: Session, event_ids: set[int]) -> dict[int, int]:
    """Every waiting registration's position, for the events given (one query)."""
    if not event_ids:
        return {}
    rows = session.execute(
        select(col(Registration.id), col(Registration.event_id))
        .where(col(Registration.event_id).in_(event_ids), col(Registration.status) == WAITLISTED)
        .order_by(col(Registration.event_id), col(Registration.waitlist_rank), col(Registration.id))
    ).all()
    positions: dict[int, int] = {}
    counters: dict[int, int] = {}
    for registration_id, event_id in rows:
        counters[event_id] = counters.get(event_id, 0) + 1
        positions[registration_id] = counters[event_id]
    return positions


@dataclass(frozen=True)
class Difference:
    """One event whose counters or waiting list disagree with its registrations."""

    event_id: int
    slug: str
    problem: str


def differences(session: Session) -> list[Difference]:
    """Every place where the counters are not the counts, or the waiting list is not a clean line.

    Checked, per event: seats held = registrations holding a seat; people waiting = registrations
    waiting; the last rank given out >= every rank held; every waiting registration has a rank,
    no other one has; no two share a rank. (Seats held above the capacity are not a difference:
    an organiser may override it, or lower it later.)
    """
    r = Registration
    counts = (
        select(
            col(r.event_id),
            func.count().filter(col(r.status).in_(SEAT_STATUSES)),
            func.count().filter(col(r.status) == WAITLISTED),
            func.coalesce(func.max(col(r.waitlist_rank)), 0),
            func.count().filter(col(r.status) == WAITLISTED, col(r.waitlist_rank).is_(None)),
            func.count().filter(col(r.status) != WAITLISTED, col(r.waitlist_rank).is_not(None)),
            func.count(col(r.waitlist_rank)) - func.count(col(r.waitlist_rank).distinct()),
        )
        .group_by(col(r.event_id))
        .subquery()
    )
    rows = session.execute(
        select(
            col(Event.id),
            col(Event.slug),
            col(Event.seats_held),
            col(Event.waiting_count),
            col(Event.last_waitlist_rank),
            *list(counts.c)[1:],
        )
        .outerjoin(counts, counts.c.event_id == Event.id)
        .order_by(col(Event.id))
    ).all()
    found: list[Difference] = []
    for (
        event_id,
        slug,
        held,
        waiting,
        last_rank,
        seated,
        queued,
        top_rank,
        unranked,
        ranked_elsewhere,
        shared_ranks,
    ) in rows:
        problems = []
        if held != (seated or 0):
            problems.append(f"seats held: counter {held}, registrations holding a seat {seated or 0}")
        if waiting != (queued or 0):
            problems.append(f"waiting list: counter {waiting}, registrations waiting {queued or 0}")
        if last_rank < (top_rank or 0):
            problems.append(f"last waiting-list rank given out: counter {last_rank}, highest rank held {top_rank}")
        if unranked:
            problems.append(f"{unranked} waiting registration(s) without a waiting-list rank")
        if ranked_elsewhere:
            problems.append(f"{ranked_elsewhere} registration(s) not waiting but with a waiting-list rank")
        if shared_ranks:
            problems.append(f"{shared_ranks} waiting-list rank(s) given to more than one registration")
        found += [Difference(event_id, slug, problem) for problem in problems]
    return found


def recount(session: Session) -> int:
    """Set every event's counters to the counts (after a repair by hand); returns the events changed."""
    r = Registration
    changed = 0
    for event in session.execute(select(Event).with_for_update()).scalars():
        seated, queued, top_rank = session.execute(
            select(
                func.count().filter(col(r.status).in_(SEAT_STATUSES)),
                func.count().filter(col(r.status) == WAITLISTED),
                func.coalesce(func.max(col(r.waitlist_rank)), 0),
            ).where(col(r.event_id) == event.id)
        ).one()
        values = (seated, queued, max(event.last_waitlist_rank, top_rank or 0))  # top_rank: coalesced, never None
        if (event.seats_held, event.waiting_count, event.last_waitlist_rank) != values:
            event.seats_held, event.waiting_count, event.last_waitlist_rank = values
            changed += 1
    session.flush()
    return changed
