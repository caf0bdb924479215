"""The message texts of an event as organisers see them: the current text, its placeholders and a
preview for a sample participant (app.notifications has the rules)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.communications.schemas import Preview, TextRead
from app.core.errors import NotFound
from app.events.models import Event
from app.notifications.event_texts import customised_messages, event_text, restore_default, set_event_text
from app.notifications.messages import EDITABLE, SAMPLE_LINKS, Message, sample_props
from app.notifications.texts import Text, check_text, default_text, placeholder_names, render_text


class NoSuchText(NotFound):
    title = "Message not found"


def editable(message: Message) -> Message:
    if message not in EDITABLE:
        raise NoSuchText(
            f"the text of {message.value} cannot be changed per event; these can: "
            f"{', '.join(m.value for m in EDITABLE)}"
        )
    return message


def preview(message: Message, text: Text) -> Preview:
    rendered = render_text(text, sample_props(message), SAMPLE_LINKS)
    return Preview(subject=rendered.subject, text=rendered.text, html=rendered.html)


def _read(message: Message, text: Text | None) -> TextRead:
    shown = text or default_text(message)
    return TextRead(
        message=message,
        subject=shown.subject,
        body=shown.body,
        customised=text is not None,
        placeholders=placeholder_names(message),
        preview=preview(message, shown),
    )


def read_text(session: Session, event: Event, message: Message) -> TextRead:
    return _read(editable(message), event_text(session, event.id, message))


def list_texts(session: Session, event: Event) -> list[TextRead]:
    own = customised_messages(session, event.id)
    return [_read(message, event_text(session, event.id, message) if message in own else None) for message in EDITABLE]


def write_text(session: Session, event: Event, message: Message, text: Text) -> TextRead:
    return _read(message, set_event_text(session, event.id, editable(message), text))


def preview_text(message: Message, text: Text) -> Preview:
    check_text(editable(message), text)
    return preview(message, text)


def reset_text(session: Session, event: Event, message: Message) -> TextRead:
    restore_default(session, event.id, editable(message))
    return _read(message, None)
