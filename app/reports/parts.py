"""Report parts: consecutive agenda items grouped into one section of the report. Services flush, never commit."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.agenda.models import AgendaSession
from app.core.errors import InvalidInput
from app.events.models import Event
from app.reports.context import LOGISTICS
from app.reports.models import ReportPart, ReportPartSession, SessionNote
from app.reports.schemas import PartRead, PartsRead, PartsWrite


def read_parts(session: Session, event: Event) -> PartsRead:
    parts = (
        session.execute(
            select(ReportPart).where(col(ReportPart.event_id) == event.id).order_by(col(ReportPart.position))
        )
        .scalars()
        .all()
    )
    members: dict[int, list[int]] = {part.id: [] for part in parts}
    if parts:
        rows = session.execute(
            select(col(ReportPartSession.part_id), col(ReportPartSession.session_id))
            .join(AgendaSession, col(AgendaSession.id) == col(ReportPartSession.session_id))
            .where(col(ReportPartSession.part_id).in_(list(members)))
            .order_by(col(AgendaSession.starts_at), col(AgendaSession.ends_at), col(AgendaSession.id))
        ).all()
        for part_id, session_id in rows:
            members[part_id].append(session_id)
    return PartsRead(
        parts=[
            PartRead(
                id=part.id,
                title=part.title,
                introduction=part.introduction,
                key_points=list(part.key_points),
                session_ids=members[part.id],
            )
            for part in parts
        ]
    )


def _check(session: Session, event: Event, data: PartsWrite) -> None:
    """Every item is the event's, in one part at most, and each part's items follow one another in the
    agenda: between two of them there may only be items that get no section (a break, lunch)."""
    agenda = session.execute(
        select(col(AgendaSession.id), col(AgendaSession.kind))
        .where(col(AgendaSession.event_id) == event.id)
        .order_by(col(AgendaSession.starts_at), col(AgendaSession.ends_at), col(AgendaSession.id))
    ).all()
    order = {item.id: index for index, item in enumerate(agenda)}
    noted = (
        set(
            session.execute(
                select(col(SessionNote.session_id)).where(col(SessionNote.session_id).in_(list(order)))
            ).scalars()
        )
        if order
        else set()
    )
    seen: dict[int, int] = {}
    for number, part in enumerate(data.parts):
        field = f"parts[{number}].session_ids"
        for session_id in part.session_ids:
            if session_id not in order:
                raise InvalidInput(f"event {event.id} has no agenda item with id {session_id}", field=field)
            if session_id in seen:
                raise InvalidInput(f"agenda item {session_id} is already in part {seen[session_id] + 1}", field=field)
            seen[session_id] = number
        positions = sorted(order[session_id] for session_id in part.session_ids)
        members = set(part.session_ids)
        for item in agenda[positions[0] : positions[-1] + 1]:
            if item.id not in members and (item.kind not in LOGISTICS or item.id in noted):
                raise InvalidInput(
                    f"the items of part {part.title!r} are not consecutive: agenda item {item.id} lies between them",
                    field=field,
                )


def write_parts(session: Session, event: Event, data: PartsWrite) -> PartsRead:
    """Replace the event's parts as a whole (PUT semantics); items left out stand alone again."""
    _check(session, event, data)
    old = select(col(ReportPart.id)).where(col(ReportPart.event_id) == event.id)
    session.execute(delete(ReportPartSession).where(col(ReportPartSession.part_id).in_(old)))
    session.execute(delete(ReportPart).where(col(ReportPart.event_id) == event.id))
    for position, item in enumerate(data.parts):
        part = ReportPart(
            event_id=event.id,
            position=position,
            title=item.title,
            introduction=item.introduction,
            key_points=list(item.key_points),
        )
        session.add(part)
        session.flush()
        session.add_all(ReportPartSession(part_id=part.id, session_id=session_id) for session_id in item.session_ids)
    session.flush()
    return read_parts(session, event)
