"""Registration services: register, confirm, approve, reject, cancel, promote; reading and listing.

Status changes go through the transition table of ``workflow.py``; every change of seats holds
the event's lock (``capacity.py``); every email is queued in the same transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col

from app.core.db import keep_after_rollback
from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.core.pagination import Window, paginate
from app.core.timezones import in_zone
from app.core.types import utcnow
from app.directory.models import Organisation, OrganisationType, Project
from app.directory.service import find_organisation, get_or_create_organisation, project_by_acronym
from app.events.models import Event
from app.notifications.messages import Message
from app.registration import admission, capacity
from app.registration.admission import Seat
from app.registration.capacity import waitlist_position
from app.registration.emails import notify, registration_fields
from app.registration.history import Change, record
from app.registration.models import LIVE_STATUSES, SEAT_STATUSES, Publication, Registration, RegistrationStatus
from app.registration.questions import event_questions, validate_answers
from app.registration.schemas import RegistrationCreate, RegistrationRead, RegistrationUpdate
from app.registration.target import READ_ALL, ToRead
from app.registration.workflow import Action, transition
from app.webhooks.schemas import EventType
from app.webhooks.service import emit, interested_hooks, queue_deliveries

PRIVACY_WORDING_VERSION = "2026-11"
# Duplicate attempts resend the link at most once per this period (a flood sends one email).
RESEND_PERIOD_SECONDS = 15 * 60


class RegistrationClosed(Conflict):
    title = "Registration closed"


class AlreadyRegistered(Conflict):
    """The email already has a live registration for this event; its link is sent again (the one
    change kept when the refused transaction is rolled back)."""

    title = "Already registered"


class EventFull(Conflict):
    title = "Event full"


def new_checkin_code() -> str:
    return secrets.token_urlsafe(18)


def _local(event: Event, moment: datetime) -> str:
    return f"{in_zone(moment, event.timezone):%d %B %Y %H:%M} ({event.timezone})"


def check_window(event: Event, now: datetime | None = None) -> None:
    """Raise RegistrationClosed outside the event's registration window (it closes at the event's end
    unless it closes earlier)."""
    now = now or utcnow()
    if event.registration_opens_at and now < event.registration_opens_at:
        raise RegistrationClosed(f"registration for this event opens on {_local(event, event.registration_opens_at)}")
    closes = event.registration_closes_at or event.ends_at
    if now >= closes:
        raise RegistrationClosed(f"registration for this event closed on {_local(event, closes)}")


def _organisation_id(
    session: Session, name: str | None, type: OrganisationType | None, country: str | None
) -> int | None:
    if not name:
        return None
    known = find_organisation(session, name)
    if known is not None:
        if type is not None and known.type is OrganisationType.other:  # as the directory does: learn, never overwrite
            known.type = type
        return known.id
    try:
        # A savepoint: two first registrations from a new organisation may race to create it.
        with session.begin_nested():
            return get_or_create_organisation(session, name, type=type, country=country).id
    except IntegrityError:
        winner = find_organisation(session, name)
        assert winner is not None, "the registration that won the race created it"
        return winner.id


@dataclass(frozen=True)
class Registered:
    """A new registration and, when it waits, its place on the waiting list (1 for the first)."""

    registration: Registration
    waitlist_position: int | None


def register(
    session: Session,
    event: Event,
    data: RegistrationCreate,
    *,
    by_organiser: bool = False,
    by: str | None = None,
    to_read: ToRead = READ_ALL,
) -> Registered:
    """Register someone for ``event``: a seat (through the steps the event asks for) or the waiting list.
    ``by`` names the organiser who entered it, for the history (None: the person, on the form).
    ``to_read`` says whether the event's questions and webhooks need reading (target.py): a caller
    that read the event with ``event_to_register_for`` knows.

    An organiser's registration is accepted outside the window and skips email confirmation and
    approval; capacity still applies unless ``data.override_capacity``. The waiting-list position
    comes from the event's counters, not from another query.
    """
    if data.override_capacity and not by_organiser:
        raise Forbidden("only organisers may override the capacity", field="override_capacity")
    if not by_organiser:
        if not event.published:  # a draft takes no registrations, and does not say it exists
            raise NotFound(f"no event with id {event.id}")
        check_window(event)
    # Everything that does not depend on seats is done before taking the lock.
    answers = validate_answers(event_questions(session, event) if to_read.questions else [], data.answers)
    project_id = project_by_acronym(session, data.project).id if data.project else None
    organisation_id = _organisation_id(session, data.organisation, data.organisation_type, data.country)
    now = utcnow()
    # Built before the lock too (the model's construction is not free), with what a seat would
    # change in it and its email's context; its status and rank are set once the counters decide.
    registration = Registration(
        event_id=event.id,
        first_name=data.first_name,
        last_name=data.last_name,
        email=data.email.lower(),
        organisation_id=organisation_id,
        country=data.country,
        project_id=project_id,
        status=RegistrationStatus.waitlisted,
        publication=data.consents.publication,
        answers=answers,
        privacy_consented_at=now,
        privacy_wording_version=PRIVACY_WORDING_VERSION,
        checkin_code=new_checkin_code(),
        created_at=now,
        updated_at=now,
        email_confirmed_at=now if by_organiser else None,
        approved_at=now if by_organiser else None,
    )

    seat = Seat.for_(event, registration, now)
    context = registration_fields(event, registration)
    hooks = interested_hooks(session, event.id, EventType.registration_created) if to_read.hooks else []
    # Locked from here to the commit: count the newcomer, insert, queue the email, record (admission.py).
    newcomer = admission.Newcomer(registration, seat, context, by)
    admitted = admission.admit(session, event, newcomer, override=by_organiser and data.override_capacity)
    if not admitted.inserted:
        _refuse_duplicate(session, event, registration, admitted.seated, now, by_organiser=by_organiser)
    if hooks:
        queue_deliveries(
            session, hooks, event.id, EventType.registration_created, _hook_payload(registration, Change.registered)
        )
    if admitted.seats.promotable():
        _promote_waiting(session, event, admitted.seats)
    return Registered(registration, admitted.waitlist_position)


def _refuse_duplicate(
    session: Session, event: Event, newcomer: Registration, seated: bool, now: datetime, *, by_organiser: bool
) -> None:
    """The email is already registered: take the newcomer off the counters, send the existing
    registration's link again (the person's own attempt only), and say so."""
    capacity.move(session, event, held=-int(seated), waiting=-int(not seated))
    existing = session.execute(
        select(Registration).where(
            col(Registration.event_id) == event.id,
            col(Registration.email) == newcomer.email,
            col(Registration.status).in_(LIVE_STATUSES),
        )
    ).scalar_one()
    if by_organiser:  # an organiser (an import, say) is told; the person is not emailed
        raise AlreadyRegistered("this email address is already registered for this event", field="email")
    # The refusal rolls the request back; the re-sent link is stored all the same.
    keep_after_rollback(session, partial(_resend_link, event_id=event.id, registration_id=existing.id, now=now))
    raise AlreadyRegistered(
        "this email address is already registered for this event; we have sent your link again to that address",
        field="email",
    )


def _take_seat(event: Event, registration: Registration, now: datetime) -> None:
    """Seat a waiting registration; the caller counts the move."""
    Seat.for_(event, registration, now).apply(registration)


def _resend_link(session: Session, *, event_id: int, registration_id: int, now: datetime) -> None:
    event, registration = session.get_one(Event, event_id), session.get_one(Registration, registration_id)
    period = int(now.timestamp()) // RESEND_PERIOD_SECONDS
    notify(
        session,
        event,
        registration,
        Message.link_resent,
        dedup_key=f"link_resent:{registration.id}:{period}",
        waitlist_position=waitlist_position(session, registration),
    )


def resend_link(session: Session, registration: Registration, *, by: str | None = None) -> Registration:
    """Send the participant their link again (an organiser's button; at most once per quarter hour)."""
    _resend_link(session, event_id=registration.event_id, registration_id=registration.id, now=utcnow())
    record(session, registration.id, registration.status.value, Change.link_resent, by=by)
    return registration


def _tell_webhooks(session: Session, registration: Registration, change: Change) -> None:
    """Queue a change of status for the event's webhooks, in this transaction (app.webhooks)."""
    kind = EventType.registration_status_changed
    emit(session, registration.event_id, kind, _hook_payload(registration, change))


def _hook_payload(registration: Registration, change: Change) -> dict:
    return {"registration_id": registration.id, "status": registration.status.value, "change": change.value}


def _promote_waiting(session: Session, event: Event, seats: capacity.Seats) -> list[Registration]:
    """Give every free seat to the first people waiting (the caller holds the event's lock and
    passes the counters as they are)."""
    promoted = capacity.first_waiting(session, event, seats.promotable())
    now = utcnow()
    for registration in promoted:
        _take_seat(event, registration, now)
        registration.updated_at = now
        notify(
            session,
            event,
            registration,
            Message.promoted,
            dedup_key=f"promoted:{registration.id}:{registration.status.value}",
        )
        record(session, registration.id, registration.status.value, Change.seat_came_free)
        _tell_webhooks(session, registration, Change.seat_came_free)
    if promoted:
        capacity.move(session, event, held=len(promoted), waiting=-len(promoted))
    session.flush()
    return promoted


def _locked(session: Session, registration: Registration) -> tuple[Event, capacity.Seats]:
    """Take the event's lock before changing a registration's status, then read the registration
    again: a change that committed while we waited (a second click, the expiry job) is seen, so
    the counters are moved from the status it really has."""
    event = _event_of(session, registration)
    seats = capacity.lock(session, event)
    session.refresh(registration)
    return event, seats


_LEAVING = {Action.cancel: Change.cancelled, Action.reject: Change.rejected, Action.expire: Change.expired}


def _leave(
    session: Session,
    registration: Registration,
    action: Action,
    message: Message,
    *,
    by: str | None = None,
    reason: str | None = None,
    **details: bool,
) -> Registration:
    """Cancel or reject (or expire): the registration leaves; a seat it held goes to the first waiting."""
    event, _ = _locked(session, registration)
    before = registration.status
    registration.status = transition(before, action)
    registration.waitlist_rank = None
    registration.expires_at = None
    registration.updated_at = utcnow()
    if action is Action.cancel:
        registration.cancelled_at = registration.updated_at
    session.flush()
    seats = capacity.change(session, event, before, registration.status)
    props: dict[str, Any] = {**details, **({"reason": reason} if action is Action.reject else {})}
    notify(session, event, registration, message, dedup_key=f"{message.value}:{registration.id}", **props)
    record(
        session,
        registration.id,
        registration.status.value,
        _LEAVING[action],
        by=by,
        **({"reason": reason} if reason else {}),
    )
    _tell_webhooks(session, registration, _LEAVING[action])
    if before in SEAT_STATUSES:
        assert seats is not None, "a seat was given up, so the counters moved"
        _promote_waiting(session, event, seats)
    return registration


def _event_of(session: Session, registration: Registration) -> Event:
    return session.get_one(Event, registration.event_id)


def cancel_registration(
    session: Session, registration: Registration, *, by_organiser: bool, by: str | None = None
) -> Registration:
    """Withdraw a registration (the participant's own choice or the organiser's); frees its seat."""
    return _leave(session, registration, Action.cancel, Message.cancelled, by=by, by_organiser=by_organiser)


MAX_REASON_LENGTH = 1000


def reject_registration(
    session: Session, registration: Registration, *, reason: str | None = None, by: str | None = None
) -> Registration:
    """Refuse a registration; ``reason``, when given, is told to the person in the email."""
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput(f"the reason may have at most {MAX_REASON_LENGTH} characters", field="reason")
    return _leave(session, registration, Action.reject, Message.rejected, by=by, reason=reason)


def expire_registration(session: Session, registration: Registration) -> Registration:
    """An email not confirmed in time: the registration lapses (told by email) and frees its seat."""
    return _leave(session, registration, Action.expire, Message.expired)


def confirm_email(session: Session, registration: Registration) -> Registration:
    """The participant followed the link: the address is proven; a held seat moves to its next step."""
    event, _ = _locked(session, registration)  # seat to seat: no count moves, but no lost update either
    before = registration.status
    now = utcnow()
    registration.status = transition(
        before, Action.confirm_email, approval_pending=event.requires_approval and registration.approved_at is None
    )
    if registration.email_confirmed_at is None:
        registration.email_confirmed_at = now
        registration.updated_at = now
    if before is RegistrationStatus.pending_confirmation:
        registration.expires_at = None
        if registration.status is RegistrationStatus.confirmed:
            registration.confirmed_at = now
        session.flush()
        notify(session, event, registration, Message.registered, dedup_key=f"registered:{registration.id}")
        record(session, registration.id, registration.status.value, Change.email_confirmed)
        _tell_webhooks(session, registration, Change.email_confirmed)
    return registration


def approve_registration(session: Session, registration: Registration, *, by: str | None = None) -> Registration:
    event, _ = _locked(session, registration)
    registration.status = transition(registration.status, Action.approve)
    registration.approved_at = registration.confirmed_at = registration.updated_at = utcnow()
    session.flush()
    notify(session, event, registration, Message.approved, dedup_key=f"approved:{registration.id}")
    record(session, registration.id, registration.status.value, Change.approved, by=by)
    _tell_webhooks(session, registration, Change.approved)
    return registration


def promote_registration(
    session: Session, registration: Registration, *, override_capacity: bool = False, by: str | None = None
) -> Registration:
    """An organiser moves someone from the waiting list by hand (their choice counts as approval)."""
    event, seats = _locked(session, registration)
    transition(registration.status, Action.promote)  # refuses anyone not waiting
    if seats.free() == 0 and not override_capacity:
        raise EventFull("the event is full; cancel someone first or promote with override_capacity")
    now = utcnow()
    registration.approved_at = registration.approved_at or now
    _take_seat(event, registration, now)
    registration.updated_at = now
    session.flush()
    capacity.move(session, event, held=1, waiting=-1)
    notify(
        session,
        event,
        registration,
        Message.promoted,
        dedup_key=f"promoted:{registration.id}:{registration.status.value}",
    )
    record(
        session,
        registration.id,
        registration.status.value,
        Change.promoted,
        by=by,
        **({"override_capacity": True} if override_capacity else {}),
    )
    _tell_webhooks(session, registration, Change.promoted)
    return registration


def update_registration(
    session: Session, registration: Registration, data: RegistrationUpdate, *, by: str | None = None
) -> Registration:
    """Change the participant's details; answers given replace the old ones and are checked again.
    The history names the fields whose values changed (not the values: they are personal data)."""
    changes = data.model_dump(exclude_unset=True)
    before = read_registration(session, registration).model_dump(mode="json")
    if "answers" in changes:
        event = _event_of(session, registration)
        registration.answers = validate_answers(event_questions(session, event), changes.pop("answers") or {})
    if "project" in changes:
        acronym = changes.pop("project")
        registration.project_id = project_by_acronym(session, acronym).id if acronym else None
    organisation_type = changes.pop("organisation_type", None)
    if "organisation" in changes:
        registration.organisation_id = _organisation_id(
            session, changes.pop("organisation"), organisation_type, changes.get("country", registration.country)
        )
    elif organisation_type is not None and registration.organisation_id is not None:
        session.get_one(Organisation, registration.organisation_id).type = organisation_type
    for key, value in changes.items():
        setattr(registration, key, value)
    registration.updated_at = utcnow()
    session.flush()
    after = read_registration(session, registration).model_dump(mode="json")
    changed = sorted(key for key in data.model_fields_set if before.get(key) != after.get(key))
    if changed:
        record(session, registration.id, registration.status.value, Change.edited, by=by, fields=changed)
    return registration


def add_confirmed_registration(
    session: Session,
    event: Event,
    *,
    first_name: str,
    last_name: str,
    email: str,
    organisation_id: int | None,
    country: str | None,
    project_id: int | None,
    person_id: int | None = None,
    publication: Publication = Publication.everyone,
) -> Registration:
    """A confirmed registration entered by an organiser (imports, the demo): no workflow steps, no email."""
    now = utcnow()
    registration = Registration(
        event_id=event.id,
        person_id=person_id,
        first_name=first_name,
        last_name=last_name,
        email=email.lower(),
        organisation_id=organisation_id,
        country=country,
        project_id=project_id,
        status=RegistrationStatus.confirmed,
        publication=publication,
        privacy_consented_at=now,
        privacy_wording_version=PRIVACY_WORDING_VERSION,
        checkin_code=new_checkin_code(),
        confirmed_at=now,
        email_confirmed_at=now,
        approved_at=now,
    )
    session.add(registration)
    session.flush()
    capacity.move(session, event, held=1)
    return registration


def get_registration(session: Session, registration_id: int) -> Registration:
    registration = session.get(Registration, registration_id)
    if registration is None:
        raise NotFound(f"no registration with id {registration_id}")
    return registration


def read_registrations(session: Session, registrations: list[Registration]) -> list[RegistrationRead]:
    """The registrations as the API shows them, in three queries whatever their number."""
    organisation_ids = {r.organisation_id for r in registrations if r.organisation_id is not None}
    project_ids = {r.project_id for r in registrations if r.project_id is not None}
    organisations = (
        {
            row.id: row
            for row in session.execute(
                select(col(Organisation.id), col(Organisation.name), col(Organisation.type)).where(
                    col(Organisation.id).in_(organisation_ids)
                )
            )
        }
        if organisation_ids
        else {}
    )
    acronyms: dict[int | None, str] = (
        dict(
            session.execute(select(col(Project.id), col(Project.acronym)).where(col(Project.id).in_(project_ids))).all()
        )
        if project_ids
        else {}
    )
    waiting = {r.event_id for r in registrations if r.status is RegistrationStatus.waitlisted}
    positions = capacity.waitlist_positions(session, waiting)
    result = []
    for registration in registrations:
        organisation = organisations.get(registration.organisation_id)
        result.append(
            RegistrationRead(
                **{name: getattr(registration, name) for name in _PLAIN_FIELDS},
                waitlist_position=positions.get(registration.id),
                organisation=organisation.name if organisation else None,
                organisation_type=organisation.type if organisation else None,
                project=acronyms.get(registration.project_id),
            )
        )
    return result


_PLAIN_FIELDS = tuple(
    name
    for name in RegistrationRead.model_fields
    if name not in {"waitlist_position", "organisation", "organisation_type", "project"}
)


def read_registration(session: Session, registration: Registration) -> RegistrationRead:
    return read_registrations(session, [registration])[0]


def list_registrations(
    session: Session,
    event: Event,
    window: Window,
    *,
    status: RegistrationStatus | None = None,
    country: str | None = None,
    project: str | None = None,
    q: str | None = None,
    organisation_type: OrganisationType | None = None,
) -> tuple[list[Registration], int]:
    """An event's registrations, waiting list in order, then by name; ``q`` searches names, email,
    organisation."""
    statement = select(Registration).where(col(Registration.event_id) == event.id)
    if status is not None:
        statement = statement.where(col(Registration.status) == status)
    if country:
        statement = statement.where(col(Registration.country) == country.strip().upper())
    if project:
        statement = statement.join(Project, col(Project.id) == col(Registration.project_id)).where(
            func.lower(Project.acronym) == project.strip().lower()
        )
    if organisation_type is not None:
        statement = statement.where(
            col(Registration.organisation_id).in_(
                select(col(Organisation.id)).where(col(Organisation.type) == organisation_type)
            )
        )
    if q:
        pattern = f"%{q.strip().lower()}%"
        organisation_ids = select(col(Organisation.id)).where(func.lower(Organisation.name).like(pattern))
        statement = statement.where(
            or_(
                func.lower(Registration.first_name).like(pattern),
                func.lower(Registration.last_name).like(pattern),
                col(Registration.email).like(pattern),
                col(Registration.organisation_id).in_(organisation_ids),
            )
        )
    statement = statement.order_by(
        col(Registration.waitlist_rank).is_(None),
        col(Registration.waitlist_rank),
        Registration.last_name,
        Registration.first_name,
        col(Registration.id),
    )
    return paginate(session, statement, window)
