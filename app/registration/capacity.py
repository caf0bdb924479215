"""Seats and the waiting list: what counts against capacity, and the lock that keeps it exact.

The rule: ``pending_confirmation``, ``pending_approval`` and ``confirmed`` hold a seat, so
neither confirming an email nor an organiser's approval can ever overbook. ``waitlisted`` waits
for one; ``cancelled``, ``rejected`` and ``expired`` hold nothing, and leaving a seat promotes the
first person waiting. Positions on the waiting list (1, 2, ...) are derived from
``waitlist_rank``, which is assigned max + 1 under the event's lock.

Every change of seats happens with the event row locked (``SELECT ... FOR UPDATE`` on
PostgreSQL; on SQLite the write transaction itself is exclusive: ``BEGIN IMMEDIATE``), and the
locked section is short: lock, one counting query, insert, commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.orm import Session

from app.events.models import Event
from app.registration.models import LIVE_STATUSES, SEAT_STATUSES, Registration, RegistrationStatus

WAITLISTED = RegistrationStatus.waitlisted


@dataclass(frozen=True)
class Occupancy:
    held: int  # seats taken
    waiting: int  # people on the waiting list
    last_rank: int  # the highest waitlist_rank given so far (0 if none)
    existing_id: int | None  # a live registration of the email asked about, if any

    def free(self, capacity: int | None) -> int | None:
        return None if capacity is None else max(capacity - self.held, 0)


# Statements built once: composing them and computing their cache keys on every call cost more
# Python time than running them, and that time is spent holding the event's lock. (On the mapped
# classes, not the tables, so that executing them still autoflushes pending changes.)
_LOCK_EVENT = select(Event.capacity).where(Event.id == bindparam("event_id")).with_for_update()
_OCCUPANCY = select(
    func.coalesce(func.sum(case((Registration.status.in_(SEAT_STATUSES), 1), else_=0)), 0),
    func.coalesce(func.sum(case((Registration.status == WAITLISTED, 1), else_=0)), 0),
    func.coalesce(func.max(Registration.waitlist_rank), 0),
    func.max(case((Registration.email == bindparam("email"), Registration.id), else_=None)),
).where(Registration.event_id == bindparam("event_id"), Registration.status.in_(LIVE_STATUSES))


def lock_event(session: Session, event: Event) -> int | None:
    """Lock the event row until the transaction ends; returns its capacity as it is now."""
    return session.execute(_LOCK_EVENT, {"event_id": event.id}).scalar_one()


def occupancy(session: Session, event: Event, *, email: str | None = None) -> Occupancy:
    """Seats held, people waiting and (for ``email``) an existing live registration, in one query."""
    held, waiting, last_rank, existing_id = session.execute(_OCCUPANCY, {"event_id": event.id, "email": email}).one()
    return Occupancy(held=int(held), waiting=int(waiting), last_rank=int(last_rank), existing_id=existing_id)


def first_waiting(session: Session, event: Event, count: int) -> list[Registration]:
    if count <= 0:
        return []
    return list(session.execute(
        select(Registration).where(Registration.event_id == event.id, Registration.status == WAITLISTED)
        .order_by(Registration.waitlist_rank, Registration.id).limit(count)
    ).scalars())


def waitlist_position(session: Session, registration: Registration) -> int | None:
    """1 for the first person waiting; None when not on the waiting list."""
    if registration.status is not WAITLISTED:
        return None
    return session.execute(
        select(func.count()).select_from(Registration).where(
            Registration.event_id == registration.event_id, Registration.status == WAITLISTED,
            Registration.waitlist_rank <= registration.waitlist_rank,
        )
    ).scalar_one()


def waitlist_positions(session: Session, event_ids: set[int]) -> dict[int, int]:
    """Every waiting registration's position, for the events given (one query)."""
    if not event_ids:
        return {}
    rows = session.execute(
        select(Registration.id, Registration.event_id).where(
            Registration.event_id.in_(event_ids), Registration.status == WAITLISTED
        ).order_by(Registration.event_id, Registration.waitlist_rank, Registration.id)
    ).all()
    positions: dict[int, int] = {}
    counters: dict[int, int] = {}
    for registration_id, event_id in rows:
        counters[event_id] = counters.get(event_id, 0) + 1
        positions[registration_id] = counters[event_id]
    return positions
