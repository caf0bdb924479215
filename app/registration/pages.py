"""The participant's own pages, under their personal link ``/r/{token}``: details, confirmation,
cancellation, erasure and the download of their data.

Server-rendered, working without JavaScript. Every POST carries a CSRF token; a rejected form is
shown again with the person's values and each message next to its field, and nothing is written
(the refusal rolls the request back). A POST that succeeds answers 303 See Other to the page with
``?done=`` naming the outcome (Post/Redirect/Get), so reloading the browser shows the outcome again
rather than sending the form a second time.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from sqlalchemy.orm import Session

from app.core.csrf import FIELD_NAME, Csrf, CsrfDep, CsrfFailed, FormDep
from app.core.deps import SessionDep, SettingsDep, TransactionRoute
from app.core.errors import AppError
from app.core.qr import qr_svg
from app.core.templating import render_page
from app.directory.models import Organisation, Project
from app.events.service import local_times
from app.registration.capacity import waitlist_position
from app.registration.dependencies import Participant, ParticipantDep
from app.registration.forms import (
    FIELD_LABELS,
    ParsedForm,
    form_choices,
    form_values,
    parse_update,
    registration_values,
)
from app.registration.models import LIVE_STATUSES, Registration, RegistrationStatus
from app.registration.privacy import erase_registration, personal_data
from app.registration.questions import event_questions
from app.registration.service import cancel_registration, confirm_email, update_registration
from app.registration.unsubscribe import receives_optional_messages, set_optional_messages

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
    "unsubscribed": "You will no longer receive the organisers' messages.",
    "subscribed": "You will receive the organisers' messages again.",
}
# Pixels per QR module. The SVG has a fixed size and no viewBox, so CSS cannot enlarge it: at 6 the
# code is about 200 px wide, easy for a door scanner to read from a phone, and still fits a narrow screen.
QR_SCALE = 6


def _html(csrf: Csrf, body: str, status: int = 200) -> HTMLResponse:
    return csrf.set_cookie(HTMLResponse(body, status_code=status, headers=PRIVATE))


def _participant_page(
    session: Session,
    csrf: Csrf,
    participant: Participant,
    *,
    parsed: ParsedForm | None = None,
    message: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    registration, event = participant.registration, participant.event
    if registration.anonymised_at is not None:
        return _html(csrf, render_page("registration/erased.html", event=event), status)
    questions = event_questions(session, event)
    organisation = session.get(Organisation, registration.organisation_id) if registration.organisation_id else None
    project = session.get(Project, registration.project_id) if registration.project_id else None
    values = registration_values(registration, organisation, project, questions)
    if parsed is not None:
        values.update(parsed.values, email=registration.email)
    confirmed = registration.status is RegistrationStatus.confirmed
    body = render_page(
        "registration/participant.html",
        event=event,
        questions=questions,
        values=values,
        errors=parsed.errors if parsed else {},
        choices=form_choices(session),
        labels=FIELD_LABELS,
        message=message,
        status=registration.status.value,
        status_label=STATUS_LABELS[registration.status],
        live=_open(registration),
        waitlist_position=waitlist_position(session, registration),
        qr_svg=qr_svg(registration.checkin_code, scale=QR_SCALE) if confirmed else "",
        checkin_code=registration.checkin_code,
        base=participant.base,
        csrf_token=csrf.token,
        optional_messages=receives_optional_messages(registration),
        **local_times(event),
        calendar_url=participant.calendar_url,
        webcal_url=participant.webcal_url,
    )
    return _html(csrf, body, status)


@router.get("/r/{token}", response_class=HTMLResponse)
def participant_page(participant: ParticipantDep, session: SessionDep, csrf: CsrfDep, done: str | None = None):
    """``done`` names the outcome of the POST that redirected here; an unknown one shows nothing."""
    return _participant_page(session, csrf, participant, message=OUTCOMES.get(done or ""))


def _see_outcome(participant: Participant, done: str | None) -> RedirectResponse:
    """The answer to a POST that succeeded: 303 See Other to the participant's page, which says
    what happened (``done``, a key of OUTCOMES; None when the page itself tells)."""
    url = f"{participant.base}?done={done}" if done else participant.base
    return RedirectResponse(url, status_code=303, headers=PRIVATE)


def _open(registration: Registration) -> bool:
    """May the participant still change this registration? Not once it is closed or erased."""
    return registration.anonymised_at is None and registration.status in LIVE_STATUSES


def _refused(error: CsrfFailed) -> ParsedForm:
    return ParsedForm(values={}, errors={"form": error.detail})


@router.post("/r/{token}/confirm", response_class=HTMLResponse)
def confirm_from_page(participant: ParticipantDep, session: SessionDep, csrf: CsrfDep, form: FormDep):
    """The button on the page, for those who opened it before following the emailed link."""
    try:
        csrf.verify(form.get(FIELD_NAME))
    except CsrfFailed as error:
        return _participant_page(session, csrf, participant, parsed=_refused(error), status=error.status)
    if not _open(participant.registration):
        return _participant_page(
            session, csrf, participant, status=409, message="This registration is closed; there is nothing to confirm."
        )
    confirm_email(session, participant.registration)
    return _see_outcome(participant, "confirmed")


@router.post("/r/{token}", response_class=HTMLResponse)
def update_details(participant: ParticipantDep, session: SessionDep, csrf: CsrfDep, form: FormDep):
    if not _open(participant.registration):
        return _participant_page(
            session, csrf, participant, status=409, message="This registration can no longer be changed."
        )
    questions = event_questions(session, participant.event)
    try:
        csrf.verify(form.get(FIELD_NAME))
    except CsrfFailed as error:
        parsed = _refused(error)
        parsed.values = form_values(form, questions)
        return _participant_page(session, csrf, participant, parsed=parsed, status=error.status)
    parsed = parse_update(form, questions)
    if not parsed.errors and parsed.data is not None:  # parsed.ok
        try:
            # A refusal half-way (an unknown project) answers 422, which rolls back what was changed.
            update_registration(session, participant.registration, parsed.data)
        except AppError as error:
            parsed.errors = {error.field or "form": error.detail}
    if parsed.errors or parsed.data is None:
        return _participant_page(session, csrf, participant, parsed=parsed, status=422)
    return _see_outcome(participant, "saved")


@router.post("/r/{token}/messages", response_class=HTMLResponse)
def change_optional_messages(participant: ParticipantDep, session: SessionDep, csrf: CsrfDep, form: FormDep):
    """The page's switch for the organisers' messages (``optional=yes|no``); the emails' own
    unsubscribe link (app.registration.unsubscribe) records the same choice."""
    try:
        csrf.verify(form.get(FIELD_NAME))
    except CsrfFailed as error:
        return _participant_page(session, csrf, participant, parsed=_refused(error), status=error.status)
    wanted = form.get("optional")
    if wanted not in ("yes", "no"):
        return _participant_page(
            session,
            csrf,
            participant,
            status=422,
            parsed=ParsedForm(values={}, errors={"form": "optional: choose yes or no"}),
        )
    set_optional_messages(session, participant.registration, wanted=wanted == "yes")
    return _see_outcome(participant, "subscribed" if wanted == "yes" else "unsubscribed")


STEPS = {
    "cancel": {
        "heading": "Cancel your registration?",
        "button": "Yes, cancel my registration",
        "explanation": "Your place goes to the next person on the waiting list. This cannot be undone; "
        "to come after all you would register again.",
    },
    "erase": {
        "heading": "Erase your data?",
        "button": "Yes, erase my data",
        "explanation": "Your name, email address and answers are deleted for good; before the event this "
        "also cancels your registration. You will not be able to use this page afterwards.",
    },
}
ALREADY_CLOSED = "This registration is already cancelled or closed."


def _confirm_step(
    csrf: Csrf, participant: Participant, *, action: str, error: str | None = None, status: int = 200
) -> HTMLResponse:
    body = render_page(
        "registration/confirm_action.html",
        event=participant.event,
        action=f"{participant.base}/{action}",
        back=participant.base,
        error=error,
        csrf_token=csrf.token,
        **STEPS[action],
    )
    return _html(csrf, body, status)


def _show_step(session: Session, csrf: Csrf, participant: Participant, action: str) -> HTMLResponse:
    if participant.registration.anonymised_at is not None:
        return _participant_page(session, csrf, participant)
    if action == "cancel" and not _open(participant.registration):
        # Asking "Cancel your registration?" of a closed one would only lead to a refusal.
        return _participant_page(session, csrf, participant, message=ALREADY_CLOSED)
    return _confirm_step(csrf, participant, action=action)


@router.get("/r/{token}/cancel", response_class=HTMLResponse)
def ask_to_cancel(participant: ParticipantDep, session: SessionDep, csrf: CsrfDep):
    return _show_step(session, csrf, participant, "cancel")


@router.get("/r/{token}/erase", response_class=HTMLResponse)
def ask_to_erase(participant: ParticipantDep, session: SessionDep, csrf: CsrfDep):
    return _show_step(session, csrf, participant, "erase")


@router.post("/r/{token}/cancel", response_class=HTMLResponse)
def cancel(participant: ParticipantDep, session: SessionDep, csrf: CsrfDep, form: FormDep):
    try:
        csrf.verify(form.get(FIELD_NAME))
    except CsrfFailed as error:
        return _confirm_step(csrf, participant, action="cancel", error=error.detail, status=error.status)
    if not _open(participant.registration):
        return _participant_page(session, csrf, participant, message=ALREADY_CLOSED, status=409)
    cancel_registration(session, participant.registration, by_organiser=False)
    return _see_outcome(participant, "cancelled")


@router.post("/r/{token}/erase", response_class=HTMLResponse)
def erase(participant: ParticipantDep, session: SessionDep, csrf: CsrfDep, form: FormDep):
    try:
        csrf.verify(form.get(FIELD_NAME))
    except CsrfFailed as error:
        return _confirm_step(csrf, participant, action="erase", error=error.detail, status=error.status)
    erase_registration(session, participant.registration, by_organiser=False)
    # The registration stays, anonymised, so the link still opens a page (until it expires after the
    # event): the one saying the data is gone. No ``done``: that page says so, and only for an erased one.
    return _see_outcome(participant, None)


@router.get("/r/{token}/data.json")
def download_my_data(participant: ParticipantDep, session: SessionDep, settings: SettingsDep):
    registration = participant.registration
    return JSONResponse(
        personal_data(session, registration, settings),
        headers={
            **PRIVATE,
            "Content-Disposition": f'attachment; filename="registration-{registration.id}.json"',
        },
    )
