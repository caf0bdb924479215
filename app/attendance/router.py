"""Check-in API (organiser or checkin role) and attendance figures and PDFs (organiser)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Query, Request, Response, status
from sqlalchemy.orm import Session

from app.attendance import badges, service
from app.attendance.schemas import (
    AttendanceRead,
    Attendee,
    CheckinCreate,
    CheckinRead,
    UndoResult,
)
from app.core.deps import (
    OrganiserDep,
    PrincipalDep,
    SessionDep,
    SettingsDep,
    TransactionRoute,
    end_request_transaction,
)
from app.core.fields import Id
from app.core.security import Role
from app.core.timezones import in_zone
from app.events.dependencies import CheckinEvent, ManagedEvent
from app.events.models import Event

router = APIRouter(route_class=TransactionRoute, tags=["attendance"])

PDF = "application/pdf"
# Printing is refused (409) while there is nothing to print: no confirmed participant, no one checked in.
_PRINTED: dict[int | str, dict[str, Any]] = {200: {"content": {PDF: {}}}, 409: {"description": "nothing to print yet"}}


def _pdf(body: bytes, filename: str) -> Response:
    return Response(body, media_type=PDF, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _read(result: service.CheckinResult, event: Event) -> CheckinRead:
    attendee = result.attendee
    return CheckinRead(
        id=result.checkin_id,
        event_id=event.id,
        registration_id=attendee.registration_id,
        session_id=result.session_id,
        checked_in_at=in_zone(result.checked_in_at, event.timezone),
        already_checked_in=not result.created,
        message=result.message(event),
        attendee=Attendee(
            registration_id=attendee.registration_id,
            first_name=attendee.first_name,
            last_name=attendee.last_name,
            organisation=attendee.organisation,
        ),
    )


@router.post(
    "/events/{event_id}/checkins",
    status_code=status.HTTP_201_CREATED,
    response_model=CheckinRead,
    summary="Check someone in",
    responses={200: {"model": CheckinRead, "description": "already checked in"}},
)
def check_in(
    data: CheckinCreate,
    event: CheckinEvent,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    response: Response,
):
    """Check a confirmed participant in, by `code` (their QR code) or `registration_id`, to the event or to
    one session (`session_id`, which also checks them in to the event). 201 the first time; a repeat is
    200 with `already_checked_in` and a message giving the first time in the event's local time.
    Check-in opens at midnight (the venue's time) the day before the event (`CONVENE_CHECKIN_OPENS_DAYS_BEFORE`)
    and is refused before (409); after the event has ended only organisers may still record attendance."""
    result = service.check_in(
        session,
        event,
        data,
        by_token_id=principal.token_id,
        opens_days_before=settings.checkin_opens_days_before,
        organiser=principal.role is not Role.checkin,
    )
    if not result.created:
        response.status_code = status.HTTP_200_OK
    return _read(result, event)


@router.post("/events/{event_id}/checkins/undo", response_model=UndoResult, summary="Undo a check-in")
def undo_check_in(data: CheckinCreate, event: CheckinEvent, session: SessionDep):
    """Remove a check-in by code or registration id: to one session with `session_id`, else to the event
    (which removes the person's session check-ins too). Undoing twice is harmless (`removed` is 0)."""
    attendee, removed = service.undo_checkin(session, event, data)
    message = f"{attendee.name} is no longer checked in" if removed else f"{attendee.name} was not checked in"
    return UndoResult(removed=removed, message=message)


@router.delete(
    "/events/{event_id}/checkins/{checkin_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove one check-in"
)
def delete_check_in(checkin_id: Id, event: CheckinEvent, session: SessionDep):
    service.delete_checkin(session, event, checkin_id)


@router.get("/events/{event_id}/checkins", response_model=list[Attendee], summary="Find people to check in")
def search_check_ins(
    event: CheckinEvent,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=100, description="words of the name or organisation")] = None,
    session_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
):
    """Confirmed participants (names and organisations only, no email addresses) and when they checked in."""
    return [
        Attendee(
            registration_id=a.registration_id,
            first_name=a.first_name,
            last_name=a.last_name,
            organisation=a.organisation,
            checked_in_at=in_zone(at, event.timezone) if at else None,
        )
        for a, at in service.search_attendees(session, event, q, session_id=session_id)
    ]


@router.get("/events/{event_id}/attendance", response_model=AttendanceRead, summary="Attendance figures")
def read_attendance(event: ManagedEvent, session: SessionDep):
    """Checked in, no-shows and late arrivals (after the start plus the grace period), for the event and
    each agenda session."""
    return service.read_attendance(session, event)


async def _printed(request: Request, session: Session, page: Callable[[Session], str], filename: str) -> Response:
    """Read the page's data, end the request's transaction, then print it in a child process."""
    html = await anyio.to_thread.run_sync(page, session)
    await end_request_transaction(request)
    return _pdf(await anyio.to_thread.run_sync(badges.pdf_isolated, html), filename)


@router.get("/events/{event_id}/badges.pdf", response_class=Response, summary="Name badges (PDF)", responses=_PRINTED)
async def badges_pdf(event: ManagedEvent, session: SessionDep, request: Request):
    """A4 sheets of eight badges (name, organisation, project, country, QR code) for every confirmed participant."""
    return await _printed(request, session, partial(badges.badges_html, event=event), f"{event.slug}-badges.pdf")


@router.get(
    "/events/{event_id}/certificates.pdf",
    response_class=Response,
    summary="Certificates of attendance (PDF)",
    responses=_PRINTED,
)
async def certificates_pdf(event: ManagedEvent, session: SessionDep, request: Request):
    """One page per person checked in to the event."""
    return await _printed(
        request, session, partial(badges.certificates_html, event=event), f"{event.slug}-certificates.pdf"
    )


@router.get(
    "/registrations/{registration_id}/certificate.pdf",
    response_class=Response,
    summary="One certificate of attendance (PDF)",
    responses=_PRINTED,
)
async def certificate_pdf(registration_id: Id, session: SessionDep, organiser: OrganiserDep, request: Request):
    registration, event = await anyio.to_thread.run_sync(service.registration_with_event, session, registration_id)
    organiser.require_manages(event.id)
    return await _printed(
        request,
        session,
        partial(badges.certificates_html, event=event, registration_id=registration.id),
        f"{event.slug}-certificate-{registration.id}.pdf",
    )
