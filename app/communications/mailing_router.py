"""Organiser API for messages to a chosen audience: preview, send (now or at a set time), list, read."""

from __future__ import annotations

from fastapi import APIRouter

from app.communications import mailings
from app.communications.mailing_schemas import (
    Audience,
    MailingDetail,
    MailingPreview,
    MailingRead,
    MailingWrite,
    Recipient,
)
from app.communications.models import Mailing
from app.core.deps import SessionDep, TransactionRoute
from app.events.dependencies import ManagedEvent
from app.notifications.texts import Text

router = APIRouter(route_class=TransactionRoute, tags=["mailings"])


def _read(mailing: Mailing) -> dict:
    return {**mailing.model_dump(exclude={"audience", "event_id"}), "to": Audience.model_validate(mailing.audience)}


@router.post(
    "/events/{event_id}/mailings/preview",
    response_model=MailingPreview,
    summary="Count a mailing's recipients and render it for the first; nothing is written",
)
def preview_mailing(data: MailingWrite, event: ManagedEvent, session: SessionDep):
    return mailings.preview(session, event, Text(data.subject, data.body), data.to)


@router.post(
    "/events/{event_id}/mailings",
    response_model=MailingRead,
    status_code=201,
    summary="Send a message to a chosen audience, now or at a set time",
)
def create_mailing(data: MailingWrite, event: ManagedEvent, session: SessionDep):
    """The body is Markdown with the participants' placeholders (``{{ participant.first_name }}``,
    ``{{ event.title }}``, ``{{ links.manage }}``...), checked like the event's message texts. An
    unknown id in a filter, an empty audience or a ``send_at`` in the past is a 422 naming the field,
    and nothing is written."""
    mailing = mailings.create_mailing(session, event, Text(data.subject, data.body), data.to, data.send_at)
    return _read(mailing)


@router.get("/events/{event_id}/mailings", response_model=list[MailingRead], summary="List the event's mailings")
def list_mailings(event: ManagedEvent, session: SessionDep):
    return [_read(mailing) for mailing in mailings.list_mailings(session, event)]


@router.get(
    "/events/{event_id}/mailings/{mailing_id}",
    response_model=MailingDetail,
    summary="Read a mailing and who received it",
)
def read_mailing(mailing_id: int, event: ManagedEvent, session: SessionDep):
    mailing = mailings.get_mailing(session, event, mailing_id)
    sent_to = [
        Recipient(
            registration_id=row.registration_id,
            email=row.email,
            first_name=person.first_name,
            last_name=person.last_name,
        )
        for row, person in mailings.mailing_recipients(session, mailing)
    ]
    return {**_read(mailing), "sent_to": sent_to}
