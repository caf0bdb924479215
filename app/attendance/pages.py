"""The door staff's check-in page: works on a phone and without JavaScript.

Staff sign in by pasting their checkin (or organiser) token once; it is kept in an HttpOnly,
SameSite=Strict cookie scoped to this event's check-in pages. Every POST form also carries the
signed CSRF token of app.core.csrf. Searches show names and organisations, never email addresses.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import ValidationError

from app.attendance import service
from app.attendance.schemas import CheckinCreate
from app.core.csrf import CsrfDep
from app.core.deps import SessionDep, SettingsDep, TransactionRoute
from app.core.errors import AppError, Forbidden, Unauthorized
from app.core.fields import Id
from app.core.security import Principal, Role, authenticate
from app.core.templating import render_page
from app.core.timezones import in_zone
from app.events.models import Event
from app.events.service import get_event_by_slug

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)

COOKIE = "convene_checkin"
COOKIE_MAX_AGE = 18 * 3600  # one long event day

FormText = Annotated[str, Form(max_length=200)]
SessionChoice = Annotated[Id | None, Query()]


def _path(event: Event) -> str:
    return f"/events/{event.slug}/checkin"


def _staff(session, event: Event, raw: str | None) -> Principal:
    """The principal behind ``raw``, when it may check people in to ``event``."""
    principal = authenticate(session, raw)
    principal.require_event(event.id, Role.organiser, Role.checkin)
    return principal


def _signed_in(request: Request, session, event: Event) -> Principal | None:
    try:
        return _staff(session, event, request.cookies.get(COOKIE))
    except (Unauthorized, Forbidden):
        return None


def _login(event: Event, csrf, *, error: str | None = None, status: int = 200) -> HTMLResponse:
    page = render_page("attendance/checkin_login.html", event=event, csrf_token=csrf.token, error=error)
    return csrf.set_cookie(HTMLResponse(page, status_code=status))


def checkin_screen(
    session,
    event: Event,
    csrf,
    *,
    path: str,
    sign_out: str,
    back: str | None = None,
    q: str = "",
    session_id: int | None = None,
    notice: dict | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The check-in page at ``path`` (the public one here, or the console's), signing out at ``sign_out``,
    with a link ``back`` to where the staff came from (the console)."""
    choices = service.session_choices(session, event)
    if session_id is not None and session_id not in {item_id for item_id, _, _ in choices}:
        session_id, notice, status = None, {"kind": "error", "text": "that session is not on this event's agenda"}, 404
    checked_in, confirmed = service.checkin_counts(session, event, session_id=session_id)
    results = (
        [
            (attendee, in_zone(at, event.timezone) if at else None)
            for attendee, at in service.search_attendees(session, event, q, session_id=session_id)
        ]
        if q.strip()
        else []
    )
    page = render_page(
        "attendance/checkin.html",
        event=event,
        csrf_token=csrf.token,
        q=q,
        session_id=session_id,
        choices=choices,
        checked_in=checked_in,
        confirmed=confirmed,
        results=results,
        notice=notice,
        path=path,
        sign_out=sign_out,
        back=back,
    )
    return csrf.set_cookie(HTMLResponse(page, status_code=status))


def _page(session, event: Event, csrf, **options) -> HTMLResponse:
    return checkin_screen(session, event, csrf, path=_path(event), sign_out=_path(event) + "/logout", **options)


def record(
    session, event: Event, staff: Principal, settings, *, code: str, registration_id: str, session_id: str, action: str
) -> tuple[dict, int | None, int]:
    """One tap of the check-in page: (the notice to show, the session it was for, the HTTP status)."""
    try:
        data = CheckinCreate(code=code or None, registration_id=registration_id or None, session_id=session_id or None)
    except ValidationError:
        notice = {
            "kind": "error",
            "text": "this is not a check-in code: scan or paste the code from the badge or email",
        }
        return notice, None, 422
    try:
        if action == "undo":
            attendee, removed = service.undo_checkin(session, event, data)
            text = f"{attendee.name}: check-in undone" if removed else f"{attendee.name} was not checked in"
            return {"kind": "done", "text": text}, data.session_id, 200
        result = service.check_in(
            session,
            event,
            data,
            by_token_id=staff.token_id,
            opens_days_before=settings.checkin_opens_days_before,
            organiser=staff.role is not Role.checkin,
        )
        return {"kind": "done" if result.created else "repeat", "text": result.message(event)}, data.session_id, 200
    except AppError as error:
        return {"kind": "error", "text": error.detail}, data.session_id, error.status


@router.get("/events/{slug}/checkin", response_class=HTMLResponse)
def checkin_page(
    slug: str,
    request: Request,
    session: SessionDep,
    csrf: CsrfDep,
    q: Annotated[str, Query(max_length=100)] = "",
    session_id: SessionChoice = None,
):
    event = get_event_by_slug(session, slug)
    if _signed_in(request, session, event) is None:
        return _login(event, csrf)
    return _page(session, event, csrf, q=q, session_id=session_id)


@router.post("/events/{slug}/checkin/login")
def sign_in(
    slug: str, request: Request, session: SessionDep, csrf: CsrfDep, token: FormText = "", csrf_token: FormText = ""
):
    event = get_event_by_slug(session, slug)
    csrf.verify(csrf_token)
    try:
        _staff(session, event, token.strip())
    except (Unauthorized, Forbidden) as error:
        return _login(
            event, csrf, error=f"{error.detail}; paste a checkin or organiser token for this event", status=error.status
        )
    response = RedirectResponse(_path(event), status_code=303)
    response.set_cookie(
        COOKIE,
        token.strip(),
        max_age=COOKIE_MAX_AGE,
        path=_path(event),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/events/{slug}/checkin/logout")
def sign_out(slug: str, session: SessionDep, csrf: CsrfDep, csrf_token: FormText = ""):
    event = get_event_by_slug(session, slug)
    csrf.verify(csrf_token)
    response = RedirectResponse(_path(event), status_code=303)
    response.delete_cookie(COOKIE, path=_path(event), httponly=True, samesite="strict")
    return response


@router.post("/events/{slug}/checkin", response_class=HTMLResponse)
def checkin_submit(
    slug: str,
    request: Request,
    session: SessionDep,
    csrf: CsrfDep,
    settings: SettingsDep,
    code: FormText = "",
    registration_id: FormText = "",
    session_id: FormText = "",
    action: FormText = "checkin",
    q: FormText = "",
    csrf_token: FormText = "",
):
    """One tap: check in (or undo) by pasted code or by the button next to a name."""
    event = get_event_by_slug(session, slug)
    staff = _signed_in(request, session, event)
    if staff is None:
        return _login(event, csrf, error="sign in again: your check-in token is missing or no longer valid", status=401)
    csrf.verify(csrf_token)
    notice, chosen, status = record(
        session,
        event,
        staff,
        settings,
        code=code,
        registration_id=registration_id,
        session_id=session_id,
        action=action,
    )
    return _page(session, event, csrf, q=q, session_id=chosen, notice=notice, status=status)


@router.get("/events/{slug}/checkin/counts")
def live_counts(slug: str, request: Request, session: SessionDep, session_id: SessionChoice = None) -> Response:
    """The counts for the page's optional auto-refresh (the same cookie signs it in)."""
    event = get_event_by_slug(session, slug)
    if _signed_in(request, session, event) is None:
        return JSONResponse({"detail": "sign in first"}, status_code=401)
    checked_in, confirmed = service.checkin_counts(session, event, session_id=session_id)
    return JSONResponse({"checked_in": checked_in, "confirmed": confirmed})
