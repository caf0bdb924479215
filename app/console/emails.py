"""An event's emails in the console: what was queued, sent or failed, for whom, and why it failed;
a failed email is sent again with one button (after the address or the mail server is fixed)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from app.console.access import ManagedEvent, OrganiserViewer
from app.console.screen import FormDep, ScreenDep
from app.core.deps import SessionDep, TransactionRoute
from app.core.errors import AppError, NotFound
from app.core.queue import QueueStatus
from app.core.timezones import in_zone
from app.notifications.outbox import retry_email
from app.notifications.reading import get_outbox_email
from app.registration.emails import event_emails, is_about_event

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)

SHOWN = 200
STATUS_LABELS = {
    QueueStatus.queued: "Waiting to be sent",
    QueueStatus.running: "Being sent",
    QueueStatus.done: "Sent",
    QueueStatus.failed: "Failed",
}


@router.get("/manage/events/{event_ref}/emails", response_class=HTMLResponse)
def emails_page(
    screen: ScreenDep,
    session: SessionDep,
    viewer: OrganiserViewer,
    event: ManagedEvent,
    status: QueueStatus | None = None,
):
    emails = event_emails(session, event, status=status, limit=SHOWN)
    return screen.render(
        "console/emails.html",
        viewer=viewer,
        event=event,
        emails=emails,
        chosen=status,
        statuses=STATUS_LABELS,
        shown=SHOWN,
        local=lambda moment: in_zone(moment, event.timezone),
    )


@router.post("/manage/events/{event_ref}/emails/{email_id}/retry")
def retry(
    email_id: int, screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent, form: FormDep
):
    back = f"/manage/events/{event.slug}/emails?status=failed"
    email = get_outbox_email(session, email_id)
    if not is_about_event(session, email, event):
        raise NotFound(f"no email {email_id} for this event")
    try:
        retry_email(session, email)
    except AppError as error:
        return screen.redirect(back, error.detail, problem=True)
    return screen.redirect(back, f"The email to {email.to_address} will be sent again by the worker.")
