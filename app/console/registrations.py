"""Registrations in the console: the list (search, filters, counts, paging, bulk decisions), a
registration's page (answers, emails, history) and its decisions, editing, adding by hand, export.

Every decision is the registration service's, as in the API; the account's principal names who
made it in the registration's history. A refused decision is undone (a savepoint) and told in
the flash message; the others of a bulk decision still count.
"""

from __future__ import annotations

from math import ceil
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.console.access import ManagedEvent, OrganiserViewer, Viewer
from app.console.screen import FormDep, Screen, ScreenDep, text
from app.core.countries import country_name
from app.core.deps import SessionDep, TransactionRoute
from app.core.errors import AppError, NotFound
from app.core.fields import Id, parse_id
from app.core.pagination import Window
from app.core.timezones import in_zone
from app.directory.models import Organisation, OrganisationType, Project
from app.events.models import Event
from app.registration import service
from app.registration.emails import registration_emails
from app.registration.exports import ExportFormat, export_registrations
from app.registration.forms import FIELD_LABELS, form_choices, parse_registration, parse_update, registration_values
from app.registration.history import CHANGE_LABELS, registration_history
from app.registration.models import Registration, RegistrationStatus
from app.registration.overview import event_figures
from app.registration.questions import event_questions

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)

PAGE_SIZE = 50
STATUS_LABELS = {status: status.value.replace("_", " ").capitalize() for status in RegistrationStatus}


def _base(event: Event) -> str:
    return f"/manage/events/{event.slug}/registrations"


def managed_registration(registration_id: Id, event: ManagedEvent, session: SessionDep) -> Registration:
    """A registration of the managed event (another event's id is not found here)."""
    registration = session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFound(f"no registration with id {registration_id} for this event")
    return registration


ManagedRegistration = Annotated[Registration, Depends(managed_registration)]


@router.get("/manage/events/{event_ref}/registrations", response_class=HTMLResponse)
def registrations_list(
    screen: ScreenDep,
    session: SessionDep,
    viewer: OrganiserViewer,
    event: ManagedEvent,
    q: Annotated[str, Query(max_length=200)] = "",
    status: RegistrationStatus | None = None,
    country: Annotated[str, Query(max_length=2)] = "",
    project: Annotated[str, Query(max_length=40)] = "",
    organisation_type: OrganisationType | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
):
    window = Window(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    items, total = service.list_registrations(
        session,
        event,
        window,
        status=status,
        country=country or None,
        project=project or None,
        q=q or None,
        organisation_type=organisation_type,
    )
    filters = {
        "q": q,
        "status": status.value if status else "",
        "country": country,
        "project": project,
        "organisation_type": organisation_type.value if organisation_type else "",
    }
    query = urlencode({key: value for key, value in filters.items() if value})
    return screen.render(
        "console/registrations.html",
        viewer=viewer,
        event=event,
        rows=service.read_registrations(session, items),
        total=total,
        page=page,
        pages=max(1, ceil(total / PAGE_SIZE)),
        filters=filters,
        query=query,
        figures=event_figures(session, [event])[event.id],
        statuses=STATUS_LABELS,
        choices=form_choices(session),
        base=_base(event),
        local=lambda moment: in_zone(moment, event.timezone),
        country_name=country_name,
    )


@router.get("/manage/events/{event_ref}/registrations/export")
def export(event: ManagedEvent, session: SessionDep, viewer: OrganiserViewer, format: ExportFormat = ExportFormat.csv):
    body, media_type, name = export_registrations(session, event, format)
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


def _decide(session: Session, registration: Registration, action: str, viewer: Viewer, reason: str = "") -> str:
    """Apply one decision in a savepoint; returns what happened, in words. Raises AppError when refused."""
    by = viewer.principal.name
    with session.begin_nested():
        if action == "approve":
            service.approve_registration(session, registration, by=by)
            return "approved"
        if action == "reject":
            service.reject_registration(session, registration, reason=reason, by=by)
            return "rejected" + (" (the reason is in their email)" if reason.strip() else "")
        if action == "cancel":
            service.cancel_registration(session, registration, by_organiser=True, by=by)
            return "cancelled"
        if action == "promote":
            service.promote_registration(session, registration, by=by)
            return f"promoted from the waiting list ({STATUS_LABELS[registration.status].lower()})"
        if action == "resend":
            service.resend_link(session, registration, by=by)
            return "sent their link again"
    raise NotFound(f"no decision called {action!r}")


ACTIONS = ("approve", "reject", "cancel", "promote", "resend")


@router.post("/manage/events/{event_ref}/registrations/bulk")
def bulk_decision(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent, form: FormDep):
    action, back = text(form, "action"), _base(event) + (f"?{text(form, 'query')}" if text(form, "query") else "")
    if action not in ("approve", "reject"):
        return screen.redirect(back, "choose approve or reject for the selected registrations", problem=True)
    ids = [parse_id(value) for value in form.getlist("selected") if isinstance(value, str) and parse_id(value)]
    if not ids:
        return screen.redirect(back, "select at least one registration first", problem=True)
    done, refused = [], []
    for registration_id in ids:
        registration = session.get(Registration, registration_id)
        if registration is None or registration.event_id != event.id:
            refused.append(f"registration {registration_id}: not one of this event's")
            continue
        try:
            _decide(session, registration, action, viewer, text(form, "reason"))
            done.append(registration.full_name)
        except AppError as error:
            refused.append(f"{registration.full_name}: {error.detail}")
    message = (
        f"{'Approved' if action == 'approve' else 'Rejected'} {len(done)} registration{'s' if len(done) != 1 else ''}"
    )
    message += f" ({', '.join(done)})." if done else "."
    if refused:
        message += " Not changed: " + "; ".join(refused) + "."
    return screen.redirect(back, message, problem=bool(refused))


@router.get("/manage/events/{event_ref}/registrations/new", response_class=HTMLResponse)
def new_registration_page(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent):
    return _details_form(screen, session, viewer, event, None, values={"publication": "nobody"}, errors={})


@router.post("/manage/events/{event_ref}/registrations/new", response_class=HTMLResponse)
def add_registration(
    screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent, form: FormDep
):
    questions = event_questions(session, event)
    parsed = parse_registration(form, questions)
    if not parsed.errors and parsed.data is not None:  # parsed.ok
        try:
            with session.begin_nested():
                registered = service.register(session, event, parsed.data, by_organiser=True, by=viewer.principal.name)
        except service.AlreadyRegistered:
            parsed.errors["email"] = "this email address is already registered for this event"
        except AppError as error:
            parsed.errors[error.field or "form"] = error.detail
        else:
            registration = registered.registration
            return screen.redirect(
                f"{_base(event)}/{registration.id}",
                f"Added {registration.full_name}: {STATUS_LABELS[registration.status].lower()}.",
            )
    return _details_form(screen, session, viewer, event, None, values=parsed.values, errors=parsed.errors, status=422)


def _details_form(
    screen: Screen,
    session: Session,
    viewer: Viewer,
    event: Event,
    registration: Registration | None,
    *,
    values: dict,
    errors: dict,
    status: int = 200,
) -> HTMLResponse:
    return screen.render(
        "console/registration_form.html",
        status=status,
        viewer=viewer,
        event=event,
        registration=registration,
        questions=event_questions(session, event),
        values=values,
        errors=errors,
        labels=FIELD_LABELS,
        choices=form_choices(session),
        base=_base(event),
    )


@router.get("/manage/events/{event_ref}/registrations/{registration_id}", response_class=HTMLResponse)
def registration_page(
    screen: ScreenDep,
    session: SessionDep,
    viewer: OrganiserViewer,
    event: ManagedEvent,
    registration: ManagedRegistration,
):
    return screen.render(
        "console/registration.html",
        viewer=viewer,
        event=event,
        registration=registration,
        read=service.read_registration(session, registration),
        questions=event_questions(session, event),
        emails=registration_emails(session, registration),
        history=registration_history(session, registration.id),
        statuses=STATUS_LABELS,
        change_labels=CHANGE_LABELS,
        base=_base(event),
        country_name=country_name,
        local=lambda moment: in_zone(moment, event.timezone),
    )


@router.get("/manage/events/{event_ref}/registrations/{registration_id}/edit", response_class=HTMLResponse)
def edit_page(
    screen: ScreenDep,
    session: SessionDep,
    viewer: OrganiserViewer,
    event: ManagedEvent,
    registration: ManagedRegistration,
):
    organisation = session.get(Organisation, registration.organisation_id) if registration.organisation_id else None
    project = session.get(Project, registration.project_id) if registration.project_id else None
    values = registration_values(registration, organisation, project, event_questions(session, event))
    return _details_form(screen, session, viewer, event, registration, values=values, errors={})


@router.post("/manage/events/{event_ref}/registrations/{registration_id}/edit", response_class=HTMLResponse)
def edit(
    screen: ScreenDep,
    session: SessionDep,
    viewer: OrganiserViewer,
    event: ManagedEvent,
    registration: ManagedRegistration,
    form: FormDep,
):
    parsed = parse_update(form, event_questions(session, event))
    if not parsed.errors and parsed.data is not None:  # parsed.ok
        try:
            with session.begin_nested():
                service.update_registration(session, registration, parsed.data, by=viewer.principal.name)
        except AppError as error:
            parsed.errors[error.field or "form"] = error.detail
        else:
            return screen.redirect(
                f"{_base(event)}/{registration.id}", f"Saved the details of {registration.full_name}."
            )
    parsed.values["email"] = registration.email
    return _details_form(
        screen, session, viewer, event, registration, values=parsed.values, errors=parsed.errors, status=422
    )


# Last: its {action} would otherwise take the edit form's address.
@router.post("/manage/events/{event_ref}/registrations/{registration_id}/{action}")
def decide(
    action: str,
    screen: ScreenDep,
    session: SessionDep,
    viewer: OrganiserViewer,
    event: ManagedEvent,
    registration: ManagedRegistration,
    form: FormDep,
):
    if action not in ACTIONS:
        raise NotFound(f"no decision called {action!r}")
    page = f"{_base(event)}/{registration.id}"
    try:
        outcome = _decide(session, registration, action, viewer, text(form, "reason"))
    except AppError as error:
        return screen.redirect(page, f"{registration.full_name} was not changed: {error.detail}.", problem=True)
    return screen.redirect(page, f"{registration.full_name}: {outcome}.")
