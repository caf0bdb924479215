"""Who the organisers of an event are, for the notices Convene sends them (retention, approvals).

The one place that answers it, so every notice reaches the same people: the event's contact
address and the console accounts of organisers chosen for this event; when there are none, the
installation's ``CONVENE_ORGANISER_EMAIL``; when that is unset too, the organisers (and admins)
of every event, so that a notice about erasing personal data always reaches someone who can act.
Disabled accounts are told nothing.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.accounts.models import Account, AccountEvent
from app.core.config import Settings
from app.core.roles import Role
from app.events.models import Event

log = logging.getLogger("convene.organisers")
_warned: set[tuple[int, str]] = set()


def organiser_addresses(session: Session, event: Event, settings: Settings) -> list[str]:
    """The addresses to tell about ``event``, each once; empty when nobody can be told."""
    enabled = col(Account.disabled_at).is_(None)
    chosen = (
        session.execute(
            select(col(Account.email))
            .join(AccountEvent, col(AccountEvent.account_id) == col(Account.id))
            .where(col(AccountEvent.event_id) == event.id, col(Account.role) == Role.organiser, enabled)
            .order_by(Account.email)
        )
        .scalars()
        .all()
    )
    addresses = list(dict.fromkeys(address.lower() for address in (event.contact_email, *chosen) if address))
    if addresses:
        return addresses
    if settings.organiser_email:
        return [settings.organiser_email]
    limited = select(col(AccountEvent.account_id))
    return list(
        session.execute(
            select(col(Account.email))
            .where(col(Account.role).in_((Role.organiser, Role.admin)), enabled, col(Account.id).not_in(limited))
            .order_by(Account.email)
        ).scalars()
    )


def warn_nobody_to_tell(event: Event, about: str) -> None:
    """Log, once per process, that the organisers of ``event`` could not be told ``about`` something
    (the worker looks every few seconds; once is enough to be seen)."""
    if (event.id, about) in _warned:
        return
    _warned.add((event.id, about))
    log.warning(
        "cannot tell the organisers of event %r %s: no address is known; set the event's contact_email "
        "or CONVENE_ORGANISER_EMAIL",
        event.slug,
        about,
    )
