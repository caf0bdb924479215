"""Unsubscribing from optional messages (the organisers' mailings): the participant's choice, and
the personal link every optional email carries, ``/unsubscribe/{token}``.

The token is signed with the installation secret (itsdangerous, its own salt: it opens this one
page, not the participant's), carries only the registration's id, and is computed at delivery
(:func:`unsubscribe_links`), never stored. It does not expire: an old email's link must still
stop the next one.

A GET only shows the choice (mail scanners follow links); a POST records it. The POST needs no
CSRF token: mail providers send the RFC 8058 one-click POST (``List-Unsubscribe=One-Click``)
without cookies, and the signed token in the address is the proof. Messages about the
registration itself (confirmations, waiting list, cancellation...) are sent whatever the choice.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.csrf import FormDep
from app.core.deps import SessionDep, SettingsDep, TransactionRoute
from app.core.errors import InvalidInput
from app.core.templating import render_page
from app.core.types import utcnow
from app.events.models import Event
from app.registration.links import InvalidLink
from app.registration.models import Registration

SALT = "convene.unsubscribe"
PATH = "/unsubscribe"
# A private page: not kept by caches, its address not told to other sites.
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)


def _serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.signing_key(), salt=SALT)


def unsubscribe_token(settings: Settings, registration_id: int) -> str:
    return _serializer(settings).dumps({"u": registration_id})


def unsubscribe_url(settings: Settings, registration_id: int) -> str:
    return f"{settings.base_url}{PATH}/{unsubscribe_token(settings, registration_id)}"


def unsubscribe_links(settings: Settings, context: dict) -> dict:
    """The unsubscribe link of an email to a participant, added at delivery (never stored); only the
    optional messages show it (app.notifications.catalogue)."""
    registration_id = context.get("registration_id")
    return {"unsubscribe_url": unsubscribe_url(settings, registration_id)} if isinstance(registration_id, int) else {}


def registration_for_unsubscribe_token(session: Session, settings: Settings, token: str) -> Registration:
    """The registration behind ``token``; :class:`InvalidLink` (404) for one we did not sign."""
    try:
        payload = _serializer(settings).loads(token)
    except BadSignature:
        raise InvalidLink("this unsubscribe link is not valid; use the link in the latest email") from None
    registration_id = payload.get("u") if isinstance(payload, dict) else None
    registration = session.get(Registration, registration_id) if isinstance(registration_id, int) else None
    if registration is None:
        raise InvalidLink("this unsubscribe link is not valid; use the link in the latest email")
    return registration


def set_optional_messages(session: Session, registration: Registration, *, wanted: bool) -> None:
    """Record whether the participant receives optional messages; asking twice changes nothing
    (the first opt-out's time stays)."""
    if wanted:
        registration.unsubscribed_at = None
    elif registration.unsubscribed_at is None:
        registration.unsubscribed_at = utcnow()
    session.flush()


def receives_optional_messages(registration: Registration) -> bool:
    return registration.unsubscribed_at is None


# The POST's ``action``: the page's two buttons. A one-click POST (RFC 8058) sends none: it unsubscribes.
ACTIONS = {"unsubscribe": False, "subscribe": True}


def _page(session: Session, registration: Registration, token: str, *, done: str | None = None) -> HTMLResponse:
    event = session.get(Event, registration.event_id)
    html = render_page(
        "registration/unsubscribe.html",
        event=event,
        action=f"{PATH}/{token}",
        done=done,
        subscribed=receives_optional_messages(registration),
        email=None if registration.anonymised_at else registration.email,
    )
    return HTMLResponse(html, headers=PRIVATE)


@router.get(PATH + "/{token}", response_class=HTMLResponse)
def unsubscribe_page(token: str, session: SessionDep, settings: SettingsDep):
    """The choice, with a button; following the link changes nothing."""
    return _page(session, registration_for_unsubscribe_token(session, settings, token), token)


@router.post(PATH + "/{token}", response_class=HTMLResponse)
def change_subscription(token: str, session: SessionDep, settings: SettingsDep, form: FormDep):
    """The page's buttons (``action=unsubscribe|subscribe``) and the mail providers' one-click POST."""
    registration = registration_for_unsubscribe_token(session, settings, token)
    action = form.get("action") or "unsubscribe"
    if action not in ACTIONS:
        raise InvalidInput("action is unsubscribe or subscribe", field="action")
    set_optional_messages(session, registration, wanted=ACTIONS[action])
    return _page(session, registration, token, done=action)
