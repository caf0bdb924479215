"""Check-in at the door, undo, the door staff's search, and the attendance figures.

The scan path is kept lean because staff wait on it: one indexed lookup by code (joined to the
organisation's name), one ``INSERT ... ON CONFLICT DO NOTHING`` per level, commit. The conflict
clause names the partial unique index, so two simultaneous scans of one code leave exactly one
row and the loser reads the winner's row instead of failing.

A session check-in of someone not yet checked in to the event also checks them in to the event:
whoever sits in a session is at the event, so the event-level rows alone say who attended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import and_, case, delete, func, or_, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Exists
from sqlmodel import col

from app.agenda.models import AgendaSession
from app.attendance.models import EVENT_LEVEL, SESSION_LEVEL, Checkin
from app.attendance.schemas import AttendanceRead, CheckinCreate, SessionAttendance
from app.core.db import rowcount, table_of
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.timezones import in_zone
from app.core.types import utcnow
from app.directory.models import Organisation, display_name
from app.events.models import Event
from app.registration.models import Registration, RegistrationStatus
from app.webhooks.schemas import EventType
from app.webhooks.service import emit

# Arriving later than this after the start counts as a late arrival.
LATE_GRACE = timedelta(minutes=15)

_REFUSALS = {
    RegistrationStatus.cancelled: "{name}'s registration was cancelled",
    RegistrationStatus.waitlisted: "{name} is on the waiting list, not confirmed",
    RegistrationStatus.pending_confirmation: "{name} has not confirmed their email address yet",
    RegistrationStatus.pending_approval: "{name}'s registration is waiting for the organisers' approval",
    RegistrationStatus.rejected: "{name}'s registration was not accepted",
    RegistrationStatus.expired: "{name}'s registration expired",
}


class UnknownCode(NotFound):
    title = "Unknown check-in code"


class WrongEvent(Conflict):
    title = "Registered for another event"


class NotCheckinable(Conflict):
    title = "Not a confirmed registration"


class CheckinNotOpen(Conflict):
    title = "Check-in not open yet"


class EventOver(Conflict):
    title = "The event is over"


def checkin_opens_at(event: Event, *, days_before: int) -> datetime:
    """Midnight at the venue, ``days_before`` days before the event's first day."""
    first_day = in_zone(event.starts_at, event.timezone).date() - timedelta(days=days_before)
    return in_zone(datetime.combine(first_day, time(0, 0)), event.timezone)


def check_window(event: Event, *, now: datetime, days_before: int, organiser: bool) -> None:
    """Check-in is for the event's days: refused before it opens (for everyone, so no one is marked
    present months ahead), and after the event has ended for door staff; organisers may still record
    attendance afterwards, from a paper list say."""
    opens = checkin_opens_at(event, days_before=days_before)
    if now < opens:
        raise CheckinNotOpen(f"check-in for this event opens on {opens:%d %B %Y} at {opens:%H:%M} ({event.timezone})")
    if now >= event.ends_at and not organiser:
        ended = in_zone(event.ends_at, event.timezone)
        raise EventOver(
            f"the event ended on {ended:%d %B %Y} at {ended:%H:%M}; only an organiser can still record attendance"
        )


@dataclass(frozen=True)
class Attendee:
    registration_id: int
    event_id: int
    status: RegistrationStatus
    first_name: str
    last_name: str
    organisation: str | None

    @property
    def name(self) -> str:
        return display_name(self.first_name, self.last_name)


@dataclass(frozen=True)
class CheckinResult:
    checkin_id: int
    session_id: int | None
    checked_in_at: datetime
    created: bool
    attendee: Attendee

    def message(self, event: Event) -> str:
        where = "to this session " if self.session_id else ""
        if self.created:
            return f"{self.attendee.name} checked in {where}".rstrip()
        return f"{self.attendee.name} already checked in {where}at {in_zone(self.checked_in_at, event.timezone):%H:%M}"


def find_attendee(session: Session, event: Event, data: CheckinCreate) -> Attendee:
    """The registration named by ``code`` or ``registration_id``, which must belong to ``event``."""
    if (data.code is None) == (data.registration_id is None):
        raise InvalidInput("give either the check-in code or the registration_id (one of them)", field="code")
    statement = select(
        col(Registration.id),
        col(Registration.event_id),
        col(Registration.status),
        col(Registration.first_name),
        col(Registration.last_name),
        col(Organisation.name),
    ).outerjoin(Organisation, col(Organisation.id) == col(Registration.organisation_id))
    if data.code is not None:
        field, row = "code", session.execute(statement.where(col(Registration.checkin_code) == data.code)).one_or_none()
    else:
        field, row = (
            "registration_id",
            session.execute(statement.where(col(Registration.id) == data.registration_id)).one_or_none(),
        )
    if row is None:
        raise UnknownCode(f"no registration has this {field.replace('_', ' ')}; check it and scan again", field=field)
    if row.event_id != event.id:
        raise WrongEvent(f"this {field.replace('_', ' ')} belongs to a registration for another event", field=field)
    return Attendee(row.id, row.event_id, row.status, row.first_name, row.last_name, row.name)


def _check_session(session: Session, event: Event, session_id: int) -> None:
    owner = session.execute(
        select(col(AgendaSession.event_id)).where(col(AgendaSession.id) == session_id)
    ).scalar_one_or_none()
    if owner != event.id:
        raise NotFound(f"event {event.id} has no session with id {session_id}", field="session_id")


def _insert_once(session: Session, values: dict) -> int | None:
    """Insert a check-in row unless one exists at that level; the new id, or None."""
    level = SESSION_LEVEL if values["session_id"] is not None else EVENT_LEVEL
    columns = ["registration_id", "session_id"] if values["session_id"] is not None else ["registration_id"]
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(table_of(Checkin))
        .values(**values)
        .on_conflict_do_nothing(index_elements=columns, index_where=text(level))
        .returning(table_of(Checkin).c.id)
    )
    return session.execute(statement).scalar_one_or_none()


def check_in(
    session: Session,
    event: Event,
    data: CheckinCreate,
    *,
    opens_days_before: int,
    organiser: bool,
    by_token_id: int | None = None,
) -> CheckinResult:
    """``organiser``: the caller is an organiser (or admin), who may record attendance after the event."""
    now = utcnow()
    check_window(event, now=now, days_before=opens_days_before, organiser=organiser)
    attendee = find_attendee(session, event, data)
    if attendee.status is not RegistrationStatus.confirmed:
        field = "code" if data.code is not None else "registration_id"
        raise NotCheckinable(
            _REFUSALS[attendee.status].format(name=attendee.name) + "; they cannot be checked in", field=field
        )
    if data.session_id is not None:
        _check_session(session, event, data.session_id)
    values = {
        "event_id": event.id,
        "registration_id": attendee.registration_id,
        "checked_in_at": now,
        "checked_in_by_token_id": by_token_id,
    }
    event_level_id = _insert_once(session, {**values, "session_id": None})
    if data.session_id is None:
        new_id = event_level_id
    else:
        new_id = _insert_once(session, {**values, "session_id": data.session_id})
    if new_id is not None:
        emit(
            session,
            event.id,
            EventType.attendee_checked_in,
            {"registration_id": attendee.registration_id, "session_id": data.session_id, "checkin_id": new_id},
        )
        return CheckinResult(new_id, data.session_id, now, True, attendee)
    existing = session.execute(
        select(col(Checkin.id), col(Checkin.checked_in_at)).where(
            col(Checkin.registration_id) == attendee.registration_id,
            col(Checkin.session_id) == data.session_id
            if data.session_id is not None
            else col(Checkin.session_id).is_(None),
        )
    ).one()
    return CheckinResult(existing.id, data.session_id, existing.checked_in_at, False, attendee)


def undo_checkin(session: Session, event: Event, data: CheckinCreate) -> tuple[Attendee, int]:
    """Remove a check-in; undoing the event-level one removes the person's session check-ins too."""
    attendee = find_attendee(session, event, data)
    statement = delete(Checkin).where(col(Checkin.registration_id) == attendee.registration_id)
    if data.session_id is not None:
        statement = statement.where(col(Checkin.session_id) == data.session_id)
    return attendee, rowcount(session.execute(statement))


def delete_checkin(session: Session, event: Event, checkin_id: int) -> int:
    row = session.get(Checkin, checkin_id)
    if row is None or row.event_id != event.id:
        raise NotFound(f"event {event.id} has no check-in with id {checkin_id}")
    statement = delete(Checkin).where(col(Checkin.registration_id) == row.registration_id)
    if row.session_id is not None:
        statement = statement.where(col(Checkin.session_id) == row.session_id)
    return rowcount(session.execute(statement))


def search_attendees(
    session: Session,
    event: Event,
    q: str | None,
    *,
    session_id: int | None = None,
    limit: int = 25,
) -> list[tuple[Attendee, datetime | None]]:
    """Confirmed people whose name or organisation contains every word of ``q``, with their check-in time."""
    if session_id is not None:
        _check_session(session, event, session_id)
    level = col(Checkin.session_id) == session_id if session_id is not None else col(Checkin.session_id).is_(None)
    statement = (
        select(
            col(Registration.id),
            col(Registration.event_id),
            col(Registration.status),
            col(Registration.first_name),
            col(Registration.last_name),
            col(Organisation.name),
            col(Checkin.checked_in_at),
        )
        .outerjoin(Organisation, col(Organisation.id) == col(Registration.organisation_id))
        .outerjoin(Checkin, and_(col(Checkin.registration_id) == col(Registration.id), level))
        .where(col(Registration.event_id) == event.id, col(Registration.status) == RegistrationStatus.confirmed)
        .order_by(Registration.last_name, Registration.first_name, col(Registration.id))
        .limit(limit)
    )
    for word in (q or "").split()[:5]:
        pattern = f"%{word}%"
        statement = statement.where(
            or_(
                col(Registration.first_name).ilike(pattern),
                col(Registration.last_name).ilike(pattern),
                col(Organisation.name).ilike(pattern),
            )
        )
    return [
        (Attendee(row.id, row.event_id, row.status, row.first_name, row.last_name, row.name), row.checked_in_at)
        for row in session.execute(statement)
    ]


def checkin_counts(session: Session, event: Event, *, session_id: int | None = None) -> tuple[int, int]:
    """(checked in, confirmed) for the event, or for one of its sessions."""
    level = col(Checkin.session_id) == session_id if session_id is not None else col(Checkin.session_id).is_(None)
    checked_in = (
        select(func.count()).select_from(Checkin).where(col(Checkin.event_id) == event.id, level).scalar_subquery()
    )
    confirmed = (
        select(func.count())
        .select_from(Registration)
        .where(col(Registration.event_id) == event.id, col(Registration.status) == RegistrationStatus.confirmed)
        .scalar_subquery()
    )
    row = session.execute(select(checked_in, confirmed)).one()
    return row[0], row[1]


def has_attended() -> Exists:
    """Did the registration attend the event? Checked in to the event itself (a check-in to one of
    its sessions checks in to the event too). The one definition, for these figures and the report's."""
    return (
        select(col(Checkin.id))
        .where(col(Checkin.registration_id) == col(Registration.id), col(Checkin.session_id).is_(None))
        .exists()
    )


@dataclass(frozen=True)
class AttendanceSummary:
    """Attendance of one event. ``sessions`` and ``late_by_session`` map agenda session ids to counts."""

    attended: int
    confirmed: int
    no_shows: int
    late_arrivals: int
    sessions: dict[int, int]
    late_by_session: dict[int, int]
    grace: timedelta = LATE_GRACE


def attendance_summary(session: Session, event: Event) -> AttendanceSummary:
    """The figures in four queries, whatever the number of participants."""
    event_rows = col(Checkin.event_id) == event.id
    attended, late = session.execute(
        select(func.count(), func.count(case((col(Checkin.checked_in_at) > event.starts_at + LATE_GRACE, 1)))).where(
            event_rows, col(Checkin.session_id).is_(None)
        )
    ).one()
    confirmed, no_shows = session.execute(
        select(func.count(), func.count(case((~has_attended(), 1)))).where(
            col(Registration.event_id) == event.id, col(Registration.status) == RegistrationStatus.confirmed
        )
    ).one()
    starts = dict(
        session.execute(
            select(col(AgendaSession.id), col(AgendaSession.starts_at)).where(col(AgendaSession.event_id) == event.id)
        ).all()
    )
    sessions: dict[int, int] = {}
    late_by_session: dict[int, int] = {}
    if starts:
        # Each session has its own start, so the "late" test is one CASE branch per session:
        # the query grows with the agenda, never with the participants.
        late_case = case(
            *[
                (and_(col(Checkin.session_id) == item_id, col(Checkin.checked_in_at) > start + LATE_GRACE), 1)
                for item_id, start in starts.items()
            ]
        )
        for item_id, count, late_count in session.execute(
            select(col(Checkin.session_id), func.count(), func.count(late_case))
            .where(event_rows, col(Checkin.session_id).is_not(None))
            .group_by(col(Checkin.session_id))
        ):
            assert item_id is not None  # is_not(None) above
            sessions[item_id], late_by_session[item_id] = count, late_count
    return AttendanceSummary(
        attended=attended,
        confirmed=confirmed,
        no_shows=no_shows,
        late_arrivals=late,
        sessions=sessions,
        late_by_session=late_by_session,
    )


def read_attendance(session: Session, event: Event) -> AttendanceRead:
    summary = attendance_summary(session, event)
    return AttendanceRead(
        attended=summary.attended,
        confirmed=summary.confirmed,
        no_shows=summary.no_shows,
        late_arrivals=summary.late_arrivals,
        grace_minutes=int(summary.grace.total_seconds() // 60),
        sessions=[
            SessionAttendance(
                id=item_id,
                title=title,
                starts_at=starts_at,
                attendance=summary.sessions.get(item_id, 0),
                late_arrivals=summary.late_by_session.get(item_id, 0),
            )
            for item_id, title, starts_at in session_choices(session, event)
        ],
    )


def registration_with_event(session: Session, registration_id: int) -> tuple[Registration, Event]:
    registration = session.get(Registration, registration_id)
    if registration is None:
        raise NotFound(f"no registration with id {registration_id}")
    return registration, session.get_one(Event, registration.event_id)


def session_choices(session: Session, event: Event) -> list[tuple[int, str, datetime]]:
    """(id, title, local start) of the event's agenda sessions, for the door staff's picker."""
    rows = session.execute(
        select(col(AgendaSession.id), col(AgendaSession.title), col(AgendaSession.starts_at))
        .where(col(AgendaSession.event_id) == event.id)
        .order_by(col(AgendaSession.starts_at), col(AgendaSession.id))
    )
    return [(row.id, row.title, in_zone(row.starts_at, event.timezone)) for row in rows]
