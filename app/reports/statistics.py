"""The event's figures: a pure function of plain rows, and the three queries that fetch those rows.

The same figures feed ``GET /events/{id}/statistics`` and every report. Who counts as a
participant: the people checked in, as soon as anyone was checked in; before that (or for an
event where nobody scanned badges), the confirmed registrations.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.agenda.models import AgendaSession
from app.attendance.models import Checkin
from app.attendance.service import has_attended
from app.directory.models import Organisation
from app.registration.models import Registration, RegistrationStatus

UNKNOWN = "unknown"


@dataclass(frozen=True)
class RegistrationFacts:
    """What the figures need to know about one registration (no names)."""

    status: str
    country: str | None
    organisation_type: str | None
    project_id: int | None
    attended: bool


@dataclass(frozen=True)
class SessionAttendance:
    id: int
    title: str
    attendance: int


@dataclass(frozen=True)
class Statistics:
    registrations: dict[str, int]
    participants: int
    participants_basis: str  # "attended" or "confirmed": which rule chose the participants
    project_representatives: int
    projects_represented: int
    countries: dict[str, int]
    organisation_types: dict[str, int]
    sessions: list[SessionAttendance]
    representatives_by_project: dict[int, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """The public shape of `GET /events/{id}/statistics`."""
        return {
            "registrations": self.registrations,
            "participants": self.participants,
            "participants_basis": self.participants_basis,
            "project_representatives": self.project_representatives,
            "projects_represented": self.projects_represented,
            "countries": self.countries,
            "organisation_types": self.organisation_types,
            "sessions": [{"id": s.id, "title": s.title, "attendance": s.attendance} for s in self.sessions],
        }


def _ranked(counter: Counter) -> dict[str, int]:
    """Largest first, ties by key, so charts and JSON read the same way every time."""
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def compute_statistics(rows: Iterable[RegistrationFacts], sessions: Iterable[SessionAttendance] = ()) -> Statistics:
    rows = list(rows)
    by_status = Counter(row.status for row in rows)
    attended = [row for row in rows if row.attended]
    basis = "attended" if attended else "confirmed"
    participants = attended or [row for row in rows if row.status == RegistrationStatus.confirmed.value]
    representatives = Counter(row.project_id for row in participants if row.project_id is not None)
    return Statistics(
        registrations={status.value: by_status.get(status.value, 0) for status in RegistrationStatus},
        participants=len(participants),
        participants_basis=basis,
        project_representatives=sum(representatives.values()),
        projects_represented=len(representatives),
        countries=_ranked(Counter(row.country or UNKNOWN for row in participants)),
        organisation_types=_ranked(Counter(row.organisation_type or UNKNOWN for row in participants)),
        sessions=list(sessions),
        representatives_by_project=dict(representatives),
    )


def registration_facts(session: Session, event_id: int) -> list[RegistrationFacts]:
    """One query: every registration of the event with its organisation's type and whether it attended."""
    rows = session.execute(
        select(
            col(Registration.status),
            col(Registration.country),
            col(Organisation.type),
            col(Registration.project_id),
            has_attended(),
        )
        .outerjoin(Organisation, col(Organisation.id) == col(Registration.organisation_id))
        .where(col(Registration.event_id) == event_id)
    ).all()
    return [
        RegistrationFacts(
            status=status.value,
            country=country,
            organisation_type=org_type.value if org_type else None,
            project_id=project_id,
            attended=bool(was_there),
        )
        for status, country, org_type, project_id, was_there in rows
    ]


def session_attendance(session: Session, event_id: int) -> list[SessionAttendance]:
    """One query: each agenda session, in the agenda's order, with how many people checked in to it."""
    rows = session.execute(
        select(col(AgendaSession.id), col(AgendaSession.title), func.count(distinct(col(Checkin.registration_id))))
        .outerjoin(Checkin, col(Checkin.session_id) == col(AgendaSession.id))
        .where(col(AgendaSession.event_id) == event_id)
        .group_by(col(AgendaSession.id), AgendaSession.title, col(AgendaSession.starts_at), col(AgendaSession.ends_at))
        .order_by(col(AgendaSession.starts_at), col(AgendaSession.ends_at), col(AgendaSession.id))
    ).all()
    return [SessionAttendance(id=row[0], title=row[1], attendance=row[2]) for row in rows]


def event_statistics(session: Session, event_id: int) -> Statistics:
    """The figures of one event, in two queries whatever the number of participants."""
    return compute_statistics(registration_facts(session, event_id), session_attendance(session, event_id))
