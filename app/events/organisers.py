"""Who the organisers of an event are, for the notices Convene sends them (retention, approvals).

The one place that answers it, so every notice reaches the same people: the event's contact
address, else the installation's ``CONVENE_ORGANISER_EMAIL``. Organiser accounts with event scopes
belong here too once they exist.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.core.config import Settings
from app.events.models import Event


def organiser_addresses(session: Session, event: Event, settings: Settings) -> list[str]:
    """The addresses to tell about ``event``; empty when nobody can be told."""
    if event.contact_email:
        return [event.contact_email]
    return [settings.organiser_email] if settings.organiser_email else []
