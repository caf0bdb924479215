"""The read-only queries behind the report context: one per kind of data, none per participant."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased
from sqlmodel import col

from app.attendance.service import has_attended
from app.breakouts.models import BreakoutAssignment, BreakoutGroup
from app.core.collation import person_sort_key
from app.directory.models import Organisation, Person, Project
from app.registration.models import Registration, RegistrationStatus
from app.registration.privacy import Audience, publishable_clause
from app.reports.models import EventBranding, EventNarrative, ReportImage, ReportPart, ReportPartSession, SessionNote


@dataclass(frozen=True)
class ListedParticipant:
    first_name: str
    last_name: str
    organisation: str | None
    project: str | None
    country: str | None


@dataclass(frozen=True)
class GroupRow:
    session_id: int
    title: str
    theme: str | None
    room: str | None
    facilitator: str | None
    rapporteur: str | None
    notes: str | None
    members: int


def narrative_of(session: Session, event_id: int) -> EventNarrative | None:
    return session.execute(select(EventNarrative).where(col(EventNarrative.event_id) == event_id)).scalar_one_or_none()


def branding_of(session: Session, event_id: int) -> EventBranding | None:
    return session.execute(select(EventBranding).where(col(EventBranding.event_id) == event_id)).scalar_one_or_none()


def images_of(session: Session, event_id: int) -> list[ReportImage]:
    return list(
        session.execute(
            select(ReportImage).where(col(ReportImage.event_id) == event_id).order_by(col(ReportImage.id))
        ).scalars()
    )


def parts_of(session: Session, event_id: int) -> list[ReportPart]:
    return list(
        session.execute(
            select(ReportPart).where(col(ReportPart.event_id) == event_id).order_by(col(ReportPart.position))
        ).scalars()
    )


def part_of_sessions(session: Session, event_id: int) -> dict[int, int]:
    """agenda item id -> its part's id, for the event's parts."""
    rows = session.execute(
        select(col(ReportPartSession.session_id), col(ReportPartSession.part_id))
        .join(ReportPart, col(ReportPart.id) == col(ReportPartSession.part_id))
        .where(col(ReportPart.event_id) == event_id)
    ).all()
    return dict(rows)


def notes_by_session(session: Session, session_ids: list[int]) -> dict[int, SessionNote]:
    if not session_ids:
        return {}
    notes = session.execute(select(SessionNote).where(col(SessionNote.session_id).in_(session_ids))).scalars()
    return {note.session_id: note for note in notes}


def breakout_groups(session: Session, session_ids: list[int]) -> list[GroupRow]:
    """Every group of these sessions with its facilitator, rapporteur and head count, in one query."""
    if not session_ids:
        return []
    facilitator, rapporteur = aliased(Person), aliased(Person)
    members = (
        select(func.count(col(BreakoutAssignment.id)))
        .where(col(BreakoutAssignment.group_id) == col(BreakoutGroup.id))
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            BreakoutGroup,
            col(facilitator.first_name),
            col(facilitator.last_name),
            col(rapporteur.first_name),
            col(rapporteur.last_name),
            members,
        )
        .outerjoin(facilitator, col(facilitator.id) == col(BreakoutGroup.facilitator_person_id))
        .outerjoin(rapporteur, col(rapporteur.id) == col(BreakoutGroup.rapporteur_person_id))
        .where(col(BreakoutGroup.session_id).in_(session_ids))
        .order_by(col(BreakoutGroup.session_id), col(BreakoutGroup.position), col(BreakoutGroup.id))
    ).all()
    return [
        GroupRow(
            session_id=group.session_id,
            title=group.title,
            theme=group.theme,
            room=group.room,
            facilitator=f"{f_first} {f_last}" if f_first else None,
            rapporteur=f"{r_first} {r_last}" if r_first else None,
            notes=group.report_notes,
            members=count,
        )
        for group, f_first, f_last, r_first, r_last, count in rows
    ]


def projects_by_id(session: Session, project_ids: list[int]) -> dict[int, Project]:
    if not project_ids:
        return {}
    return {p.id: p for p in session.execute(select(Project).where(col(Project.id).in_(project_ids))).scalars()}


def listed_participants(session: Session, event_id: int, *, attended: bool) -> list[ListedParticipant]:
    """The participants who agreed to be named publicly (attendees, or the confirmed when ``attended`` is
    false), sorted by last name."""
    statement = (
        select(
            col(Registration.first_name),
            col(Registration.last_name),
            col(Organisation.name),
            col(Project.acronym),
            col(Registration.country),
        )
        .outerjoin(Organisation, col(Organisation.id) == col(Registration.organisation_id))
        .outerjoin(Project, col(Project.id) == col(Registration.project_id))
        .where(col(Registration.event_id) == event_id, publishable_clause(Audience.public))
    )
    if attended:
        statement = statement.where(has_attended())
    else:
        statement = statement.where(col(Registration.status) == RegistrationStatus.confirmed)
    rows = [ListedParticipant(*row) for row in session.execute(statement).all()]
    return sorted(rows, key=lambda row: person_sort_key(row.last_name, row.first_name))
