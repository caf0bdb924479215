"""Webhooks in the console: list, add (the secret shown once, on the answering page), delete, and
the recent deliveries with their outcome. The rules are app.webhooks.service's, as for the API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.console.access import OrganiserViewer, Viewer
from app.console.screen import FormDep, Screen, ScreenDep, text
from app.core.deps import SessionDep, SettingsDep, TransactionRoute
from app.core.errors import AppError
from app.core.fields import Id, parse_id
from app.events.service import events_upcoming_first
from app.webhooks import service
from app.webhooks.schemas import EventType, WebhookCreate

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)

LABELS = {"url": "URL", "events": "Changes", "event_id": "Event"}


def _page(
    screen: Screen,
    session: Session,
    viewer: Viewer,
    *,
    values: dict,
    errors: dict,
    secret: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    events = events_upcoming_first(session, only_ids=viewer.principal.event_ids)
    return screen.render(
        "console/webhooks.html",
        status=status,
        viewer=viewer,
        hooks=service.list_webhooks(session, viewer.principal),
        deliveries=service.recent_deliveries(session, viewer.principal),
        types=[(kind.value, kind.value) for kind in EventType],
        events=[(str(event.id), event.title) for event in events],
        values=values,
        errors=errors,
        secret=secret,
        labels=LABELS,
    )


@router.get("/manage/webhooks", response_class=HTMLResponse)
def webhooks_page(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer):
    return _page(screen, session, viewer, values={}, errors={})


@router.post("/manage/webhooks", response_class=HTMLResponse)
def add_webhook(screen: ScreenDep, session: SessionDep, settings: SettingsDep, viewer: OrganiserViewer, form: FormDep):
    values: dict[str, Any] = {
        "url": text(form, "url"),
        "events": form.getlist("events"),
        "event_id": text(form, "event_id"),
    }
    errors = {}
    event_id = parse_id(values["event_id"])
    if values["event_id"] and event_id is None:
        errors["event_id"] = "choose an event from the list"
    if not errors:
        try:
            data = WebhookCreate(url=values["url"], events=values["events"], event_id=event_id)
            with session.begin_nested():
                _, secret = service.create_webhook(
                    session, data, viewer.principal, allow_private=settings.webhooks_allow_private
                )
        except ValidationError as error:
            errors = {str(problem["loc"][0]): problem["msg"] for problem in error.errors()}
        except AppError as error:
            errors[error.field or "event_id"] = error.detail
        else:
            # Answered with a page, not a redirect: the secret is shown this once and goes nowhere else.
            return _page(screen, session, viewer, values={}, errors={}, secret=secret, status=201)
    return _page(screen, session, viewer, values=values, errors=errors, status=422)


@router.post("/manage/webhooks/{webhook_id}/delete")
def delete_webhook(webhook_id: Id, screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, form: FormDep):
    service.delete_webhook(session, viewer.principal, webhook_id)
    return screen.redirect("/manage/webhooks", "Deleted the webhook: nothing more is sent to it.")
