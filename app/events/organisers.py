"""Who the organisers of an event are, for the notices Convene sends them (retention, approvals).

The one place that answers it, so every notice reaches the same people: the event's contact
address, else the installation's ``CONVENE_ORGANISER_EMAIL``. Organiser accounts with event scopes
belong here too once they exist.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from app.core.config import Settings
from app.events.models import Event

log = logging.getLogger("convene.organisers")
_warned: set[tuple[int, str]] = set()


def organiser_addresses(session: Session, event: Event, settings: Settings) -> list[str]:
    """The addresses to tell about ``event``; empty when nobody can be told."""
    if event.contact_email:
        return [event.contact_email]
    return [settings.organiser_email] if settings.organiser_email else []


def warn_nobody_to_tell(event: Event, about: str) -> None:
    """Log, once per process, that the organisers of ``event`` could not be told ``about`` something
    (the worker looks every few seconds; once is enough to be seen)."""
    if (event.id, about) in _warned:
        return
    _warned.add((event.id, about))
    log.warning("cannot tell the organisers of event %r %s: no address is known; set the event's contact_email "
                "or CONVENE_ORGANISER_EMAIL", event.slug, about)
