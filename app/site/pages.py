"""The public event page, the registration form with its breakout choices, and its thank-you page.

Server-rendered, working without JavaScript. The form carries a CSRF token; a refused form is shown
again with the person's values and each message next to its field, and nothing is written (the
refusal rolls the request back). A registration that succeeds answers 303 See Other to the thank-you
page (Post/Redirect/Get), so reloading it registers nothing twice.
"""

from __future__ import annotations

from datetime import date
from itertools import groupby
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.agenda.service import TimeSlot, event_agenda, group_by_time
from app.breakouts.choices import OpenChoice, open_choices
from app.breakouts.on_agenda import groups_on_agenda
from app.core.csrf import FIELD_NAME, Csrf, CsrfDep, CsrfFailed, FormDep
from app.core.deps import SessionDep, TransactionRoute
from app.core.errors import AppError
from app.core.ratelimit import PublicRateLimitDep
from app.core.templating import render_page
from app.events.models import Event
from app.events.service import get_public_event, local_times
from app.registration.availability import availability
from app.registration.forms import FIELD_LABELS, form_choices, form_values, is_bot, parse_registration
from app.registration.models import Question, RegistrationStatus
from app.registration.questions import event_questions
from app.registration.service import register
from app.registration.terms import registration_terms
from app.registration.workflow import next_step
from app.site import breakout_fieldsets

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)


def _days(slots: list[TimeSlot]) -> list[tuple[date, list[TimeSlot]]]:
    # The slots carry only times of day: an agenda of several days needs a heading for each day.
    return [(day, list(day_slots)) for day, day_slots in groupby(slots, key=lambda slot: slot.starts_at.date())]


@router.get("/events/{slug}", response_class=HTMLResponse)
def event_page(slug: str, session: SessionDep):
    event = get_public_event(session, slug)
    days = _days(group_by_time(event_agenda(session, event)))
    return render_page(
        "events/event.html",
        event=event,
        days=days,
        signup=availability(event),
        terms=registration_terms(event),
        groups=groups_on_agenda(session, event),
        **local_times(event),
    )


def _form_page(
    session: Session,
    csrf: Csrf,
    event: Event,
    questions: list[Question],
    choices: list[OpenChoice],
    *,
    values: dict,
    errors: dict,
    status: int = 200,
    form: FormData | None = None,
) -> HTMLResponse:
    """The form; ``form``, when given, is the post whose breakout choices are shown again."""
    fieldsets = breakout_fieldsets.fieldsets(choices)
    if form is not None:
        values = values | breakout_fieldsets.posted_values(form, fieldsets)
    body = render_page(
        "registration/register.html",
        event=event,
        questions=questions,
        values=values,
        errors=errors,
        choices=form_choices(session),
        labels=FIELD_LABELS | breakout_fieldsets.field_labels(fieldsets),
        fieldsets=fieldsets,
        availability=availability(event),
        csrf_token=csrf.token,
        terms=registration_terms(event),
    )
    return csrf.set_cookie(HTMLResponse(body, status_code=status))


@router.get("/events/{slug}/register", response_class=HTMLResponse)
def registration_form(slug: str, session: SessionDep, csrf: CsrfDep):
    event = get_public_event(session, slug)
    return _form_page(
        session,
        csrf,
        event,
        event_questions(session, event),
        open_choices(session, event),
        values={"publication": "nobody", "privacy": False},
        errors={},
    )


@router.post("/events/{slug}/register", response_class=HTMLResponse)
def submit_registration(slug: str, limits: PublicRateLimitDep, session: SessionDep, csrf: CsrfDep, form: FormDep):
    event = get_public_event(session, slug)
    questions = event_questions(session, event)
    choices = open_choices(session, event)
    try:
        csrf.verify(form.get(FIELD_NAME))
    except CsrfFailed as error:
        return _form_page(
            session,
            csrf,
            event,
            questions,
            choices,
            values=form_values(form, questions),
            errors={"form": error.detail},
            status=error.status,
            form=form,
        )
    if is_bot(form):
        # Pretend it worked: a bot that sees an error tries again, better that it moves on.
        status = next_step(email_pending=event.email_confirmation, approval_pending=event.requires_approval)
        return _see_submitted(event, status, None)
    parsed = parse_registration(form, questions)
    # The breakout choices are checked too, so all the messages come at once; nothing is written yet.
    chosen = breakout_fieldsets.parse(session, choices, form)
    errors = parsed.errors | chosen.errors
    if errors or parsed.data is None:
        return _form_page(
            session, csrf, event, questions, choices, values=parsed.values, errors=errors, status=422, form=form
        )
    limits.check_email(parsed.data.email)  # raised, not shown on the form: a plain page saying how long to wait
    try:
        registered = register(session, event, parsed.data)
    except AppError as error:
        return _form_page(
            session,
            csrf,
            event,
            questions,
            choices,
            values=parsed.values,
            errors={error.field or "form": error.detail},
            status=error.status,
            form=form,
        )
    breakout_fieldsets.save(session, registered.registration, chosen.chosen)
    return _see_submitted(event, registered.registration.status, registered.waitlist_position)


def _see_submitted(event: Event, status: RegistrationStatus, position: int | None) -> RedirectResponse:
    """Post/Redirect/Get: reloading the thank-you page must not send the registration again.
    The outcome travels in the query; it is only ever shown to the person who follows it."""
    query = urlencode({"status": status.value} | ({"position": position} if position else {}))
    return RedirectResponse(f"/events/{event.slug}/register/submitted?{query}", status_code=303)


@router.get("/events/{slug}/register/submitted", response_class=HTMLResponse)
def registration_submitted(
    slug: str,
    session: SessionDep,
    status: RegistrationStatus,
    position: Annotated[int | None, Query(ge=1)] = None,
):
    event = get_public_event(session, slug)
    return HTMLResponse(
        render_page(
            "registration/submitted.html",
            event=event,
            status=status.value,
            waitlist_position=position if status is RegistrationStatus.waitlisted else None,
        )
    )
