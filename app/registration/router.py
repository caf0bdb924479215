"""The registration API: public registration, the organiser's list and decisions, custom questions.

``page_router`` holds the one public page route of this module: the email-confirmation link.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import JSONResponse, RedirectResponse

from app.core.deps import (
    OptionalPrincipalDep,
    OrganiserDep,
    PrincipalDep,
    SessionDep,
    SettingsDep,
    TransactionRoute,
    WindowDep,
    WritingSessionDep,
    brief,
)
from app.core.fields import Id
from app.core.pagination import Page
from app.core.ratelimit import limit_public_registration
from app.directory.models import OrganisationType
from app.events.dependencies import EventRef, ManagedEvent
from app.registration import questions, service
from app.registration.links import registration_for_token
from app.registration.models import Registration, RegistrationStatus
from app.registration.schemas import (
    QuestionCreate,
    QuestionRead,
    QuestionUpdate,
    RegistrationCreate,
    RegistrationDecision,
    RegistrationRead,
    RegistrationReceipt,
    RegistrationRejection,
    RegistrationUpdate,
)
from app.registration.target import event_to_register_for

router = APIRouter(route_class=TransactionRoute, tags=["registrations"])
page_router = APIRouter(route_class=TransactionRoute, tags=["registrations"], include_in_schema=False)


def managed_registration(registration_id: Id, session: SessionDep, organiser: OrganiserDep) -> Registration:
    registration = service.get_registration(session, registration_id)
    organiser.require_manages(registration.event_id)
    return registration


ManagedRegistration = Annotated[Registration, Depends(managed_registration)]


@router.post(
    "/events/{event_id}/registrations",
    status_code=status.HTTP_201_CREATED,
    response_model=RegistrationRead | RegistrationReceipt,
    summary="Register for an event",
    responses={
        409: {"description": "registration closed, or this email is already registered (its link is sent again)"},
        429: {"description": "too many registrations from this address or for this email; see `Retry-After`"},
    },
)
@brief
def register(
    event_id: EventRef, data: RegistrationCreate, session: SessionDep, principal: OptionalPrincipalDep, request: Request
):
    """Anyone may register while registration is open; the answer is the outcome (`status`,
    `waitlist_position`) and nothing else. With an organiser token the registration is accepted at
    any time and confirmed directly (capacity still applies unless `override_capacity`), and the
    whole registration is returned. Without a token, registrations are rate-limited per client
    address and per email address (429 with `Retry-After`)."""
    if principal is None:
        limit_public_registration(request, data.email)
    event, to_read = event_to_register_for(session, event_id)
    if principal is not None:
        principal.require_manages(event.id)
    registered = service.register(
        session,
        event,
        data,
        by_organiser=principal is not None,
        by=principal.name if principal else None,
        to_read=to_read,
    )
    body: RegistrationRead | RegistrationReceipt
    if principal is not None:
        body = service.read_registration(session, registered.registration)
    else:
        body = RegistrationReceipt(
            id=registered.registration.id,
            status=registered.registration.status,
            waitlist_position=registered.waitlist_position,
        )
    # A ready response: the body is already validated, so FastAPI need not validate it again.
    return JSONResponse(body.model_dump(mode="json"), status_code=status.HTTP_201_CREATED)


@router.get("/events/{event_id}/registrations", response_model=Page[RegistrationRead], summary="List registrations")
def list_registrations(
    event: ManagedEvent,
    session: SessionDep,
    window: WindowDep,
    status: RegistrationStatus | None = None,
    country: Annotated[str | None, Query(max_length=2, description="ISO code, e.g. BE")] = None,
    project: Annotated[str | None, Query(max_length=40, description="project acronym")] = None,
    q: Annotated[str | None, Query(max_length=200, description="part of a name, email or organisation")] = None,
    organisation_type: OrganisationType | None = None,
):
    items, total = service.list_registrations(
        session,
        event,
        window,
        status=status,
        country=country,
        project=project,
        q=q,
        organisation_type=organisation_type,
    )
    return Page(items=service.read_registrations(session, items), total=total)


@router.get("/registrations/{registration_id}", response_model=RegistrationRead, summary="Read a registration")
def read_registration(registration: ManagedRegistration, session: SessionDep):
    return service.read_registration(session, registration)


@router.patch("/registrations/{registration_id}", response_model=RegistrationRead, summary="Change a registration")
def update_registration(
    data: RegistrationUpdate, registration: ManagedRegistration, session: SessionDep, principal: PrincipalDep
):
    return service.read_registration(
        session, service.update_registration(session, registration, data, by=principal.name)
    )


@router.post(
    "/registrations/{registration_id}/cancel", response_model=RegistrationRead, summary="Cancel a registration"
)
def cancel_registration(registration: ManagedRegistration, session: SessionDep, principal: PrincipalDep):
    """Frees the seat; the first person on the waiting list is promoted and told."""
    return service.read_registration(
        session, service.cancel_registration(session, registration, by_organiser=True, by=principal.name)
    )


@router.post(
    "/registrations/{registration_id}/approve", response_model=RegistrationRead, summary="Approve a registration"
)
def approve_registration(registration: ManagedRegistration, session: SessionDep, principal: PrincipalDep):
    return service.read_registration(session, service.approve_registration(session, registration, by=principal.name))


@router.post(
    "/registrations/{registration_id}/reject", response_model=RegistrationRead, summary="Reject a registration"
)
def reject_registration(
    registration: ManagedRegistration,
    session: SessionDep,
    principal: PrincipalDep,
    data: RegistrationRejection | None = None,
):
    """The optional `reason` is told to the person in the rejection email."""
    rejected = service.reject_registration(
        session, registration, reason=data.reason if data else None, by=principal.name
    )
    return service.read_registration(session, rejected)


@router.post(
    "/registrations/{registration_id}/promote",
    response_model=RegistrationRead,
    summary="Move someone from the waiting list by hand",
)
def promote_registration(
    registration: ManagedRegistration,
    session: SessionDep,
    principal: PrincipalDep,
    data: RegistrationDecision | None = None,
):
    """Seats a waiting person out of turn; 409 when the event is full unless `override_capacity`."""
    override = data.override_capacity if data else False
    promoted = service.promote_registration(session, registration, override_capacity=override, by=principal.name)
    return service.read_registration(session, promoted)


# --- custom questions -------------------------------------------------------------------


@router.get("/events/{event_id}/questions", response_model=list[QuestionRead], summary="An event's custom questions")
def list_questions(event: ManagedEvent, session: SessionDep):
    """The questions a registration answers in `answers`, by `key` (the public form shows them too)."""
    return questions.event_questions(session, event)


@router.post(
    "/events/{event_id}/questions",
    status_code=status.HTTP_201_CREATED,
    response_model=QuestionRead,
    summary="Add a custom question",
)
def create_question(data: QuestionCreate, event: ManagedEvent, session: SessionDep):
    return questions.create_question(session, event, data)


@router.patch("/events/{event_id}/questions/{question_id}", response_model=QuestionRead, summary="Change a question")
def update_question(question_id: Id, data: QuestionUpdate, event: ManagedEvent, session: SessionDep):
    return questions.update_question(session, questions.get_question_of_event(session, event, question_id), data)


@router.delete(
    "/events/{event_id}/questions/{question_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a question (answers already given are kept)",
)
def delete_question(question_id: Id, event: ManagedEvent, session: SessionDep):
    questions.delete_question(session, questions.get_question_of_event(session, event, question_id))


# --- the email-confirmation link ----------------------------------------------------------


@page_router.get("/r/{token}/confirm")
def confirm_email(token: str, settings: SettingsDep, session: WritingSessionDep):
    """Following the link in the email confirms the address, then shows the participant's page.

    A GET that writes, because it is a link in an email; confirming twice changes nothing.
    """
    service.confirm_email(session, registration_for_token(session, settings, token))
    return RedirectResponse(f"/r/{token}?done=confirmed", status_code=status.HTTP_303_SEE_OTHER)
