"""Organiser API for an event's own message texts: read, replace, preview, restore the default."""

from __future__ import annotations

from fastapi import APIRouter

from app.communications import service
from app.communications.schemas import Preview, TextRead, TextWrite
from app.core.deps import SessionDep, TransactionRoute
from app.events.dependencies import ManagedEvent
from app.notifications.messages import Message
from app.notifications.texts import Text

router = APIRouter(route_class=TransactionRoute, tags=["messages"])


@router.get("/events/{event_id}/messages", response_model=list[TextRead], summary="List the event's message texts")
def list_message_texts(event: ManagedEvent, session: SessionDep):
    """Every message to participants whose text the event may change, with its current text."""
    return service.list_texts(session, event)


@router.get("/events/{event_id}/messages/{message}", response_model=TextRead, summary="Read a message's text")
def read_message_text(message: Message, event: ManagedEvent, session: SessionDep):
    return service.read_text(session, event, message)


@router.put("/events/{event_id}/messages/{message}", response_model=TextRead, summary="Replace a message's text")
def write_message_text(message: Message, data: TextWrite, event: ManagedEvent, session: SessionDep):
    """Markdown with placeholders (``{{ participant.first_name }}``; the read lists them) and
    ``{% if %}``. A text that does not parse, names an unknown placeholder or does not render is a
    422 naming the field (``subject`` or ``body``) and the line."""
    return service.write_text(session, event, message, Text(data.subject, data.body))


@router.post(
    "/events/{event_id}/messages/{message}/preview", response_model=Preview, summary="Preview a text without saving it"
)
def preview_message_text(message: Message, data: TextWrite, event: ManagedEvent):
    return service.preview_text(message, Text(data.subject, data.body))


@router.delete("/events/{event_id}/messages/{message}", response_model=TextRead, summary="Restore the default text")
def restore_message_text(message: Message, event: ManagedEvent, session: SessionDep):
    return service.reset_text(session, event, message)
