"""A participant's own calendar feed, ``/calendar/{token}.ics``: the event, every plenary item of its
agenda (talks, panels, breaks, lunch...), each breakout session with the participant's group (its
name in the summary, its room in the location) once the organisers have told them, and their own
role wherever they hold one. Only a confirmed registration has entries; one still waiting (for its
email, the organisers' approval or a seat) gets an empty calendar that fills in once confirmed.

Each entry keeps its UID from one fetch to the next (per item and per registration: the feed's
breakout entry is not the public agenda's) and its SEQUENCE is derived from when what it shows last
changed (the event, the session, the group, the assignment), so a calendar updates the entry in place.
DTSTAMP and LAST-MODIFIED carry that moment too: the same data gives byte-identical entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.agenda.ical import event_calendar_shell, event_location, people_line, role_label
from app.agenda.models import AgendaSession, SessionKind
from app.agenda.schemas import SessionRead
from app.agenda.service import event_agenda
from app.breakouts.models import BreakoutAssignment, BreakoutGroup, BreakoutSettings
from app.core.calendars import calendar_entry, sequence_at
from app.directory.models import Person
from app.events.models import Event
from app.registration.models import Registration, RegistrationStatus

PRODID = "-//Convene//Participant calendar//EN"
# How often calendar applications that honour it fetch the feed again.
REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class YourGroup:
    """The group a participant sits in (or facilitates, or reports on) in one breakout session."""

    title: str
    room: str | None
    theme: str | None
    facilitator: str | None
    role: str | None  # "Facilitator" / "Rapporteur" when they run it
    changed_at: datetime


def _groups(session: Session, event: Event, registration: Registration) -> dict[int, YourGroup]:
    """Breakout session id -> the participant's group: the one they were told (an assignment of a
    committed session), else one they facilitate or report on. Two queries for the whole event."""
    rows = session.execute(
        select(BreakoutGroup, col(BreakoutAssignment.assigned_at), col(BreakoutSettings.committed_at))
        .join(BreakoutAssignment, col(BreakoutAssignment.group_id) == col(BreakoutGroup.id))
        .join(BreakoutSettings, col(BreakoutSettings.session_id) == col(BreakoutAssignment.session_id))
        .where(
            col(BreakoutAssignment.registration_id) == registration.id, col(BreakoutSettings.committed_at).is_not(None)
        )
    ).all()
    found: dict[int, tuple[BreakoutGroup, str | None, list[datetime | None]]] = {
        group.session_id: (group, None, [assigned_at, committed_at]) for group, assigned_at, committed_at in rows
    }
    if registration.person_id is not None:
        person = registration.person_id
        running = session.execute(
            select(BreakoutGroup)
            .join(AgendaSession, col(AgendaSession.id) == col(BreakoutGroup.session_id))
            .where(
                col(AgendaSession.event_id) == event.id,
                or_(
                    col(BreakoutGroup.facilitator_person_id) == person,
                    col(BreakoutGroup.rapporteur_person_id) == person,
                ),
            )
            .order_by(col(BreakoutGroup.position), col(BreakoutGroup.id))
        ).scalars()
        for group in running:
            role = "Facilitator" if group.facilitator_person_id == person else "Rapporteur"
            found.setdefault(group.session_id, (group, role, []))
    facilitators: dict[int, Person] = (
        dict(
            session.execute(
                select(col(Person.id), Person).where(
                    col(Person.id).in_(
                        {group.facilitator_person_id for group, _, _ in found.values() if group.facilitator_person_id}
                    )
                )
            ).all()
        )
        if found
        else {}
    )
    return {
        session_id: YourGroup(
            title=group.title,
            room=group.room,
            theme=group.theme,
            role=role,
            facilitator=facilitators[group.facilitator_person_id].full_name if group.facilitator_person_id else None,
            changed_at=max(
                [moment for moment in (*moments, group.updated_at) if moment is not None], default=event.updated_at
            ),
        )
        for session_id, (group, role, moments) in found.items()
    }


def _session_entry(
    item: SessionRead,
    *,
    event: Event,
    registration: Registration,
    group: YourGroup | None,
    changed_at: datetime,
    host: str,
):
    mine = [
        role_label(role.role.value)
        for role in item.roles
        if registration.person_id is not None and role.person_id == registration.person_id
    ]
    if group is not None and group.role:
        mine.append(group.role)
    summary, room = item.title, item.room
    details = [item.description]
    if group is not None:
        summary, room = f"{item.title}: {group.title}", group.room or item.room
        details += [
            f"Your group: {group.title}",
            group.theme,
            f"Facilitator: {group.facilitator}" if group.facilitator else None,
        ]
    details += [people_line(item.roles), f"Your role: {', '.join(dict.fromkeys(mine))}" if mine else None]
    return calendar_entry(
        uid=f"session-{item.id}-r{registration.id}@{host}",
        sequence=sequence_at(changed_at),
        stamp=changed_at,
        last_modified=changed_at,
        starts=item.starts_at,
        ends=item.ends_at,
        summary=summary,
        location=", ".join(part for part in (room, event_location(event)) if part),
        description="\n\n".join(part for part in details if part),
        categories=[item.kind.value],
    )


def _event_entry(event: Event, registration: Registration, *, all_day: bool, host: str):
    """The event itself: a banner over its days when the sessions are listed too, else its hours."""
    zone = ZoneInfo(event.timezone)
    starts, ends = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
    return calendar_entry(
        uid=f"event-{event.id}-r{registration.id}@{host}",
        sequence=sequence_at(event.updated_at),
        stamp=event.updated_at,
        last_modified=event.updated_at,
        summary=event.title,
        location=event_location(event),
        starts=starts.date() if all_day else starts,
        ends=ends.date() + timedelta(days=1) if all_day else ends,
    )


def personal_calendar(session: Session, event: Event, registration: Registration, *, host: str) -> bytes:
    """The feed of ``registration`` (of ``event``) as iCalendar bytes; ``host`` ends every UID."""
    calendar = event_calendar_shell(event, PRODID, name=f"{event.title}: your agenda")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    if registration.status is not RegistrationStatus.confirmed or registration.anonymised_at is not None:
        return calendar.to_ical()
    agenda = event_agenda(session, event)
    changed: dict[int, datetime | None] = dict(
        session.execute(
            select(col(AgendaSession.id), col(AgendaSession.updated_at)).where(col(AgendaSession.event_id) == event.id)
        ).all()
    )
    groups = _groups(session, event, registration)
    calendar.add_component(_event_entry(event, registration, all_day=bool(agenda), host=host))
    for item in agenda:
        group = groups.get(item.id) if item.kind is SessionKind.breakout else None
        moments = [event.updated_at, changed.get(item.id), group.changed_at if group else None]
        calendar.add_component(
            _session_entry(
                item,
                event=event,
                registration=registration,
                group=group,
                host=host,
                changed_at=max(moment for moment in moments if moment is not None),
            )
        )
    return calendar.to_ical()
