"""What an organiser sees of an event at a glance: registrations by status and places left."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.events.models import Event
from app.registration.models import Registration, RegistrationStatus


@dataclass(frozen=True)
class EventFigures:
    by_status: dict[RegistrationStatus, int] = field(default_factory=dict)
    capacity: int | None = None
    seats_held: int = 0  # the event's counter, kept with every change of status (app.registration.capacity)

    def count(self, status: RegistrationStatus) -> int:
        return self.by_status.get(status, 0)

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.seats_held, 0)

    @property
    def awaiting_approval(self) -> int:
        return self.count(RegistrationStatus.pending_approval)


def status_counts(session: Session, event_ids: list[int]) -> dict[int, dict[RegistrationStatus, int]]:
    """Registrations per status of each event, in one query."""
    counts: dict[int, dict[RegistrationStatus, int]] = defaultdict(dict)
    if not event_ids:
        return counts
    rows = session.execute(
        select(col(Registration.event_id), col(Registration.status), func.count())
        .where(col(Registration.event_id).in_(event_ids))
        .group_by(col(Registration.event_id), Registration.status)
    )
    for event_id, status, number in rows:
        counts[event_id][status] = number
    return counts


def event_figures(session: Session, events: list[Event]) -> dict[int, EventFigures]:
    counts = status_counts(session, [event.id for event in events])
    return {
        event.id: EventFigures(dict(counts.get(event.id, {})), event.capacity, event.seats_held) for event in events
    }
