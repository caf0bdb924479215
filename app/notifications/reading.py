"""Reading the outbox as the organiser would: what was queued, for whom, and what it says.

Without an SMTP server every email stays queued (nothing is lost); these functions let the
organiser read them (``convene outbox list/show``) and let the worker log them, so a participant's
link can still be reached on a development machine.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement
from sqlmodel import col

from app.core.config import Settings
from app.core.errors import NotFound
from app.core.queue import QueueStatus
from app.notifications.catalogue import RenderedEmail, render_stored
from app.notifications.models import OutboxEmail
from app.notifications.texts import Text

# Adds what the stored context must not hold (e.g. a participant's signed link) at delivery.
ContextExtender = Callable[[Settings, dict], dict]

_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class EmailNotFound(NotFound):
    title = "Email not found"


def render_outbox_email(
    email: OutboxEmail, settings: Settings, extend: ContextExtender | None = None, *, text: Text | None = None
) -> RenderedEmail:
    """The email exactly as the worker would send it, links included (``text``: the event's own,
    from app.notifications.event_texts.texts_for); raises for stored props that its message's
    model refuses (app.notifications.catalogue.render_stored)."""
    extras = {"base_url": settings.base_url, **(extend(settings, email.context) if extend else {})}
    return render_stored(email.template, email.context, extras, text=text)


def links_in(rendered: RenderedEmail) -> list[str]:
    """The addresses the plain-text part shows, in order, each once."""
    return list(dict.fromkeys(_URL.findall(rendered.text)))


def is_development(settings: Settings) -> bool:
    """A base URL on this machine: links may be written to the log, nobody else can open them."""
    return urlsplit(settings.base_url).hostname in _LOOPBACK


def list_outbox(
    session: Session,
    *,
    status: QueueStatus | None = None,
    where: ColumnElement[bool] | None = None,
    after_id: int = 0,
    limit: int = 100,
) -> list[OutboxEmail]:
    """Emails newest first; ``where`` narrows them (to an event's, say), ``after_id`` to newer ones."""
    statement = (
        select(OutboxEmail).where(col(OutboxEmail.id) > after_id).order_by(col(OutboxEmail.id).desc()).limit(limit)
    )
    if status is not None:
        statement = statement.where(col(OutboxEmail.status) == status)
    if where is not None:
        statement = statement.where(where)
    return list(session.execute(statement).scalars())


def get_outbox_email(session: Session, email_id: int) -> OutboxEmail:
    email = session.get(OutboxEmail, email_id)
    if email is None:
        raise EmailNotFound(f"no email {email_id} in the outbox")
    return email
