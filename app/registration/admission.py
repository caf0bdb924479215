"""Admitting a newcomer: count them (seat or waiting list), insert their registration and queue
their email, holding the event's lock for as few round trips as possible.

Everything that does not depend on the seats is prepared before: the row, what a seat would change
in it, the email's context, the event's interested webhooks (registration.service). Then, on
PostgreSQL, one statement does the rest (a chain of data-modifying CTEs: the counters' UPDATE,
which takes the event's row lock, decides and counts; the registration's INSERT; the outbox row's
INSERT; the history row's INSERT), so the lock is held for that statement and the COMMIT: two
round trips, where the steps take five. On SQLite the same steps run one by one (no data-modifying
CTEs there, and a statement costs no round trip: the database is in the process). Both paths run
the whole test suite.

A duplicate (the email already has a live registration for the event) is caught by the partial
unique index (``ON CONFLICT DO NOTHING``), so two clicks racing each other are caught too; the
caller takes the newcomer off the counters again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    Boolean,
    ColumnElement,
    String,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    null,
    or_,
    select,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session, make_transient_to_detached

from app.core.db import table_of
from app.core.queue import QueueStatus
from app.core.types import UTCDateTime
from app.events.models import Event
from app.notifications.messages import Message, RegistrationProps
from app.notifications.models import OutboxEmail
from app.notifications.outbox import queue_email
from app.registration import capacity
from app.registration.history import Change, RegistrationChange, record
from app.registration.models import Registration, RegistrationStatus
from app.registration.workflow import Action, transition

# How long a registration waits for its email to be confirmed before it lapses and frees its seat.
CONFIRMATION_TTL = timedelta(hours=48)
WAITLISTED = RegistrationStatus.waitlisted


@dataclass(frozen=True)
class Seat:
    """What taking a seat changes in a registration: it moves to the first step it has not passed
    yet (email confirmation, approval, else confirmed)."""

    status: RegistrationStatus
    expires_at: datetime | None
    confirmed_at: datetime | None

    @classmethod
    def for_(cls, event: Event, registration: Registration, now: datetime) -> Seat:
        status = transition(
            registration.status,
            Action.promote,  # refuses anyone not waiting (a newcomer starts as waiting)
            email_pending=event.email_confirmation and registration.email_confirmed_at is None,
            approval_pending=event.requires_approval and registration.approved_at is None,
        )
        pending = status is RegistrationStatus.pending_confirmation
        return cls(
            status, now + CONFIRMATION_TTL if pending else None, now if status is RegistrationStatus.confirmed else None
        )

    @property
    def message(self) -> Message:
        return Message.confirm_email if self.status is RegistrationStatus.pending_confirmation else Message.registered

    def apply(self, registration: Registration) -> None:
        registration.status, registration.waitlist_rank = self.status, None
        registration.expires_at = self.expires_at
        if self.confirmed_at is not None:
            registration.confirmed_at = self.confirmed_at


@dataclass(frozen=True)
class Admission:
    seats: capacity.Seats  # the counters after the newcomer
    seated: bool
    inserted: bool  # False: the email already has a live registration for the event
    waitlist_position: int | None


@dataclass(frozen=True)
class Newcomer:
    """A registration prepared before the lock: the row (built, not added, status waiting), what a
    seat would change in it, its email's props but for what the seats decide (RegistrationProps),
    and who registered them, for the history (None: themselves)."""

    registration: Registration
    seat: Seat
    context: dict
    by: str | None


def admit(session: Session, event: Event, newcomer: Newcomer, *, override: bool) -> Admission:
    """Count, insert, queue and record the newcomer. Their registration joins the session, seated
    (the seat applied) or waiting (ranked last), unless it is a duplicate."""
    if session.get_bind().dialect.name == "postgresql":
        admission = _in_one_statement(session, event, newcomer, override)
    else:
        admission = _in_steps(session, event, newcomer, override)
    if admission.inserted:
        make_transient_to_detached(newcomer.registration)  # as if loaded: the request may read or change it
        session.add(newcomer.registration)
    return admission


def _decided(registration: Registration, seat: Seat, seats: capacity.Seats, seated: bool) -> int | None:
    """Set what the decision changes in the row; returns the waiting-list position (None when seated)."""
    if seated:
        seat.apply(registration)
        return None
    registration.waitlist_rank = seats.last_rank
    # Seats that came free while people waited (the capacity grew) go to those already waiting.
    return seats.waiting - seats.promotable()


# What a newcomer never has (later changes set it) is left to the column's default: a shorter statement.
_LATER = {"id", "person_id", "reminded_at", "cancelled_at", "anonymised_at", "unsubscribed_at"}
_COLUMNS = [column for column in table_of(Registration).columns if column.key not in _LATER]


def _in_steps(session: Session, event: Event, newcomer: Newcomer, override: bool) -> Admission:
    registration, seat = newcomer.registration, newcomer.seat
    seats, seated = capacity.arrive(session, event, override=override)
    position = _decided(registration, seat, seats, seated)
    values = {column.key: getattr(registration, column.key) for column in _COLUMNS}
    new_id = session.execute(_insert_if_new(session.get_bind().dialect.name), values).scalar()
    if new_id is not None:
        registration.id = new_id
        props = RegistrationProps(
            **{
                **newcomer.context,
                "registration_id": new_id,
                "status": registration.status.value,
                "waitlist_position": position,
            }
        )
        queue_email(session, seat.message if seated else Message.waitlisted, to=registration.email, props=props)
        record(session, new_id, registration.status.value, Change.registered, by=newcomer.by)
    return Admission(seats, seated, new_id is not None, position)


_INSERTS: dict[str, object] = {}


def _insert_if_new(dialect: str):
    """INSERT ... ON CONFLICT (event_id, email) WHERE live DO NOTHING RETURNING id, built once per dialect."""
    if dialect not in _INSERTS:
        insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
        _INSERTS[dialect] = _on_conflict_do_nothing(insert(table_of(Registration)), dialect).returning(
            table_of(Registration).c.id
        )
    return _INSERTS[dialect]


def _on_conflict_do_nothing(insert, dialect: str):
    index = next(index for index in table_of(Registration).indexes if index.name == "uq_registration_live_email")
    return insert.on_conflict_do_nothing(
        index_elements=[column.key for column in index.columns], index_where=index.dialect_options[dialect]["where"]
    )


def _in_one_statement(session: Session, event: Event, newcomer: Newcomer, override: bool) -> Admission:
    registration, seat = newcomer.registration, newcomer.seat
    # Prefixed: a parameter named like a column of the event (country, created_at) would be added to
    # the counters' UPDATE as a SET clause.
    values = {f"new_{column.key}": getattr(registration, column.key) for column in _COLUMNS}
    row = session.execute(
        _one_statement(),
        {
            **values,
            "event_id": event.id,
            "override": override,
            "seated_status": seat.status.value,
            "seated_expires_at": seat.expires_at,
            "seated_confirmed_at": seat.confirmed_at,
            "seated_template": seat.message.value,
            "context": json.dumps(newcomer.context),
            "by": newcomer.by,
        },
    ).one()
    seats = capacity.remember(event, row[:4])
    position = _decided(registration, seat, seats, row.seated)
    registration.id = row.id
    return Admission(seats, row.seated, row.id is not None, position)


_STATEMENT: list = []


def _sql_string(value: str) -> ColumnElement:
    """A constant string written into the SQL (our own enum values and keys, never user input)."""
    assert "'" not in value
    return literal_column(f"'{value}'")


def _one_statement():
    """The PostgreSQL statement (built once): count, insert the registration, queue its email,
    record it in the history. Constants are written in, not bound, and the bound names are short:
    psycopg caches its conversion of a statement only under 4096 characters and 50 parameters, and
    converting this one anew took some 7% of the server's time per registration."""
    if _STATEMENT:
        return _STATEMENT[0]
    registrations, outbox, history = table_of(Registration), table_of(OutboxEmail), table_of(RegistrationChange)
    counted = capacity.ARRIVE.cte("counted")
    seated = or_(
        bindparam("override", type_=Boolean),
        counted.c.capacity.is_(None),
        counted.c.capacity - counted.c.seats_held >= counted.c.waiting_count,
    )
    free = func.greatest(counted.c.capacity - counted.c.seats_held, capacity.ZERO)
    decided = select(
        *counted.c,
        seated.label("seated"),
        (counted.c.waiting_count - func.least(free, counted.c.waiting_count)).label("position"),
    ).cte("decided")

    def if_seated(name: str, type_, waiting):
        return case((decided.c.seated, bindparam(name, type_=type_)), else_=waiting)

    chosen = {
        "status": if_seated("seated_status", String, _sql_string(WAITLISTED.value)),
        "waitlist_rank": case((decided.c.seated, null()), else_=decided.c.last_waitlist_rank),
        "expires_at": if_seated("seated_expires_at", UTCDateTime(), null()),
        "confirmed_at": if_seated("seated_confirmed_at", UTCDateTime(), null()),
    }
    row = [chosen.get(column.key, bindparam(f"new_{column.key}", type_=column.type)) for column in _COLUMNS]
    added = (
        _on_conflict_do_nothing(
            postgresql.insert(registrations).from_select(
                [column.key for column in _COLUMNS], select(*row).select_from(decided)
            ),
            "postgresql",
        )
        .returning(registrations.c.id, registrations.c.status)
        .cte("added")
    )
    context = cast(bindparam("context", type_=String), JSONB).op("||")(
        func.jsonb_build_object(
            _sql_string("registration_id"),
            added.c.id,
            _sql_string("status"),
            added.c.status,
            _sql_string("waitlist_position"),
            case((decided.c.seated, null()), else_=decided.c.position),
        )
    )
    now = bindparam("new_created_at", type_=UTCDateTime())
    queued = (
        postgresql.insert(outbox)
        .from_select(
            ["template", "to_address", "context", "status", "attempts", "due_at", "created_at"],
            select(
                if_seated("seated_template", String, _sql_string(Message.waitlisted.value)),
                bindparam("new_email", type_=String),
                cast(context, outbox.c.context.type),
                _sql_string(QueueStatus.queued.value),
                capacity.ZERO,
                now,
                now,
            )
            .select_from(added)
            .join(decided, true()),
        )
        .returning(outbox.c.id)
        .cte("queued")
    )
    recorded = (
        postgresql.insert(history)
        .from_select(
            ["registration_id", "at", "action", "by", "status", "details"],
            select(
                added.c.id,
                now,
                _sql_string(Change.registered.value),
                bindparam("by", type_=String),
                added.c.status,
                cast(_sql_string("{}"), history.c.details.type),
            ).select_from(added),
        )
        .returning(history.c.id)
        .cte("recorded")
    )
    statement = (
        select(*list(decided.c)[:4], decided.c.seated, added.c.id)
        .select_from(decided)
        .outerjoin(added, true())
        .add_cte(queued)
        .add_cte(recorded)
    )
    _STATEMENT.append(statement)
    return statement
