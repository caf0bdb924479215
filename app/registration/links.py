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
from app.core.errors import AppError, Forbidden, NotFound
from app.core.types import utcnow
from app.events.models import Event
from app.registration.models import Registration, RegistrationStatus

SALT = "convene.participant-link"
# How long after the event's end the link still opens the participant's page.
LINK_GRACE = timedelta(days=7)


class InvalidLink(NotFound):
    """A token that was not signed by us (forged, mistyped, truncated) or names no registration."""

    title = "Invalid link"


class LinkExpired(Forbidden):
    title = "Link expired"


class CalendarGone(AppError):
    """A calendar feed whose registration was cancelled, refused, lapsed or erased, or whose event is
    long over: 410 tells calendar applications to stop asking. The reason is not disclosed."""

    status = 410
    title = "Calendar no longer available"


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


# The personal calendar feed has a token of its own (another salt): its address is handed to
# calendar services and may end up shared, so it shows the participant's sessions and opens nothing else.
CALENDAR_SALT = "convene.calendar-feed"
CLOSED_STATUSES = frozenset({RegistrationStatus.cancelled, RegistrationStatus.rejected, RegistrationStatus.expired})


def _calendar_serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.signing_key(), salt=CALENDAR_SALT)


def calendar_feed_url(settings: Settings, registration: Registration) -> str:
    """The https (or http) address of the participant's calendar feed."""
    return f"{settings.base_url}/calendar/{_calendar_serializer(settings).dumps({'c': registration.id})}.ics"


def registration_for_calendar_token(session: Session, settings: Settings, token: str) -> Registration:
    """The registration behind a calendar feed's token: :class:`InvalidLink` (404) for a token we did
    not sign, :class:`CalendarGone` (410) once the registration is closed or erased or the link expired."""
    try:
        payload = _calendar_serializer(settings).loads(token)
    except BadSignature:
        raise InvalidLink("this calendar address is not valid") from None
    registration_id = payload.get("c") if isinstance(payload, dict) else None
    registration = session.get(Registration, registration_id) if isinstance(registration_id, int) else None
    if registration is None:
        raise InvalidLink("this calendar address is not valid")
    event = session.get_one(Event, registration.event_id)
    if (
        registration.anonymised_at is not None
        or registration.status in CLOSED_STATUSES
        or utcnow() > event.ends_at + LINK_GRACE
    ):
        raise CalendarGone("this calendar is no longer available")
    return registration
