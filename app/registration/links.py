"""Participants' own links: ``/r/{token}``, signed with the installation secret.

The token carries only the registration's id, signed with HMAC (itsdangerous), so it cannot be
guessed or forged without ``settings.signing_key()``. It stops working some days after the
event ends; the end is read from the event when the link is used, so moving the event moves
the expiry too. Tokens are computed, never stored: the outbox keeps the registration's id and
the delivery adds the links (:func:`email_links`), so the database holds no usable link.
"""

from __future__ import annotations

from datetime import timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.errors import Forbidden, NotFound
from app.core.types import utcnow
from app.events.models import Event
from app.registration.models import Registration

SALT = "convene.participant-link"
# How long after the event's end the link still opens the participant's page.
LINK_GRACE = timedelta(days=7)


class InvalidLink(NotFound):
    """A token that was not signed by us (forged, mistyped, truncated) or names no registration."""

    title = "Invalid link"


class LinkExpired(Forbidden):
    title = "Link expired"


def _serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.signing_key(), salt=SALT)


def token_for_id(settings: Settings, registration_id: int) -> str:
    return _serializer(settings).dumps({"r": registration_id})


def participant_token(settings: Settings, registration: Registration) -> str:
    return token_for_id(settings, registration.id)


def email_links(settings: Settings, context: dict) -> dict:
    """The links an email about a registration shows, added at delivery (never stored)."""
    registration_id = context.get("registration_id")
    if registration_id is None:
        return {}
    url = f"{settings.base_url}/r/{token_for_id(settings, registration_id)}"
    return {"participant_url": url, "confirmation_url": f"{url}/confirm"}


def registration_for_token(session: Session, settings: Settings, token: str) -> Registration:
    """The registration behind ``token``; :class:`InvalidLink` (404) or :class:`LinkExpired` (403)."""
    try:
        payload = _serializer(settings).loads(token)
    except BadSignature:
        raise InvalidLink("this link is not valid; use the latest link we emailed you") from None
    registration_id = payload.get("r") if isinstance(payload, dict) else None
    registration = session.get(Registration, registration_id) if isinstance(registration_id, int) else None
    if registration is None:
        raise InvalidLink("this link is not valid; use the latest link we emailed you")
    event = session.get_one(Event, registration.event_id)
    if utcnow() > event.ends_at + LINK_GRACE:
        raise LinkExpired("this link expired after the event ended")
    return registration
