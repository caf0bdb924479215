"""Breakout choices on the public registration form: shown for open sessions with groups, checked
before anything is written, saved with the new registration."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.agenda.models import AgendaSession
from app.breakouts.models import BreakoutPreference
from app.breakouts.schemas import SettingsUpdate
from app.breakouts.service import update_settings
from app.registration.models import Registration, RegistrationStatus
from tests.breakouts.conftest import add_groups, create_breakout
from tests.factories import create_event, csrf_token
from tests.registration.conftest import form_fields


def form_data(token: str, **choices) -> dict:
    return form_fields(token, **choices)


@pytest.fixture
def workshop(db):
    with db.transaction() as session:
        event = create_event(session, slug="leuven", capacity=1)
        item = create_breakout(session, event, max_preferences=2)
        groups = add_groups(session, item, 5, 5, 5)
        other = create_breakout(session, create_event(session, slug="elsewhere"))
        foreign = add_groups(session, other, 5)
        return {"session": item.id, "groups": [group.id for group in groups], "foreign": foreign[0].id}


def box(workshop, rank: int) -> str:
    return f"breakouts.{workshop['session']}.choice_{rank}"


def stored(db) -> tuple[list[Registration], list[tuple[int, int, int]]]:
    with db.transaction(write=False) as session:
        registrations = list(session.execute(select(Registration).order_by(Registration.id)).scalars())
        preferences = session.execute(
            select(BreakoutPreference.registration_id, BreakoutPreference.group_id, BreakoutPreference.rank).order_by(
                BreakoutPreference.rank
            )
        ).all()
        return registrations, [tuple(row) for row in preferences]


def test_the_form_shows_one_choice_box_per_rank_for_an_open_breakout(client, workshop):
    page = client.get("/events/leuven/register")
    assert page.status_code == 200
    assert "Working groups at 14:00: your choice of working group</legend>" in page.text
    assert f'<label for="f-breakouts-{workshop["session"]}-choice_1">1st choice</label>' in page.text
    assert f'name="{box(workshop, 2)}"' in page.text and f'name="{box(workshop, 3)}"' not in page.text
    assert f'<option value="{workshop["groups"][2]}">Group 3</option>' in page.text


def test_an_event_without_breakouts_shows_no_choice_boxes(client, workshop, db):
    with db.transaction() as session:
        create_event(session, slug="plain")
    assert "your choice of working group" in client.get("/events/leuven/register").text
    page = client.get("/events/plain/register")
    assert page.status_code == 200 and "Register for" in page.text
    assert "your choice of working group" not in page.text and "breakouts." not in page.text


def test_closed_choices_show_no_boxes(client, workshop, db):
    assert "your choice of working group" in client.get("/events/leuven/register").text
    with db.transaction() as session:
        update_settings(
            session, session.get(AgendaSession, workshop["session"]), SettingsUpdate(preferences_open=False)
        )
    page = client.get("/events/leuven/register")
    assert page.status_code == 200 and "your choice of working group" not in page.text


def test_valid_choices_are_saved_with_the_registration(client, workshop, db):
    third = workshop["groups"][2]
    token = csrf_token(client.get("/events/leuven/register").text)
    # The 1st box left blank: the gap closes up, as on the participant's page.
    response = client.post(
        "/events/leuven/register",
        follow_redirects=False,
        data=form_data(token, **{box(workshop, 1): "", box(workshop, 2): str(third)}),
    )
    assert response.status_code == 303
    registrations, preferences = stored(db)
    assert len(registrations) == 1
    assert preferences == [(registrations[0].id, third, 1)]


def test_choices_are_saved_for_someone_on_the_waiting_list(client, workshop, db):
    first, second, _ = workshop["groups"]
    for number, status in enumerate(["confirmed", "waitlisted"]):
        token = csrf_token(client.get("/events/leuven/register").text)
        response = client.post(
            "/events/leuven/register",
            follow_redirects=False,
            data=form_data(
                token, email=f"ada{number}@example.org", **{box(workshop, 1): str(second), box(workshop, 2): str(first)}
            ),
        )
        assert response.status_code == 303 and f"status={status}" in response.headers["location"]
    registrations, preferences = stored(db)
    assert registrations[1].status is RegistrationStatus.waitlisted
    assert [(group, rank) for person, group, rank in preferences if person == registrations[1].id] == [
        (second, 1),
        (first, 2),
    ]


@pytest.mark.parametrize("choice", ["same", "foreign", "tampered"])
def test_a_bad_choice_keeps_the_values_and_writes_nothing(client, workshop, db, choice):
    first = workshop["groups"][0]
    second = {"same": str(first), "foreign": str(workshop["foreign"]), "tampered": "x'); --"}[choice]
    token = csrf_token(client.get("/events/leuven/register").text)
    response = client.post(
        "/events/leuven/register",
        follow_redirects=False,
        data=form_data(token, **{box(workshop, 1): str(first), box(workshop, 2): second}),
    )
    assert response.status_code == 422
    html = response.text
    if choice == "same":
        error_id = f"f-breakouts-{workshop['session']}-error"
        assert "Each group may be ranked only once" in html
    else:
        error_id = f"f-breakouts-{workshop['session']}-choice_2-error"
        assert "Choose a group from the list" in html
    # The message next to its field, and tied to it.
    assert f'id="{error_id}"' in html and re.search(f'aria-describedby="[^"]*{error_id}"', html)
    assert f'<option value="{first}" selected>Group 1</option>' in html
    assert 'value="Ada"' in html and 'value="ada@example.org"' in html
    assert stored(db) == ([], [])
