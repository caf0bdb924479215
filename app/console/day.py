"""The day itself in the console: live attendance per session (a page that refreshes itself), the
badges and certificates as PDF downloads, and the check-in page for signed-in staff.

The check-in page is the door staff's page of ``app/attendance/pages.py`` (the same screen and the
same service), here signed in by the console's session instead of a pasted token: check-in staff
accounts land on it from ``/manage``.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

import anyio
from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy.orm import Session

from app.attendance import badges
from app.attendance.pages import SessionChoice, checkin_screen, record
from app.attendance.service import attendance_summary, checkin_counts, session_choices
from app.console.access import DoorEvent, ManagedEvent, OrganiserViewer, ViewerDep
from app.console.screen import PRIVATE, ScreenDep
from app.core.csrf import CsrfDep
from app.core.deps import SessionDep, SettingsDep, TransactionRoute, end_request_transaction
from app.core.errors import AppError
from app.core.timezones import in_zone
from app.core.types import utcnow
from app.events.models import Event

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)

REFRESH_SECONDS = 30
FormText = Annotated[str, Form(max_length=200)]


def _door(event: Event) -> str:
    return f"/manage/events/{event.slug}/checkin"


@router.get("/manage/events/{event_ref}/day", response_class=HTMLResponse)
def day_page(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent):
    summary = attendance_summary(session, event)
    sessions = [
        (item_id, title, starts_at, summary.sessions.get(item_id, 0))
        for item_id, title, starts_at in session_choices(session, event)
    ]
    return screen.render(
        "console/day.html",
        viewer=viewer,
        event=event,
        summary=summary,
        sessions=sessions,
        refresh=REFRESH_SECONDS,
        now=in_zone(utcnow(), event.timezone),
    )


async def _pdf_or_back(request: Request, screen, session: Session, event: Event, page, name: str) -> Response:
    """Read the page's data, end the request's transaction, then print it in a child process (as the API)."""
    try:
        html = await anyio.to_thread.run_sync(page, session)
    except AppError as error:
        return screen.redirect(f"/manage/events/{event.slug}/day", f"No PDF: {error.detail}.", problem=True)
    await end_request_transaction(request)
    body = await anyio.to_thread.run_sync(badges.pdf_isolated, html)
    return Response(
        body, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"', **PRIVATE}
    )


@router.get("/manage/events/{event_ref}/day/badges.pdf")
async def badges_pdf(
    request: Request, screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent
):
    return await _pdf_or_back(
        request, screen, session, event, partial(badges.badges_html, event=event), f"{event.slug}-badges.pdf"
    )


@router.get("/manage/events/{event_ref}/day/certificates.pdf")
async def certificates_pdf(
    request: Request, screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent
):
    return await _pdf_or_back(
        request,
        screen,
        session,
        event,
        partial(badges.certificates_html, event=event),
        f"{event.slug}-certificates.pdf",
    )


@router.get("/manage/events/{event_ref}/checkin", response_class=HTMLResponse)
def door_page(
    session: SessionDep,
    csrf: CsrfDep,
    viewer: ViewerDep,
    event: DoorEvent,
    q: Annotated[str, Query(max_length=100)] = "",
    session_id: SessionChoice = None,
):
    return checkin_screen(
        session, event, csrf, path=_door(event), sign_out="/manage/logout", back="/manage", q=q, session_id=session_id
    )


@router.post("/manage/events/{event_ref}/checkin", response_class=HTMLResponse)
def door_submit(
    session: SessionDep,
    csrf: CsrfDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    event: DoorEvent,
    code: FormText = "",
    registration_id: FormText = "",
    session_id: FormText = "",
    action: FormText = "checkin",
    q: FormText = "",
    csrf_token: FormText = "",
):
    csrf.verify(csrf_token)
    notice, chosen, status = record(
        session,
        event,
        viewer.principal,
        settings,
        code=code,
        registration_id=registration_id,
        session_id=session_id,
        action=action,
    )
    return checkin_screen(
        session,
        event,
        csrf,
        path=_door(event),
        sign_out="/manage/logout",
        back="/manage",
        q=q,
        session_id=chosen,
        notice=notice,
        status=status,
    )


@router.get("/manage/events/{event_ref}/checkin/counts")
def door_counts(session: SessionDep, viewer: ViewerDep, event: DoorEvent, session_id: SessionChoice = None):
    checked_in, confirmed = checkin_counts(session, event, session_id=session_id)
    return JSONResponse({"checked_in": checked_in, "confirmed": confirmed}, headers=PRIVATE)
