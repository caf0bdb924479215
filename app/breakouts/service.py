"""Breakout sessions: their groups, their settings and participants' ranked preferences.

Placing people in groups (the solver, manual moves, emails) lives in ``placement.py``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.agenda.models import AgendaSession, SessionKind
from app.agenda.service import get_agenda_session
from app.breakouts.models import BreakoutAssignment, BreakoutGroup, BreakoutPreference, BreakoutSettings
from app.breakouts.schemas import GroupCreate, GroupRead, GroupUpdate, PreferenceRead, SettingsRead, SettingsUpdate
from app.core.collation import person_sort_key
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.security import Principal
from app.core.types import utcnow
from app.directory.models import Person
from app.directory.service import get_person
from app.events.models import Event
from app.registration.models import LIVE_STATUSES, Registration


class NotABreakout(InvalidInput):
    title = "Not a breakout session"


class PreferencesClosed(Conflict):
    title = "Preferences closed"


class GroupFull(Conflict):
    title = "Group full"


# --- the session and its settings ------------------------------------------------------------


def get_breakout_session(session: Session, event: Event, session_id: int) -> AgendaSession:
    """The agenda session, if it belongs to ``event`` (else 404) and is a breakout (else 422)."""
    item = get_agenda_session(session, event, session_id)
    if item.kind is not SessionKind.breakout:
        raise NotABreakout(f"session {session_id} is a {item.kind.value} session, not a breakout session")
    return item


def breakout_sessions(session: Session, event: Event) -> list[AgendaSession]:
    return list(
        session.execute(
            select(AgendaSession)
            .where(col(AgendaSession.event_id) == event.id, col(AgendaSession.kind) == SessionKind.breakout)
            .order_by(col(AgendaSession.starts_at), col(AgendaSession.id))
        ).scalars()
    )


def session_settings(session: Session, item: AgendaSession) -> BreakoutSettings:
    """The stored settings, or the defaults (not added to the session) when none were set."""
    return session.get(BreakoutSettings, item.id) or BreakoutSettings(session_id=item.id)


def stored_settings(session: Session, item: AgendaSession) -> BreakoutSettings:
    """The settings row, created with the defaults if missing, for a change to be written."""
    settings = session.get(BreakoutSettings, item.id)
    if settings is None:
        settings = BreakoutSettings(session_id=item.id)
        session.add(settings)
    return settings


def read_settings(settings: BreakoutSettings) -> SettingsRead:
    return SettingsRead.model_validate(settings, from_attributes=True)


def update_settings(session: Session, item: AgendaSession, data: SettingsUpdate) -> BreakoutSettings:
    changes = data.model_dump(exclude_unset=True)
    settings = stored_settings(session, item)
    for key, value in changes.items():
        setattr(settings, key, value)
    session.flush()
    return settings


# --- groups ----------------------------------------------------------------------------------


def groups_of(session: Session, item: AgendaSession) -> list[BreakoutGroup]:
    return list(
        session.execute(
            select(BreakoutGroup)
            .where(col(BreakoutGroup.session_id) == item.id)
            .order_by(col(BreakoutGroup.position), col(BreakoutGroup.id))
        ).scalars()
    )


def get_group(session: Session, item: AgendaSession, group_id: int, *, field: str | None = None) -> BreakoutGroup:
    group = session.get(BreakoutGroup, group_id)
    if group is None or group.session_id != item.id:
        message = f"session {item.id} has no breakout group with id {group_id}"
        raise InvalidInput(message, field=field) if field else NotFound(message)
    return group


def _check_people(session: Session, values: dict, principal: Principal | None) -> None:
    """Facilitators and rapporteurs are people the caller sees in the directory."""
    for key in ("facilitator_person_id", "rapporteur_person_id"):
        if values.get(key) is not None:
            get_person(session, values[key], field=key, principal=principal)


def _assigned_count(session: Session, group: BreakoutGroup) -> int:
    return session.execute(
        select(func.count()).select_from(BreakoutAssignment).where(col(BreakoutAssignment.group_id) == group.id)
    ).scalar_one()


def create_group(
    session: Session, item: AgendaSession, data: GroupCreate, *, principal: Principal | None = None
) -> BreakoutGroup:
    values = data.model_dump()
    _check_people(session, values, principal)
    if values["position"] is None:
        last = session.execute(
            select(func.max(BreakoutGroup.position)).where(col(BreakoutGroup.session_id) == item.id)
        ).scalar()
        values["position"] = 0 if last is None else last + 1
    group = BreakoutGroup(session_id=item.id, **values)
    session.add(group)
    session.flush()
    return group


def update_group(
    session: Session, group: BreakoutGroup, data: GroupUpdate, *, principal: Principal | None = None
) -> BreakoutGroup:
    changes = data.model_dump(exclude_unset=True)
    _check_people(session, changes, principal)
    if "capacity" in changes:
        assigned = _assigned_count(session, group)
        if changes["capacity"] < assigned:
            raise GroupFull(
                f"{assigned} people are assigned to {group.title!r}; move some out before lowering its capacity "
                f"to {changes['capacity']}",
                field="capacity",
            )
    for key, value in changes.items():
        setattr(group, key, value)
    group.updated_at = utcnow()
    session.flush()
    return group


def delete_group(session: Session, group: BreakoutGroup) -> None:
    """Remove the group; its members become unassigned and its preferences are dropped."""
    session.delete(group)
    session.flush()


def read_groups(session: Session, groups: list[BreakoutGroup]) -> list[GroupRead]:
    """The groups with their current size, first choices and people's names, in three queries."""
    ids = [group.id for group in groups]
    sizes = (
        Counter(
            dict(
                session.execute(
                    select(col(BreakoutAssignment.group_id), func.count())
                    .where(col(BreakoutAssignment.group_id).in_(ids))
                    .group_by(col(BreakoutAssignment.group_id))
                ).all()
            )
        )
        if ids
        else Counter()
    )
    firsts = (
        Counter(
            dict(
                session.execute(
                    select(col(BreakoutPreference.group_id), func.count())
                    .where(col(BreakoutPreference.group_id).in_(ids), col(BreakoutPreference.rank) == 1)
                    .group_by(col(BreakoutPreference.group_id))
                ).all()
            )
        )
        if ids
        else Counter()
    )
    person_ids = {pid for group in groups for pid in (group.facilitator_person_id, group.rapporteur_person_id) if pid}
    names: dict[int | None, str] = (
        {
            person.id: person.full_name
            for person in session.execute(select(Person).where(col(Person.id).in_(person_ids))).scalars()
        }
        if person_ids
        else {}
    )
    return [
        GroupRead(
            id=group.id,
            session_id=group.session_id,
            title=group.title,
            theme=group.theme,
            room=group.room,
            capacity=group.capacity,
            facilitator_person_id=group.facilitator_person_id,
            facilitator=names.get(group.facilitator_person_id),
            rapporteur_person_id=group.rapporteur_person_id,
            rapporteur=names.get(group.rapporteur_person_id),
            report_notes=group.report_notes,
            position=group.position,
            size=sizes[group.id],
            first_choices=firsts[group.id],
        )
        for group in groups
    ]


# --- preferences -----------------------------------------------------------------------------


def ranked_preferences(session: Session, item: AgendaSession) -> dict[int, list[int]]:
    """registration id -> group ids, best first."""
    rows = session.execute(
        select(col(BreakoutPreference.registration_id), col(BreakoutPreference.group_id))
        .where(col(BreakoutPreference.session_id) == item.id)
        .order_by(col(BreakoutPreference.registration_id), col(BreakoutPreference.rank))
    ).all()
    ranked: dict[int, list[int]] = defaultdict(list)
    for registration_id, group_id in rows:
        ranked[registration_id].append(group_id)
    return dict(ranked)


def list_preferences(session: Session, item: AgendaSession) -> list[PreferenceRead]:
    ranked = ranked_preferences(session, item)
    registrations = (
        sorted(
            session.execute(
                select(Registration).where(col(Registration.id).in_(list(ranked))).order_by(col(Registration.id))
            ).scalars(),
            key=lambda r: person_sort_key(r.last_name, r.first_name),
        )
        if ranked
        else []
    )
    return [PreferenceRead(registration_id=r.id, name=r.full_name, group_ids=ranked[r.id]) for r in registrations]


def registration_of_event(session: Session, event: Event, registration_id: int, *, field: str) -> Registration:
    registration = session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise InvalidInput(f"event {event.id} has no registration with id {registration_id}", field=field)
    return registration


def check_preferences(session: Session, item: AgendaSession, group_ids: list[int], *, by_participant: bool) -> None:
    """The rules for ranked choices, checked without writing anything: only while preferences are open
    (for participants), at most the session's number of ranks, no group twice, only this session's groups.
    The registration form checks a newcomer's choices with it before the registration exists."""
    settings = session_settings(session, item)
    if by_participant and not settings.preferences_open:
        raise PreferencesClosed("the organisers have closed the choice of groups for this session")
    if len(group_ids) > settings.max_preferences:
        raise InvalidInput(f"rank at most {settings.max_preferences} groups", field="group_ids")
    if len(set(group_ids)) != len(group_ids):
        raise InvalidInput("each group may be ranked only once", field="group_ids")
    for position, group_id in enumerate(group_ids):
        get_group(session, item, group_id, field=f"group_ids.{position}")


def set_preferences(
    session: Session, item: AgendaSession, registration: Registration, group_ids: list[int], *, by_participant: bool
) -> list[int]:
    """Replace the participant's ranked choices; participants may do so only while preferences are open."""
    check_preferences(session, item, group_ids, by_participant=by_participant)
    if registration.status not in LIVE_STATUSES:
        raise InvalidInput(f"this registration is {registration.status.value}", field="registration_id")
    session.execute(
        delete(BreakoutPreference).where(
            col(BreakoutPreference.registration_id) == registration.id, col(BreakoutPreference.session_id) == item.id
        )
    )
    session.add_all(
        BreakoutPreference(registration_id=registration.id, session_id=item.id, group_id=group_id, rank=rank)
        for rank, group_id in enumerate(group_ids, start=1)
    )
    session.flush()
    return group_ids


# --- a participant's view --------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipantBreakout:
    """One breakout session as a participant sees it: the groups, their choices, their group once told."""

    item: AgendaSession
    settings: BreakoutSettings
    groups: list[BreakoutGroup]
    ranked: list[int]
    assigned: BreakoutGroup | None

    @property
    def can_choose(self) -> bool:
        return self.settings.preferences_open and bool(self.groups)


def participant_breakouts(session: Session, event: Event, registration: Registration) -> list[ParticipantBreakout]:
    items = breakout_sessions(session, event)
    ids = [item.id for item in items]
    groups = (
        list(
            session.execute(
                select(BreakoutGroup)
                .where(col(BreakoutGroup.session_id).in_(ids))
                .order_by(col(BreakoutGroup.position), col(BreakoutGroup.id))
            ).scalars()
        )
        if ids
        else []
    )
    ranked = session.execute(
        select(col(BreakoutPreference.session_id), col(BreakoutPreference.group_id))
        .where(col(BreakoutPreference.registration_id) == registration.id)
        .order_by(col(BreakoutPreference.rank))
    ).all()
    placed = dict(
        session.execute(
            select(col(BreakoutAssignment.session_id), col(BreakoutAssignment.group_id)).where(
                col(BreakoutAssignment.registration_id) == registration.id
            )
        ).all()
    )
    by_id = {group.id: group for group in groups}
    views = []
    for item in items:
        settings = session_settings(session, item)
        told = settings.committed_at is not None and item.id in placed
        views.append(
            ParticipantBreakout(
                item=item,
                settings=settings,
                groups=[group for group in groups if group.session_id == item.id],
                ranked=[group_id for session_id, group_id in ranked if session_id == item.id],
                assigned=by_id[placed[item.id]] if told else None,
            )
        )
    return views
