"""A participant's breakout page, ``/r/{token}/breakouts``: rank the groups while choices are open
(plain select boxes, no JavaScript needed), and see the group once the organisers have assigned it."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from app.breakouts.calendar_feed import personal_calendar
from app.breakouts.choices import ordinal, ranked_choices
from app.breakouts.service import get_breakout_session, participant_breakouts, session_settings, set_preferences
from app.core.csrf import FIELD_NAME, Csrf, CsrfDep, FormDep
from app.core.deps import SessionDep, SettingsDep, TransactionRoute
from app.core.errors import AppError, InvalidInput
from app.core.fields import parse_id
from app.core.templating import render_page
from app.core.timezones import in_zone
from app.events.models import Event
from app.registration.dependencies import Participant, ParticipantDep
from app.registration.links import registration_for_calendar_token

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)


def _render(
    session: Session,
    participant: Participant,
    csrf: Csrf,
    *,
    saved: int | None = None,
    errors: dict[int, str] | None = None,
    submitted: dict[int, list[str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    event, registration = participant.event, participant.registration
    views = participant_breakouts(session, event, registration)
    html = render_page(
        "breakouts/choices.html",
        event=event,
        registration=registration,
        token=participant.token,
        views=views,
        csrf_field=FIELD_NAME,
        csrf_token=csrf.token,
        ordinal=ordinal,
        saved=saved,
        errors=errors or {},
        submitted=submitted or {},
        local=lambda value: in_zone(value, event.timezone),
    )
    return csrf.set_cookie(HTMLResponse(html, status_code=status_code))


@router.get("/r/{token}/breakouts", response_class=HTMLResponse)
def breakout_page(participant: ParticipantDep, session: SessionDep, csrf: CsrfDep, saved: int | None = None):
    return _render(session, participant, csrf, saved=saved)


def _submitted(form, max_preferences: int) -> list[str]:
    """The boxes "1st choice", "2nd choice"... as sent, blank or not."""
    return [str(form.get(f"choice_{rank}", "")) for rank in range(1, max_preferences + 1)]


@router.post("/r/{token}/breakouts", response_class=HTMLResponse)
def save_choices(participant: ParticipantDep, session: SessionDep, csrf: CsrfDep, form: FormDep):
    csrf.verify(form.get(FIELD_NAME))
    event, registration = participant.event, participant.registration
    session_id = parse_id(str(form.get("session_id", "")))
    if session_id is None:
        raise InvalidInput("the form does not say which breakout session it is for", field="session_id")
    item = get_breakout_session(session, event, session_id)
    submitted = _submitted(form, session_settings(session, item).max_preferences)
    try:
        # Every check comes before the first write, so a refused choice leaves the old one in place.
        set_preferences(session, item, registration, ranked_choices(submitted), by_participant=True)
    except AppError as error:
        return _render(
            session,
            participant,
            csrf,
            errors={item.id: error.detail},
            submitted={item.id: submitted},
            status_code=error.status,
        )
    return RedirectResponse(
        f"{participant.base}/breakouts?saved={item.id}#session-{item.id}", status_code=status.HTTP_303_SEE_OTHER
    )


@router.get("/calendar/{token}.ics")
def calendar_feed(token: str, session: SessionDep, settings: SettingsDep):
    """The participant's calendar feed (app.breakouts.calendar_feed): 404 for an address we did not
    sign, 410 once the registration is closed or erased; nothing else is said about either."""
    registration = registration_for_calendar_token(session, settings, token)
    event = session.get_one(Event, registration.event_id)
    body = personal_calendar(session, event, registration, host=urlsplit(settings.base_url).hostname or "convene")
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Cache-Control": "private, no-store",
            "Content-Disposition": f'inline; filename="{event.slug}.ics"',
        },
    )
