"""An event's own email texts in the console: the list of messages, and for each the subject and
body with their placeholders, a preview for a sample participant, save and restore the default
(the same services as the API's /messages)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app.communications import service
from app.console.access import ManagedEvent, OrganiserViewer, Viewer
from app.console.screen import FormDep, Screen, ScreenDep
from app.core.deps import SessionDep, TransactionRoute
from app.core.errors import AppError
from app.events.models import Event
from app.notifications.messages import Message
from app.notifications.texts import Text

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)

NAMES = {
    Message.confirm_email: "Confirm your email",
    Message.registered: "Registered",
    Message.waitlisted: "On the waiting list",
    Message.promoted: "A seat came free",
    Message.approved: "Approved",
    Message.rejected: "Not accepted",
    Message.cancelled: "Cancelled",
    Message.expired: "Lapsed (email not confirmed)",
    Message.reminder: "Reminder before the event",
    Message.link_resent: "Link sent again",
    Message.breakout_assigned: "Breakout group assigned",
    Message.breakout_choose: "Choose your breakout groups",
}
LABELS = {"subject": "Subject", "body": "Text"}


def _base(event: Event) -> str:
    return f"/manage/events/{event.slug}/messages"


@router.get("/manage/events/{event_ref}/messages", response_class=HTMLResponse)
def messages_page(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent):
    return screen.render(
        "console/messages.html",
        viewer=viewer,
        event=event,
        texts=service.list_texts(session, event),
        names=NAMES,
        base=_base(event),
    )


def _editor(
    screen: Screen,
    session: Session,
    viewer: Viewer,
    event: Event,
    message: Message,
    *,
    values: dict,
    errors: dict,
    preview=None,
    status: int = 200,
) -> HTMLResponse:
    current = service.read_text(session, event, message)
    return screen.render(
        "console/message.html",
        status=status,
        viewer=viewer,
        event=event,
        message=message,
        message_name=NAMES[message],
        current=current,
        values=values,
        errors=errors,
        labels=LABELS,
        preview=preview or current.preview,
        base=_base(event),
    )


@router.get("/manage/events/{event_ref}/messages/{message}", response_class=HTMLResponse)
def message_page(
    message: Message, screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent
):
    current = service.read_text(session, event, message)
    return _editor(
        screen, session, viewer, event, message, values={"subject": current.subject, "body": current.body}, errors={}
    )


@router.post("/manage/events/{event_ref}/messages/{message}", response_class=HTMLResponse)
def save_message(
    message: Message,
    screen: ScreenDep,
    session: SessionDep,
    viewer: OrganiserViewer,
    event: ManagedEvent,
    form: FormDep,
):
    values = {name: str(form.get(name) or "").replace("\r\n", "\n") for name in ("subject", "body")}
    text = Text(values["subject"].strip(), values["body"])
    try:
        if form.get("action") == "preview":
            preview = service.preview_text(service.editable(message), text)
            return _editor(screen, session, viewer, event, message, values=values, errors={}, preview=preview)
        service.write_text(session, event, message, text)
    except AppError as error:
        return _editor(
            screen,
            session,
            viewer,
            event,
            message,
            values=values,
            errors={error.field or "body": error.detail},
            status=422,
        )
    return screen.redirect(f"{_base(event)}/{message.value}", f"Saved the text of “{NAMES[message]}”.")


@router.post("/manage/events/{event_ref}/messages/{message}/restore")
def restore_message(
    message: Message,
    screen: ScreenDep,
    session: SessionDep,
    viewer: OrganiserViewer,
    event: ManagedEvent,
    form: FormDep,
):
    service.reset_text(session, event, message)
    return screen.redirect(f"{_base(event)}/{message.value}", f"“{NAMES[message]}” uses the default text again.")
