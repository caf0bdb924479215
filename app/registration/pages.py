"""Registration's public pages: the event page (places left), the form, and the participant's own page.

Server-rendered, working without JavaScript. Every POST carries a CSRF token; a rejected form is
shown again with the person's values and each message next to its field, and nothing is written.
A POST on the participant's page that succeeds answers 303 See Other to the page with ``?done=``
naming the outcome (Post/Redirect/Get), so reloading the browser shows the outcome again rather
than sending the form a second time; so does the registration form, to its thank-you page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.agenda.service import TimeSlot, event_agenda, group_by_time
from app.core.config import Settings
from app.core.csrf import FIELD_NAME, Csrf, CsrfDep, CsrfFailed
from app.core.deps import SessionDep, SettingsDep, TransactionRoute
from app.core.errors import AppError
from app.core.qr import qr_svg
from app.core.templating import render_page
from app.core.timezones import in_zone
from app.directory.models import Organisation, Project
from app.events.models import Event
from app.events.service import get_public_event
from app.registration.agenda_details import session_items
from app.registration.capacity import places_left, waitlist_position
from app.registration.extensions import PageExtensionsDep
from app.registration.form_sections import FormSection, field_labels, posted_values
from app.registration.forms import (
    FIELD_LABELS, ParsedForm, form_choices, form_values, is_bot, parse_registration, parse_update, registration_values,
)
from app.registration.links import participant_token, registration_for_token
from app.registration.models import LIVE_STATUSES, Question, Registration, RegistrationStatus
from app.registration.privacy import erase_registration, personal_data
from app.registration.questions import event_questions
from app.registration.service import (
    RegistrationClosed, cancel_registration, check_window, confirm_email, register, update_registration,
)
from app.registration.terms import registration_terms
from app.registration.workflow import next_step

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)

STATUS_LABELS = {
    RegistrationStatus.pending_confirmation: "waiting for you to confirm your email address",
    RegistrationStatus.pending_approval: "waiting for the organisers' approval",
    RegistrationStatus.confirmed: "confirmed",
    RegistrationStatus.waitlisted: "on the waiting list",
    RegistrationStatus.rejected: "not accepted",
    RegistrationStatus.cancelled: "cancelled",
    RegistrationStatus.expired: "lapsed (the email address was not confirmed in time)",
}
# Personal pages must not be kept by shared caches or the browser's back-forward cache.
PRIVATE = {"Cache-Control": "no-store"}
# What a participant's page says after a POST succeeded, by its ``?done=`` key. Only these keys
# show a message, and the words are ours: nothing from the query string reaches the page.
OUTCOMES = {
    "confirmed": "Thank you: your email address is confirmed.",
    "saved": "Your changes are saved.",
    "cancelled": "Your registration is cancelled.",
}
# Pixels per QR module. The SVG has a fixed size and no viewBox, so CSS cannot enlarge it: at 6 the
# code is about 200 px wide, easy for a door scanner to read from a phone, and still fits a narrow screen.
QR_SCALE = 6


async def posted_form(request: Request) -> FormData:
    return await request.form(max_files=0, max_fields=500)


FormDep = Annotated[FormData, Depends(posted_form)]


@dataclass(frozen=True)
class Availability:
    open: bool
    summary: str


def availability(session: Session, event: Event) -> Availability:
    try:
        check_window(event)
    except RegistrationClosed as closed:
        return Availability(False, closed.detail[:1].upper() + closed.detail[1:] + ".")
    left = places_left(event)
    if left is None:
        return Availability(True, "Registration is open.")
    if left:
        return Availability(True, f"{left} place{'s' if left != 1 else ''} left.")
    return Availability(True, "The event is full; you can still register to join the waiting list.")


def _html(csrf: Csrf, body: str, status: int = 200, *, private: bool = False) -> HTMLResponse:
    return csrf.set_cookie(HTMLResponse(body, status_code=status, headers=PRIVATE if private else None))


def _when(event: Event) -> dict:
    """The event's start and end on its own clock, for the pages that say when it is."""
    return {"starts_at": in_zone(event.starts_at, event.timezone), "ends_at": in_zone(event.ends_at, event.timezone)}


def _days(slots: list[TimeSlot]) -> list[tuple[date, list[TimeSlot]]]:
    # The slots carry only times of day: an agenda of several days needs a heading for each day.
    return [(day, list(day_slots)) for day, day_slots in groupby(slots, key=lambda slot: slot.starts_at.date())]


@router.get("/events/{slug}", response_class=HTMLResponse)
def event_page(slug: str, session: SessionDep, extensions: PageExtensionsDep):
    event = get_public_event(session, slug)
    days = _days(group_by_time(event_agenda(session, event)))
    return render_page("events/event.html", event=event, days=days, signup=availability(session, event),
                       terms=registration_terms(event),
                       extras=session_items(session, event, extensions.agenda_details), **_when(event))


def _form_page(session: Session, csrf: Csrf, event: Event, questions: list[Question],
               sections: Sequence[FormSection[Any]], *, values: dict, errors: dict, status: int = 200,
               form: FormData | None = None) -> HTMLResponse:
    """The form; ``form``, when given, is the post whose choices in the sections' fieldsets are shown again."""
    fieldsets = [fieldset for section in sections for fieldset in section.fieldsets(session, event)]
    if form is not None:
        values = values | posted_values(form, fieldsets)
    body = render_page("registration/register.html", event=event, questions=questions, values=values,
                       errors=errors, choices=form_choices(session), labels=FIELD_LABELS | field_labels(fieldsets),
                       fieldsets=fieldsets, availability=availability(session, event), csrf_token=csrf.token,
                       terms=registration_terms(event))
    return _html(csrf, body, status)


@router.get("/events/{slug}/register", response_class=HTMLResponse)
def registration_form(slug: str, session: SessionDep, csrf: CsrfDep, extensions: PageExtensionsDep):
    event = get_public_event(session, slug)
    values = {"publication": "nobody", "privacy": False}
    return _form_page(session, csrf, event, event_questions(session, event), extensions.form_sections,
                      values=values, errors={})


@router.post("/events/{slug}/register", response_class=HTMLResponse)
def submit_registration(slug: str, session: SessionDep, csrf: CsrfDep, form: FormDep, extensions: PageExtensionsDep):
    sections = extensions.form_sections
    event = get_public_event(session, slug)
    questions = event_questions(session, event)
    try:
        csrf.verify(form.get(FIELD_NAME))
    except CsrfFailed as error:
        return _form_page(session, csrf, event, questions, sections, values=form_values(form, questions),
                          errors={"form": error.detail}, status=error.status, form=form)
    if is_bot(form):
        # Pretend it worked: a bot that sees an error tries again, better that it moves on.
        status = next_step(email_pending=event.email_confirmation, approval_pending=event.requires_approval)
        return _see_submitted(event, status, None)
    parsed = parse_registration(form, questions)
    # Every section checks its fields too, so all the messages come at once; none writes anything yet.
    extras = [(section, section.parse(session, event, form)) for section in sections]
    errors = parsed.errors | {name: message for _, extra in extras for name, message in extra.errors.items()}
    if errors or parsed.data is None:
        return _form_page(session, csrf, event, questions, sections, values=parsed.values, errors=errors,
                          status=422, form=form)
    try:
        registered = register(session, event, parsed.data)
    except AppError as error:
        # Shown again with the message; the refusal rolls back whatever register() began.
        return _form_page(session, csrf, event, questions, sections, values=parsed.values,
                          errors={error.field or "form": error.detail}, status=error.status, form=form)
    for section, extra in extras:
        # In the request's transaction: should a save fail, the registration is rolled back with it.
        section.save(session, registered.registration, extra.data)
    return _see_submitted(event, registered.registration.status, registered.waitlist_position)


def _see_submitted(event: Event, status: RegistrationStatus, position: int | None) -> RedirectResponse:
    """Post/Redirect/Get: reloading the thank-you page must not send the registration again.
    The outcome travels in the query; it is only ever shown to the person who follows it."""
    query = urlencode({"status": status.value} | ({"position": position} if position else {}))
    return RedirectResponse(f"/events/{event.slug}/register/submitted?{query}", status_code=303)


@router.get("/events/{slug}/register/submitted", response_class=HTMLResponse)
def registration_submitted(
    slug: str, session: SessionDep, status: RegistrationStatus, position: Annotated[int | None, Query(ge=1)] = None,
):
    event = get_public_event(session, slug)
    return HTMLResponse(render_page("registration/submitted.html", event=event, status=status.value,
                                    waitlist_position=position if status is RegistrationStatus.waitlisted else None))


# --- the participant's own page --------------------------------------------------------------

def _participant_page(session: Session, settings: Settings, csrf: Csrf, registration: Registration, *,
                      parsed: ParsedForm | None = None, message: str | None = None, status: int = 200) -> HTMLResponse:
    event = session.get(Event, registration.event_id)
    if registration.anonymised_at is not None:
        return _html(csrf, render_page("registration/erased.html", event=event), status, private=True)
    questions = event_questions(session, event)
    organisation = session.get(Organisation, registration.organisation_id) if registration.organisation_id else None
    project = session.get(Project, registration.project_id) if registration.project_id else None
    values = registration_values(registration, organisation, project, questions)
    if parsed is not None:
        values.update(parsed.values, email=registration.email)
    confirmed = registration.status is RegistrationStatus.confirmed
    body = render_page(
        "registration/participant.html", event=event, questions=questions, values=values,
        errors=parsed.errors if parsed else {}, choices=form_choices(session), labels=FIELD_LABELS, message=message,
        status=registration.status.value, status_label=STATUS_LABELS[registration.status],
        live=_open(registration), waitlist_position=waitlist_position(session, registration),
        qr_svg=qr_svg(registration.checkin_code, scale=QR_SCALE) if confirmed else "",
        checkin_code=registration.checkin_code, base=f"/r/{participant_token(settings, registration)}",
        csrf_token=csrf.token, **_when(event),
    )
    return _html(csrf, body, status, private=True)


@router.get("/r/{token}", response_class=HTMLResponse)
def participant_page(token: str, session: SessionDep, settings: SettingsDep, csrf: CsrfDep, done: str | None = None):
    """``done`` names the outcome of the POST that redirected here; an unknown one shows nothing."""
    return _participant_page(session, settings, csrf, registration_for_token(session, settings, token),
                             message=OUTCOMES.get(done or ""))


def _see_outcome(token: str, done: str | None) -> RedirectResponse:
    """The answer to a POST that succeeded: 303 See Other to the participant's page, which says
    what happened (``done``, a key of OUTCOMES; None when the page itself tells)."""
    return RedirectResponse(f"/r/{token}?done={done}" if done else f"/r/{token}", status_code=303, headers=PRIVATE)


def _open(registration: Registration) -> bool:
    """May the participant still change this registration? Not once it is closed or erased."""
    return registration.anonymised_at is None and registration.status in LIVE_STATUSES


def _refused(error: CsrfFailed) -> ParsedForm:
    return ParsedForm(values={}, errors={"form": error.detail})


@router.post("/r/{token}/confirm", response_class=HTMLResponse)
def confirm_from_page(token: str, session: SessionDep, settings: SettingsDep, csrf: CsrfDep, form: FormDep):
    """The button on the page, for those who opened it before following the emailed link."""
    registration = registration_for_token(session, settings, token)
    try:
        csrf.verify(form.get(FIELD_NAME))
    except CsrfFailed as error:
        return _participant_page(session, settings, csrf, registration, parsed=_refused(error), status=error.status)
    if not _open(registration):
        return _participant_page(session, settings, csrf, registration, status=409,
                                 message="This registration is closed; there is nothing to confirm.")
    confirm_email(session, registration)
    return _see_outcome(token, "confirmed")


@router.post("/r/{token}", response_class=HTMLResponse)
def update_details(token: str, session: SessionDep, settings: SettingsDep, csrf: CsrfDep, form: FormDep):
    registration = registration_for_token(session, settings, token)
    if not _open(registration):
        return _participant_page(session, settings, csrf, registration, status=409,
                                 message="This registration can no longer be changed.")
    questions = event_questions(session, session.get(Event, registration.event_id))
    try:
        csrf.verify(form.get(FIELD_NAME))
    except CsrfFailed as error:
        parsed = _refused(error)
        parsed.values = form_values(form, questions)
        return _participant_page(session, settings, csrf, registration, parsed=parsed, status=error.status)
    parsed = parse_update(form, questions)
    if parsed.ok:
        try:
            # A refusal half-way (an unknown project) answers 422, which rolls back what was changed.
            update_registration(session, registration, parsed.data)
        except AppError as error:
            parsed.errors = {error.field or "form": error.detail}
    if parsed.errors or parsed.data is None:
        return _participant_page(session, settings, csrf, registration, parsed=parsed, status=422)
    return _see_outcome(token, "saved")


def _confirm_step(settings: Settings, csrf: Csrf, registration: Registration, event: Event, *, action: str,
                  error: str | None = None, status: int = 200) -> HTMLResponse:
    base = f"/r/{participant_token(settings, registration)}"
    texts = STEPS[action]
    body = render_page("registration/confirm_action.html", event=event, action=f"{base}/{action}", back=base,
                       error=error, csrf_token=csrf.token, **texts)
    return _html(csrf, body, status, private=True)


STEPS = {
    "cancel": {"heading": "Cancel your registration?", "button": "Yes, cancel my registration",
               "explanation": "Your place goes to the next person on the waiting list. This cannot be undone; "
                              "to come after all you would register again."},
    "erase": {"heading": "Erase your data?", "button": "Yes, erase my data",
              "explanation": "Your name, email address and answers are deleted for good; before the event this "
                             "also cancels your registration. You will not be able to use this page afterwards."},
}


ALREADY_CLOSED = "This registration is already cancelled or closed."


def _show_step(session: Session, settings: Settings, csrf: Csrf, token: str, action: str) -> HTMLResponse:
    registration = registration_for_token(session, settings, token)
    if registration.anonymised_at is not None:
        return _participant_page(session, settings, csrf, registration)
    if action == "cancel" and not _open(registration):
        # Asking "Cancel your registration?" of a closed one would only lead to a refusal.
        return _participant_page(session, settings, csrf, registration, message=ALREADY_CLOSED)
    return _confirm_step(settings, csrf, registration, session.get(Event, registration.event_id), action=action)


@router.get("/r/{token}/cancel", response_class=HTMLResponse)
def ask_to_cancel(token: str, session: SessionDep, settings: SettingsDep, csrf: CsrfDep):
    return _show_step(session, settings, csrf, token, "cancel")


@router.get("/r/{token}/erase", response_class=HTMLResponse)
def ask_to_erase(token: str, session: SessionDep, settings: SettingsDep, csrf: CsrfDep):
    return _show_step(session, settings, csrf, token, "erase")


@router.post("/r/{token}/cancel", response_class=HTMLResponse)
def cancel(token: str, session: SessionDep, settings: SettingsDep, csrf: CsrfDep, form: FormDep):
    registration = registration_for_token(session, settings, token)
    try:
        csrf.verify(form.get(FIELD_NAME))
    except CsrfFailed as error:
        return _confirm_step(settings, csrf, registration, session.get(Event, registration.event_id),
                             action="cancel", error=error.detail, status=error.status)
    if not _open(registration):
        return _participant_page(session, settings, csrf, registration, message=ALREADY_CLOSED, status=409)
    cancel_registration(session, registration, by_organiser=False)
    return _see_outcome(token, "cancelled")


@router.post("/r/{token}/erase", response_class=HTMLResponse)
def erase(token: str, session: SessionDep, settings: SettingsDep, csrf: CsrfDep, form: FormDep):
    registration = registration_for_token(session, settings, token)
    try:
        csrf.verify(form.get(FIELD_NAME))
    except CsrfFailed as error:
        return _confirm_step(settings, csrf, registration, session.get(Event, registration.event_id),
                             action="erase", error=error.detail, status=error.status)
    erase_registration(session, registration, by_organiser=False)
    # The registration stays, anonymised, so the link still opens a page (until it expires after the
    # event): the one saying the data is gone. No ``done``: that page says so, and only for an erased one.
    return _see_outcome(token, None)


@router.get("/r/{token}/data.json")
def download_my_data(token: str, session: SessionDep, settings: SettingsDep):
    registration = registration_for_token(session, settings, token)
    return JSONResponse(personal_data(session, registration), headers={
        **PRIVATE, "Content-Disposition": f'attachment; filename="registration-{registration.id}.json"',
    })
