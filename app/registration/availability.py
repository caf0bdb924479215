"""What the public pages say about registering now: open or closed, and the places left."""

from __future__ import annotations

from dataclasses import dataclass

from app.events.models import Event
from app.registration.capacity import places_left
from app.registration.service import RegistrationClosed, check_window


@dataclass(frozen=True)
class Availability:
    open: bool
    summary: str


def availability(event: Event) -> Availability:
    try:
        check_window(event)
    except RegistrationClosed as closed:
        return Availability(False, closed.detail[:1].upper() + closed.detail[1:] + ".")
    left = places_left(event)
    if left is None:
        return Availability(True, "Registration is open.")
    if left:
        return Availability(True, f"{left} place{'s' if left != 1 else ''} left.")
    return Availability(True, "The event is full; you can still register to join the waiting list.")
