"""Breakout services against a real database: what is saved holds every constraint of the problem."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from app.breakouts.models import BreakoutPreference
from app.breakouts.placement import (
    CapReached,
    move_participant,
    preview_assignment,
    read_assignment,
    solve_and_save_assignment,
)
from app.breakouts.schemas import AssignmentRequest, GroupUpdate, MoveRequest
from app.breakouts.service import GroupFull, PreferencesClosed, breakout_sessions, set_preferences, update_group
from app.core.errors import Infeasible, InvalidInput
from app.demo.loader import load_demo
from app.directory.models import Person
from app.notifications.models import OutboxEmail
from app.registration.models import RegistrationStatus
from tests.breakouts.conftest import add_choosers, add_groups, create_breakout, saved_groups
from tests.factories import add_participant, create_event

COMMIT = AssignmentRequest(dry_run=False)


def _emails(session) -> int:
    return session.execute(select(func.count()).select_from(OutboxEmail)).scalar_one()


def test_commit_places_each_confirmed_participant_once_within_capacity(session):
    event = create_event(session)
    item = create_breakout(session, event)
    small, large = add_groups(session, item, 2, 5)
    everyone = add_choosers(session, event, item, [small, large], 5)
    cancelled = add_participant(session, event, status=RegistrationStatus.cancelled)

    result = solve_and_save_assignment(session, event, item, COMMIT)

    saved = saved_groups(session, item)
    assert set(saved) == {person.id for person in everyone}
    assert cancelled.id not in saved
    assert Counter(saved.values()) == {small.id: 2, large.id: 3}
    assert result.objective == 3  # three people in their second choice: 3 x (2-1)^2
    assert result.saved and not result.unassigned


def test_preview_writes_nothing(session):
    event = create_event(session)
    item = create_breakout(session, event)
    (group,) = add_groups(session, item, 3)
    add_choosers(session, event, item, [group], 3)

    result = preview_assignment(session, event, item, AssignmentRequest())

    assert not result.saved and sorted(len(g.members) for g in result.groups) == [3]
    assert saved_groups(session, item) == {} and _emails(session) == 0


def test_a_registered_facilitator_sits_in_their_own_group(session):
    event = create_event(session)
    item = create_breakout(session, event)
    facilitator = Person(first_name="Marc", last_name="Pattinson")
    session.add(facilitator)
    session.flush()
    first, second = add_groups(session, item, 3, 3)
    update_group(session, second, GroupUpdate(facilitator_person_id=facilitator.id))
    registered = add_participant(session, event, person_id=facilitator.id)
    set_preferences(session, item, registered, [first.id], by_participant=False)

    solve_and_save_assignment(session, event, item, COMMIT)

    assert saved_groups(session, item)[registered.id] == second.id


def test_a_locked_move_survives_solving_again(session):
    event = create_event(session)
    item = create_breakout(session, event)
    wanted, other = add_groups(session, item, 3, 3)
    person, *_ = add_choosers(session, event, item, [wanted, other], 3)
    solve_and_save_assignment(session, event, item, COMMIT)

    move_participant(session, event, item, MoveRequest(registration_id=person.id, group_id=other.id))
    solve_and_save_assignment(session, event, item, COMMIT)

    assert saved_groups(session, item)[person.id] == other.id
    member = next(
        m for g in read_assignment(session, event, item).groups for m in g.members if m.registration_id == person.id
    )
    assert member.locked and member.source == "manual"


def test_moving_into_a_full_group_is_refused_and_changes_nothing(session):
    event = create_event(session)
    item = create_breakout(session, event)
    full, spare = add_groups(session, item, 1, 2)
    first, second = add_choosers(session, event, item, [full, spare], 2)
    solve_and_save_assignment(session, event, item, COMMIT)
    before = saved_groups(session, item)
    outsider = second if before[first.id] == full.id else first

    with pytest.raises(GroupFull) as refused:
        move_participant(session, event, item, MoveRequest(registration_id=outsider.id, group_id=full.id))

    assert refused.value.field == "group_id"
    assert saved_groups(session, item) == before


def test_a_move_past_the_country_cap_is_refused_with_the_reason(session):
    event = create_event(session)
    item = create_breakout(session, event, max_per_country=1)
    one, two = add_groups(session, item, 3, 3)
    belgians = add_choosers(session, event, item, [one, two], 2, country="BE")
    solve_and_save_assignment(session, event, item, COMMIT)
    before = saved_groups(session, item)
    mover, stayer = belgians

    with pytest.raises(CapReached) as refused:
        move_participant(session, event, item, MoveRequest(registration_id=mover.id, group_id=before[stayer.id]))

    assert refused.value.status == 409 and refused.value.field == "group_id"
    assert "from Belgium, the most per country (1)" in refused.value.detail
    assert saved_groups(session, item) == before


def test_the_country_cap_holds_in_what_is_saved(session):
    event = create_event(session)
    item = create_breakout(session, event, max_per_country=2)
    popular, quiet = add_groups(session, item, 4, 4)
    add_choosers(session, event, item, [popular], 3, country="FR")
    add_choosers(session, event, item, [popular], 1, country="BE")

    solve_and_save_assignment(session, event, item, COMMIT)

    saved = saved_groups(session, item)
    assert Counter(saved.values()) == {popular.id: 3, quiet.id: 1}
    assert read_assignment(session, event, item).metrics["first_choice_share"] == 0.75


def test_too_little_capacity_is_infeasible_and_saves_nothing(session):
    event = create_event(session)
    item = create_breakout(session, event)
    (group,) = add_groups(session, item, 2)
    add_choosers(session, event, item, [group], 2)
    solve_and_save_assignment(session, event, item, COMMIT)
    before = saved_groups(session, item)
    add_choosers(session, event, item, [group], 1)

    with pytest.raises(Infeasible) as infeasible:
        solve_and_save_assignment(session, event, item, COMMIT)

    assert "capacity" in infeasible.value.detail
    assert saved_groups(session, item) == before


def test_round_two_meets_fewer_round_one_mates_when_asked(session):
    event = create_event(session)
    first_round = create_breakout(session, event, starts=11)
    second_round = create_breakout(session, event, starts=14)
    a, b = add_groups(session, first_round, 4, 4)
    c, d = add_groups(session, second_round, 4, 4)
    people = add_choosers(session, event, first_round, [a], 4) + add_choosers(session, event, first_round, [b], 4)
    solve_and_save_assignment(session, event, first_round, COMMIT)
    for person in people:  # nobody minds which group in round two
        set_preferences(session, second_round, person, [c.id, d.id], by_participant=False)

    plain = preview_assignment(session, event, second_round, AssignmentRequest())
    mixed = preview_assignment(
        session, event, second_round, AssignmentRequest(avoid_repeats_with_session_id=first_round.id)
    )

    assert mixed.metrics["repeat_pairs"] == 4  # each round-2 group takes two from a and two from b
    assert mixed.objective == plain.objective


def test_the_other_round_must_be_a_breakout_of_the_same_event(session):
    event = create_event(session)
    item = create_breakout(session, event)
    add_groups(session, item, 2)
    with pytest.raises(InvalidInput) as refused:
        preview_assignment(session, event, item, AssignmentRequest(avoid_repeats_with_session_id=item.id + 999))
    assert refused.value.field == "avoid_repeats_with_session_id"


def test_commit_emails_only_people_whose_group_is_new(session):
    event = create_event(session)
    item = create_breakout(session, event)
    first, second = add_groups(session, item, 2, 3)
    people = add_choosers(session, event, item, [first, second], 3)
    solve_and_save_assignment(session, event, item, COMMIT)
    assert _emails(session) == 3

    solve_and_save_assignment(session, event, item, COMMIT)
    assert _emails(session) == 3

    mover = next(p for p, g in saved_groups(session, item).items() if g == first.id)
    move_participant(session, event, item, MoveRequest(registration_id=mover, group_id=second.id, lock=False))
    emails = session.execute(select(OutboxEmail).order_by(OutboxEmail.id)).scalars().all()
    assert len(emails) == 4 and emails[-1].template == "breakout_assigned"
    assert emails[-1].context["group_title"] == second.title and emails[-1].context["registration_id"] == mover
    assert {e.to_address for e in emails[:3]} == {p.email for p in people}


@pytest.mark.parametrize(
    ("choices", "field"),
    [
        (lambda g, o: [g[0], g[1], g[2], g[0]], "group_ids"),  # more than P=3
        (lambda g, o: [g[0], g[0]], "group_ids"),  # the same group twice
        (lambda g, o: [g[1], o], "group_ids.1"),  # a group of another session
    ],
)
def test_bad_preferences_are_refused_and_the_old_ones_kept(session, choices, field):
    event = create_event(session)
    item, elsewhere = create_breakout(session, event, starts=11), create_breakout(session, event, starts=14)
    groups = add_groups(session, item, 2, 2, 2)
    (other,) = add_groups(session, elsewhere, 2)
    (person,) = add_choosers(session, event, item, [groups[2]], 1)

    with pytest.raises(InvalidInput) as refused:
        set_preferences(session, item, person, [g.id for g in choices(groups, other)], by_participant=False)

    assert refused.value.field == field
    kept = session.execute(select(BreakoutPreference.group_id).where(BreakoutPreference.registration_id == person.id))
    assert kept.scalars().all() == [groups[2].id]


def test_participants_cannot_change_choices_once_closed_but_organisers_can(session):
    event = create_event(session)
    item = create_breakout(session, event, preferences_open=False)
    (group,) = add_groups(session, item, 2)
    person = add_participant(session, event)

    with pytest.raises(PreferencesClosed):
        set_preferences(session, item, person, [group.id], by_participant=True)
    assert set_preferences(session, item, person, [group.id], by_participant=False) == [group.id]


def test_capacity_cannot_drop_below_the_people_assigned(session):
    event = create_event(session)
    item = create_breakout(session, event)
    (group,) = add_groups(session, item, 3)
    add_choosers(session, event, item, [group], 3)
    solve_and_save_assignment(session, event, item, COMMIT)

    with pytest.raises(GroupFull):
        update_group(session, group, GroupUpdate(capacity=2))
    assert update_group(session, group, GroupUpdate(capacity=3)).capacity == 3


def test_the_demo_assigns_its_three_working_groups(session):
    event = load_demo(session).event
    result = read_assignment(session, event, breakout_sessions(session, event)[0])

    assert [g.title for g in result.groups][0] == "Clusters as drivers of innovation and technology transfer"
    sizes = [len(g.members) for g in result.groups]
    assert len(sizes) == 3 and sum(sizes) == 32 and max(sizes) <= 12
    for group in result.groups:
        assert max(Counter(m.country for m in group.members).values()) <= 4
        assert max(Counter(m.organisation for m in group.members).values()) <= 2
    members = {g.title: [m.name for m in g.members] for g in result.groups}
    assert "Marc Pattinson" in members["Clusters as drivers of innovation and technology transfer"]
    assert "Luc Schmerber" in members["Clusters supporting and engaging SMEs"]
    assert result.metrics["first_choice_share"] >= 0.5
    assert _emails(session) == 0
