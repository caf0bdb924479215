"""A proposed assignment the organiser works on before anyone is told: solved, shown, adjusted by
hand (the move checks capacity and caps as the API's move does), locked, solved again around the
locks, then committed (saved as the session's assignment and emailed) or discarded.

The proposal lives in the database (:class:`BreakoutDraft` and its places), so it survives between
requests of a browser without JavaScript and between organisers. Participants never see it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.agenda.models import AgendaSession
from app.breakouts.assignment import solve
from app.breakouts.metrics import metrics
from app.breakouts.models import BreakoutDraft, BreakoutDraftPlace, BreakoutGroup
from app.breakouts.placement import (
    Roster,
    build_instance,
    check_move,
    facilitator_pins,
    load_roster,
    lock_session,
    previous_groups,
    refusal,
    save_placement,
    saved_locks,
)
from app.breakouts.service import get_group
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.types import utcnow
from app.directory.models import display_name
from app.events.models import Event


class NoProposal(NotFound):
    title = "No proposal"


class ProposalOutdated(Conflict):
    title = "Proposal out of date"


@dataclass(frozen=True)
class Member:
    registration_id: int
    name: str
    organisation: str | None
    organisation_type: str | None
    country: str | None
    rank: int | None  # which of their choices the group is; None: outside their choices
    locked: bool
    moved: bool
    facilitator: bool


@dataclass(frozen=True)
class ProposedGroup:
    group: BreakoutGroup
    members: list[Member]

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def countries(self) -> list[tuple[str, int]]:
        return Counter(m.country for m in self.members if m.country).most_common()

    @property
    def organisation_types(self) -> list[tuple[str, int]]:
        return Counter(m.organisation_type for m in self.members if m.organisation_type).most_common()


@dataclass(frozen=True)
class Proposal:
    draft: BreakoutDraft
    groups: list[ProposedGroup]
    metrics: dict  # as the solver reports them: first_choice_share, top3_share, unranked, repeat_pairs (2nd round)
    unplaced: list[tuple[int, str]]  # confirmed participants the proposal has no group for (registered since)
    second_round_of: AgendaSession | None  # the session whose group mates it keeps apart

    @property
    def everyone(self) -> list[Member]:
        return sorted((m for g in self.groups for m in g.members), key=lambda m: m.name.casefold())


def get_draft(session: Session, item: AgendaSession) -> BreakoutDraft | None:
    return session.get(BreakoutDraft, item.id)


def _require(session: Session, item: AgendaSession) -> BreakoutDraft:
    draft = get_draft(session, item)
    if draft is None:
        raise NoProposal("there is no proposal for this session: propose an assignment first")
    return draft


def _places(session: Session, item: AgendaSession) -> dict[int, BreakoutDraftPlace]:
    rows = session.execute(select(BreakoutDraftPlace).where(col(BreakoutDraftPlace.session_id) == item.id)).scalars()
    return {place.registration_id: place for place in rows}


def propose(
    session: Session, event: Event, item: AgendaSession, *, by: str, avoid_repeats_with_session_id: int | None = None
) -> BreakoutDraft:
    """Solve and keep the result as the session's proposal. A first proposal keeps the saved locked
    assignments; solving again keeps the proposal's locked places (and who was moved by hand)."""
    lock_session(session, item)
    roster = load_roster(session, event, item)
    draft = get_draft(session, item)
    places = _places(session, item) if draft else {}
    if draft is None:
        locked = saved_locks(roster)
        moved: set[int] = set()
    else:
        locked = {rid: p.group_id for rid, p in places.items() if p.locked and rid in roster.people}
        moved = {rid for rid in locked if places[rid].moved}
    previous = previous_groups(session, event, item, avoid_repeats_with_session_id)
    assignment = solve(build_instance(roster, previous, locked)).assignment
    if draft is None:
        draft = BreakoutDraft(session_id=item.id, proposed_by=by)
        session.add(draft)
    draft.proposed_at, draft.proposed_by = utcnow(), by
    draft.avoid_repeats_with_session_id = avoid_repeats_with_session_id
    session.flush()
    session.execute(delete(BreakoutDraftPlace).where(col(BreakoutDraftPlace.session_id) == item.id))
    session.add_all(
        BreakoutDraftPlace(
            registration_id=int(rid),
            session_id=item.id,
            group_id=int(gid),
            locked=int(rid) in locked,
            moved=int(rid) in moved,
        )
        for rid, gid in assignment.items()
    )
    session.flush()
    return draft


def move_in_draft(
    session: Session, event: Event, item: AgendaSession, registration_id: int, group_id: int, *, lock: bool = True
) -> tuple[str, BreakoutGroup]:
    """Put one confirmed participant in a group of the proposal (capacity and caps checked, as for the
    saved assignment), locked there unless ``lock`` is false. Returns their name and the group."""
    _require(session, item)
    roster = load_roster(session, event, item)
    if registration_id not in roster.people:
        raise InvalidInput(
            "only confirmed participants of this event can be placed in a group", field="registration_id"
        )
    group = get_group(session, item, group_id, field="group_id")
    places = _places(session, item)
    check_move(roster, {rid: p.group_id for rid, p in places.items() if rid in roster.people}, registration_id, group)
    place = places.get(registration_id)
    if place is None:
        place = BreakoutDraftPlace(registration_id=registration_id, session_id=item.id, group_id=group.id)
        session.add(place)
    place.group_id, place.locked, place.moved = group.id, lock, True
    session.flush()
    registration = roster.people[registration_id][0]
    return display_name(registration.first_name, registration.last_name), group


def locked_count(session: Session, item: AgendaSession) -> int:
    return session.execute(
        select(func.count())
        .select_from(BreakoutDraftPlace)
        .where(col(BreakoutDraftPlace.session_id) == item.id, col(BreakoutDraftPlace.locked).is_(True))
    ).scalar_one()


def set_draft_lock(session: Session, item: AgendaSession, registration_id: int, locked: bool) -> None:
    _require(session, item)
    place = _places(session, item).get(registration_id)
    if place is None:
        raise InvalidInput("this person has no place in the proposal", field="registration_id")
    place.locked = locked
    session.flush()


def discard_draft(session: Session, item: AgendaSession) -> None:
    session.execute(delete(BreakoutDraftPlace).where(col(BreakoutDraftPlace.session_id) == item.id))
    session.execute(delete(BreakoutDraft).where(col(BreakoutDraft.session_id) == item.id))
    session.flush()


def _outdated(roster: Roster, placed: dict[int, int]) -> str | None:
    """What makes the proposal impossible to commit now (people or limits changed since it was made)."""
    missing = [rid for rid in roster.people if rid not in placed]
    if missing:
        return (
            f"{len(missing)} confirmed participant{'s have' if len(missing) != 1 else ' has'} no group in this "
            "proposal (confirmed after it was made): solve again first"
        )
    groups = {group.id: group for group in roster.groups}
    for rid, group_id in placed.items():
        refused = refusal(roster, placed, rid, groups[group_id])
        if refused is not None:
            return f"{refused.detail} (a limit changed since the proposal was made): solve again or move someone"
    return None


def commit_draft(session: Session, event: Event, item: AgendaSession, *, notify: bool = True) -> int:
    """Save the proposal as the session's assignment, email each participant whose group is new, and
    drop the proposal. Returns how many emails were queued."""
    lock_session(session, item)
    _require(session, item)
    roster = load_roster(session, event, item)
    places = {rid: p for rid, p in _places(session, item).items() if rid in roster.people}
    placed = {rid: p.group_id for rid, p in places.items()}
    problem = _outdated(roster, placed)
    if problem is not None:
        raise ProposalOutdated(problem)
    emailed = save_placement(
        session,
        event,
        roster,
        placed,
        notify=notify,
        locked={rid for rid, p in places.items() if p.locked},
        moved=frozenset(rid for rid, p in places.items() if p.moved),
    )
    discard_draft(session, item)
    return emailed


def read_proposal(session: Session, event: Event, item: AgendaSession) -> Proposal | None:
    """The proposal with, per group, its members and their mix, and overall the solver's figures."""
    draft = get_draft(session, item)
    if draft is None:
        return None
    roster = load_roster(session, event, item)
    places = {rid: p for rid, p in _places(session, item).items() if rid in roster.people}
    facilitators = facilitator_pins(roster)
    members: dict[int, list[Member]] = {group.id: [] for group in roster.groups}
    for rid, place in places.items():
        registration, organisation = roster.people[rid]
        kind = roster.organisation_types.get(rid)
        members[place.group_id].append(
            Member(
                registration_id=rid,
                name=display_name(registration.first_name, registration.last_name),
                organisation=organisation,
                organisation_type=kind.value.replace("_", " ") if kind else None,
                country=registration.country,
                rank=roster.rank_of(rid, place.group_id),
                locked=place.locked,
                moved=place.moved,
                facilitator=facilitators.get(rid) == place.group_id,
            )
        )
    previous = (
        previous_groups(session, event, item, draft.avoid_repeats_with_session_id)
        if draft.avoid_repeats_with_session_id
        else None
    )
    instance = build_instance(roster, previous, {})
    placed_only = replace(instance, participants=tuple(p for p in instance.participants if int(p.id) in places))
    figures = metrics(placed_only, {str(rid): str(p.group_id) for rid, p in places.items()})
    return Proposal(
        draft=draft,
        groups=[
            ProposedGroup(group, sorted(members[group.id], key=lambda m: m.name.casefold())) for group in roster.groups
        ],
        metrics=figures,
        unplaced=[
            (rid, display_name(r.first_name, r.last_name)) for rid, (r, _) in roster.people.items() if rid not in places
        ],
        second_round_of=session.get(AgendaSession, draft.avoid_repeats_with_session_id)
        if draft.avoid_repeats_with_session_id
        else None,
    )
