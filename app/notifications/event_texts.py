"""The events' own texts: read, replace, restore the default, and find them for the emails being sent."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session
from sqlmodel import col

from app.core.types import utcnow
from app.notifications.messages import EDITABLE, Message
from app.notifications.models import MessageText, OutboxEmail
from app.notifications.texts import Text, check_text


def _row(session: Session, event_id: int, message: Message) -> MessageText | None:
    return session.execute(
        select(MessageText).where(col(MessageText.event_id) == event_id, col(MessageText.message) == message.value)
    ).scalar_one_or_none()


def event_text(session: Session, event_id: int, message: Message) -> Text | None:
    """The event's own text of ``message``, or None when it uses the default."""
    row = _row(session, event_id, message)
    return Text(row.subject, row.body) if row else None


def customised_messages(session: Session, event_id: int) -> set[Message]:
    rows = session.execute(select(col(MessageText.message)).where(col(MessageText.event_id) == event_id)).scalars()
    return {Message(name) for name in rows}


def set_event_text(session: Session, event_id: int, message: Message, text: Text) -> Text:
    """Check ``text`` (TextProblem, a 422 naming the field and line) and make it the event's."""
    check_text(message, text)
    row = _row(session, event_id, message) or MessageText(event_id=event_id, message=message.value, subject="", body="")
    row.subject, row.body, row.updated_at = text.subject.strip(), text.body, utcnow()
    session.add(row)
    session.flush()
    return Text(row.subject, row.body)


def restore_default(session: Session, event_id: int, message: Message) -> None:
    session.execute(
        delete(MessageText).where(col(MessageText.event_id) == event_id, col(MessageText.message) == message.value)
    )


def texts_for(session: Session, emails: Iterable[OutboxEmail]) -> dict[int, Text]:
    """The events' own texts of the given emails (by email id), in one query; the others use the default."""
    wanted = {
        email.id: (email.context.get("event_id"), email.template)
        for email in emails
        if email.template in {message.value for message in EDITABLE} and email.context.get("event_id")
    }
    if not wanted:
        return {}
    rows = session.execute(
        select(MessageText).where(tuple_(MessageText.event_id, MessageText.message).in_(set(wanted.values())))
    ).scalars()
    by_key = {(row.event_id, row.message): Text(row.subject, row.body) for row in rows}
    return {email_id: by_key[key] for email_id, key in wanted.items() if key in by_key}
