"""Placing a breakout session's confirmed participants in its groups: solved (previewed or committed)
from the database, read back, and moved by hand.

The solver (``assignment.py``) is pure; this module turns the database into its ``Instance`` and its
``Result`` back into rows. Registration and group ids become the solver's string ids.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.agenda.models import AgendaSession
from app.breakouts.assignment import Group, Instance, Participant, parse_instance, solve
from app.breakouts.models import AssignmentSource, BreakoutAssignment, BreakoutGroup, BreakoutSettings
from app.breakouts.notices import notify_assigned
from app.breakouts.schemas import AssignedGroup, AssignmentRead, AssignmentRequest, MemberRead, MoveRequest
from app.breakouts.service import (
    GroupFull,
    get_breakout_session,
    get_group,
    groups_of,
    ranked_preferences,
    registration_of_event,
    session_settings,
    stored_settings,
)
from app.core.countries import country_name
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.types import utcnow
from app.directory.models import Organisation, OrganisationType
from app.events.models import Event
from app.registration.models import Registration, RegistrationStatus


class CapReached(Conflict):
    title = "Cap reached"


@dataclass(frozen=True)
class Roster:
    """Everything the database knows about one session's assignment problem (four queries)."""

    item: AgendaSession
    settings: BreakoutSettings
    groups: list[BreakoutGroup]
    people: dict[int, tuple[Registration, str | None]]  # confirmed registrations and their organisation's name
    preferences: dict[int, list[int]]
    assignments: dict[int, BreakoutAssignment]
    organisation_types: dict[int, OrganisationType]  # of the confirmed registrations that name an organisation

    def ranked(self, registration_id: int) -> list[int]:
        return self.preferences.get(registration_id, [])[: self.settings.max_preferences]

    def rank_of(self, registration_id: int, group_id: int) -> int | None:
        ranked = self.ranked(registration_id)
        return ranked.index(group_id) + 1 if group_id in ranked else None


def load_roster(session: Session, event: Event, item: AgendaSession) -> Roster:
    rows = session.execute(
        select(Registration, col(Organisation.name), col(Organisation.type))
        .outerjoin(Organisation, col(Organisation.id) == col(Registration.organisation_id))
        .where(col(Registration.event_id) == event.id, col(Registration.status) == RegistrationStatus.confirmed)
        .order_by(col(Registration.id))
    ).all()
    assignments = session.execute(
        select(BreakoutAssignment).where(col(BreakoutAssignment.session_id) == item.id)
    ).scalars()
    return Roster(
        item=item,
        settings=session_settings(session, item),
        groups=groups_of(session, item),
        people={registration.id: (registration, organisation) for registration, organisation, _ in rows},
        preferences=ranked_preferences(session, item),
        assignments={assignment.registration_id: assignment for assignment in assignments},
        organisation_types={registration.id: kind for registration, _, kind in rows if kind is not None},
    )


def facilitator_pins(roster: Roster) -> dict[int, int]:
    """Facilitators who registered sit in their group, whatever else happens."""
    by_person = {
        registration.person_id: rid for rid, (registration, _) in roster.people.items() if registration.person_id
    }
    return {
        by_person[group.facilitator_person_id]: group.id
        for group in roster.groups
        if group.facilitator_person_id in by_person
    }


def saved_locks(roster: Roster) -> dict[int, int]:
    """The saved assignments an organiser locked, of people still confirmed."""
    return {
        rid: assignment.group_id
        for rid, assignment in roster.assignments.items()
        if assignment.locked and rid in roster.people
    }


def _pins(roster: Roster, locked: dict[int, int] | None = None) -> dict[int, int]:
    """Facilitators, then the locked places (organisers' word, which wins): the saved locks unless given."""
    return facilitator_pins(roster) | (saved_locks(roster) if locked is None else locked)


def check_move(roster: Roster, placed: dict[int, int], registration_id: int, group: BreakoutGroup) -> None:
    refused = refusal(roster, placed, registration_id, group)
    if refused is not None:
        raise refused


def refusal(roster: Roster, placed: dict[int, int], registration_id: int, group: BreakoutGroup) -> Conflict | None:
    """Why ``registration_id`` may not join ``group`` beside the others ``placed`` there: its capacity
    (:class:`GroupFull`), then the caps per country and per organisation (:class:`CapReached`); None
    when it may. The one check of a move by hand, into the saved assignment (the API) or into a
    proposal (the console)."""
    others = [rid for rid, group_id in placed.items() if group_id == group.id and rid != registration_id]
    if len(others) >= group.capacity:
        return GroupFull(f"{group.title!r} is full ({len(others)} of {group.capacity} places taken)", field="group_id")
    registration, organisation = roster.people[registration_id]
    country_cap, organisation_cap = roster.settings.max_per_country, roster.settings.max_per_organisation
    if country_cap is not None and registration.country:
        same = sum(roster.people[rid][0].country == registration.country for rid in others if rid in roster.people)
        if same >= country_cap:
            return CapReached(
                f"{group.title!r} already has {_people(same)} from {country_name(registration.country)}, "
                f"the most per country ({country_cap})",
                field="group_id",
            )
    if organisation_cap is not None and organisation:
        same = sum(roster.people[rid][1] == organisation for rid in others if rid in roster.people)
        if same >= organisation_cap:
            return CapReached(
                f"{group.title!r} already has {_people(same)} from {organisation}, the most per "
                f"organisation ({organisation_cap})",
                field="group_id",
            )
    return None


def _people(count: int) -> str:
    return f"{count} participant{'s' if count != 1 else ''}"


def previous_groups(session: Session, event: Event, item: AgendaSession, other_id: int | None) -> dict[int, int] | None:
    if other_id is None:
        return None
    field = "avoid_repeats_with_session_id"
    if other_id == item.id:
        raise InvalidInput("name another breakout session of the event, not this one", field=field)
    try:
        other = get_breakout_session(session, event, other_id)
    except (InvalidInput, NotFound) as error:
        raise InvalidInput(error.detail, field=field) from None
    rows = session.execute(
        select(col(BreakoutAssignment.registration_id), col(BreakoutAssignment.group_id)).where(
            col(BreakoutAssignment.session_id) == other.id
        )
    ).all()
    return dict(rows)


def build_instance(
    roster: Roster, previous: dict[int, int] | None = None, locked: dict[int, int] | None = None
) -> Instance:
    if not roster.groups:
        raise InvalidInput(f"session {roster.item.id} has no breakout groups yet; create them first")
    previous = previous or {}
    return Instance(
        groups=tuple(Group(id=str(group.id), capacity=group.capacity) for group in roster.groups),
        participants=tuple(
            Participant(
                id=str(rid),
                country=registration.country,
                organisation=organisation,
                preferences=tuple(str(group_id) for group_id in roster.ranked(rid)),
                previous_group=str(previous[rid]) if rid in previous else None,
            )
            for rid, (registration, organisation) in roster.people.items()
        ),
        max_preferences=roster.settings.max_preferences,
        pinned={str(rid): str(group_id) for rid, group_id in _pins(roster, locked).items()},
        max_per_country=roster.settings.max_per_country,
        max_per_organisation=roster.settings.max_per_organisation,
        avoid_repeats=bool(previous),
    )


def _view(
    roster: Roster,
    placed: dict[int, int],
    *,
    saved: bool,
    status: str,
    objective: int,
    metrics: dict,
    seconds: float | None = None,
) -> AssignmentRead:
    members: dict[int, list[MemberRead]] = {group.id: [] for group in roster.groups}
    source: AssignmentSource | None
    for rid, group_id in placed.items():
        registration, organisation = roster.people[rid]
        current = roster.assignments.get(rid)
        if current is not None and current.group_id == group_id:
            locked, source = current.locked, current.source
        else:  # a new place: the solver's, once saved
            locked, source = False, AssignmentSource.solver if saved else None
        members[group_id].append(
            MemberRead(
                registration_id=rid,
                name=registration.full_name,
                organisation=organisation,
                country=registration.country,
                rank=roster.rank_of(rid, group_id),
                locked=locked,
                source=source,
            )
        )
    return AssignmentRead(
        session_id=roster.item.id,
        saved=saved,
        status=status,
        objective=objective,
        metrics=metrics,
        groups=[
            AssignedGroup(
                id=group.id,
                title=group.title,
                room=group.room,
                capacity=group.capacity,
                members=sorted(members[group.id], key=lambda member: member.name.casefold()),
            )
            for group in roster.groups
        ],
        unassigned=sorted(set(roster.people) - set(placed)),
        seconds=seconds,
    )


def _solve(session: Session, event: Event, roster: Roster, request: AssignmentRequest) -> tuple[dict[int, int], dict]:
    previous = previous_groups(session, event, roster.item, request.avoid_repeats_with_session_id)
    result = solve(build_instance(roster, previous)).to_json()
    placed = {int(pid): int(gid) for pid, gid in result["assignment"].items()}
    return placed, result


def preview_assignment(
    session: Session, event: Event, item: AgendaSession, request: AssignmentRequest
) -> AssignmentRead:
    """The optimal assignment and its metrics; nothing is written."""
    roster = load_roster(session, event, item)
    placed, result = _solve(session, event, roster, request)
    return _view(
        roster,
        placed,
        saved=False,
        status=result["status"],
        objective=result["objective"],
        metrics=result["metrics"],
        seconds=result["seconds"],
    )


def lock_session(session: Session, item: AgendaSession) -> None:
    """Serialise assignment writes per session (PostgreSQL row lock; SQLite already has one writer)."""
    session.execute(select(col(AgendaSession.id)).where(col(AgendaSession.id) == item.id).with_for_update())


def solve_and_save_assignment(
    session: Session, event: Event, item: AgendaSession, request: AssignmentRequest
) -> AssignmentRead:
    """Solve and save: unlocked assignments are replaced, locked ones kept; new groups are emailed."""
    lock_session(session, item)
    roster = load_roster(session, event, item)
    placed, result = _solve(session, event, roster, request)
    view = _view(
        roster,
        placed,
        saved=True,
        status=result["status"],
        objective=result["objective"],
        metrics=result["metrics"],
        seconds=result["seconds"],
    )
    save_placement(session, event, roster, placed, notify=request.notify)
    return view


def save_placement(
    session: Session,
    event: Event,
    roster: Roster,
    placed: dict[int, int],
    *,
    notify: bool,
    locked: set[int] | None = None,
    moved: frozenset[int] = frozenset(),
) -> int:
    """Write ``placed`` as the session's assignment and mark it committed: changed places are the
    solver's (or manual, for ``moved``) and emailed again; ``locked``, when given, says who is locked
    (else locks stay as they were). The caller holds the session's lock (:func:`_lock_session`)."""
    now = utcnow()
    for rid, stale in roster.assignments.items():
        if rid not in placed:  # no longer confirmed
            session.delete(stale)
    for rid, group_id in placed.items():
        source = AssignmentSource.manual if rid in moved else AssignmentSource.solver
        assignment = roster.assignments.get(rid)
        if assignment is None:
            assignment = BreakoutAssignment(
                registration_id=rid, session_id=roster.item.id, group_id=group_id, source=source, assigned_at=now
            )
            session.add(assignment)
        elif assignment.group_id != group_id:
            assignment.group_id, assignment.source, assignment.assigned_at = group_id, source, now
            assignment.notified_at = None
        if locked is not None:
            assignment.locked = rid in locked
    stored_settings(session, roster.item).committed_at = now
    session.flush()
    return notify_assigned(session, event, roster.item) if notify else 0


def read_assignment(session: Session, event: Event, item: AgendaSession) -> AssignmentRead:
    """The saved assignment with the same metrics a solve reports (repeat pairs aside)."""
    roster = load_roster(session, event, item)
    placed = {rid: a.group_id for rid, a in roster.assignments.items() if rid in roster.people}
    unranked_cost = (roster.settings.max_preferences + 1) ** 2
    ranks = [roster.rank_of(rid, group_id) for rid, group_id in placed.items()]
    count = len(ranks) or 1
    metrics = {
        "first_choice_share": round(sum(rank == 1 for rank in ranks) / count, 4),
        "top3_share": round(sum(rank is not None and rank <= 3 for rank in ranks) / count, 4),
        "unranked": sum(rank is None for rank in ranks),
        "group_sizes": {str(group.id): sum(g == group.id for g in placed.values()) for group in roster.groups},
    }
    objective = sum(unranked_cost if rank is None else (rank - 1) ** 2 for rank in ranks)
    return _view(roster, placed, saved=True, status="saved", objective=objective, metrics=metrics)


def move_participant(session: Session, event: Event, item: AgendaSession, data: MoveRequest) -> AssignmentRead:
    """Put one person in a group by hand (capacity checked), locked there by default."""
    lock_session(session, item)
    registration = registration_of_event(session, event, data.registration_id, field="registration_id")
    if registration.status is not RegistrationStatus.confirmed:
        raise InvalidInput(
            f"only confirmed participants take part; this one is {registration.status.value}", field="registration_id"
        )
    group = get_group(session, item, data.group_id, field="group_id")
    roster = load_roster(session, event, item)
    placed = {rid: assignment.group_id for rid, assignment in roster.assignments.items()}
    check_move(roster, placed, registration.id, group)
    assignment = session.execute(
        select(BreakoutAssignment).where(
            col(BreakoutAssignment.registration_id) == registration.id, col(BreakoutAssignment.session_id) == item.id
        )
    ).scalar_one_or_none()
    if assignment is None:
        assignment = BreakoutAssignment(
            registration_id=registration.id, session_id=item.id, group_id=group.id, source=AssignmentSource.manual
        )
        session.add(assignment)
    elif assignment.group_id != group.id:
        assignment.group_id, assignment.notified_at = group.id, None
    assignment.locked, assignment.source, assignment.assigned_at = data.lock, AssignmentSource.manual, utcnow()
    session.flush()
    if session_settings(session, item).committed_at is not None:  # participants were told: tell this one again
        notify_assigned(session, event, item)
    return read_assignment(session, event, item)


def solve_instance_file(path: Path) -> dict:
    """Solve an instance file (the format of docs/breakout-instance.md) and return the result's JSON.

    A file that cannot be read or parsed is :class:`InvalidInput`; an impossible problem is the
    solver's :class:`Infeasible`, naming the constraint.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror or error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidInput(f"{path} is not valid JSON: {error}") from None
    if not isinstance(data, dict):
        raise InvalidInput(f"{path} must hold a JSON object with groups and participants")
    try:
        instance = parse_instance(data)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InvalidInput(f"{path} is not a breakout instance: {error!r}") from None
    return solve(instance).to_json()
