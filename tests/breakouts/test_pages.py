"""The participant's breakout page: plain HTML forms, CSRF-protected, through the ASGI app."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.agenda.models import AgendaSession
from app.breakouts.models import BreakoutPreference
from app.breakouts.placement import solve_and_save_assignment
from app.breakouts.schemas import AssignmentRequest, SettingsUpdate
from app.breakouts.service import update_settings
from app.events.models import Event
from app.registration.links import participant_token
from tests.breakouts.conftest import add_groups, create_breakout
from tests.factories import add_participant, create_event


@pytest.fixture
def page(db, settings):
    with db.transaction() as session:
        event = create_event(session)
        item = create_breakout(session, event)
        groups = add_groups(session, item, 2, 2, 2, theme="What clusters can do")
        person = add_participant(session, event)
        return {
            "url": f"/r/{participant_token(settings, person)}/breakouts",
            "session": item.id,
            "groups": [g.id for g in groups],
            "person": person.id,
            "event": event.id,
        }


def form_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def ranked(db, registration_id: int) -> list[int]:
    with db.transaction(write=False) as session:
        return list(
            session.execute(
                select(BreakoutPreference.group_id)
                .where(BreakoutPreference.registration_id == registration_id)
                .order_by(BreakoutPreference.rank)
            ).scalars()
        )


def submit(client, page, choices: list, token: str | None = None):
    shown = client.get(page["url"])
    data = {"session_id": str(page["session"]), "csrf_token": token or form_token(shown.text)}
    data.update({f"choice_{rank}": str(value) for rank, value in enumerate(choices, start=1)})
    return client.post(page["url"], data=data, follow_redirects=False)


def test_the_page_offers_one_select_box_per_rank(client, page):
    response = client.get(page["url"])
    assert response.status_code == 200
    assert f'<label for="s{page["session"]}-choice-1">1st choice</label>' in response.text
    assert "3rd choice" in response.text and "4th choice" not in response.text
    assert "What clusters can do" in response.text
    # The groups sit under the session's h2, one level down.
    assert "<h3>" in response.text and "<h4>" not in response.text


def test_choices_are_saved_in_rank_order_and_shown_again(client, page, db):
    first, second, third = page["groups"]
    response = submit(client, page, [third, "", first])
    assert response.status_code == 303
    assert ranked(db, page["person"]) == [third, first]
    shown = client.get(response.headers["location"]).text
    assert "Your choices are saved." in shown
    assert f'<option value="{third}" selected>' in shown


def test_the_same_group_twice_is_explained_and_nothing_changes(client, page, db):
    first, second, _ = page["groups"]
    submit(client, page, [second])
    response = submit(client, page, [first, first])
    assert response.status_code == 422
    assert 'role="alert">Each group may be ranked only once</p>' in response.text
    assert ranked(db, page["person"]) == [second]


def test_a_form_without_its_csrf_token_is_refused(client, page, db):
    client.get(page["url"])
    response = client.post(
        page["url"],
        data={"session_id": str(page["session"]), "choice_1": str(page["groups"][0])},
        headers={"accept": "text/html"},
    )
    assert response.status_code == 403
    assert ranked(db, page["person"]) == []


def test_once_closed_and_assigned_the_page_shows_the_group_not_the_form(client, page, db):
    with db.transaction() as session:
        event, item = session.get(Event, page["event"]), session.get(AgendaSession, page["session"])
        solve_and_save_assignment(session, event, item, AssignmentRequest(dry_run=False, notify=False))
        update_settings(session, item, SettingsUpdate(preferences_open=False))
    shown = client.get(page["url"]).text
    assert "Your group: Group" in shown and "The choice of groups is closed." in shown
    assert 'name="choice_1"' not in shown
    assert submit(client, page, [page["groups"][0]], token="x").status_code == 403


def test_a_closed_session_refuses_a_stale_form(client, page, db):
    token = form_token(client.get(page["url"]).text)
    with db.transaction() as session:
        update_settings(session, session.get(AgendaSession, page["session"]), SettingsUpdate(preferences_open=False))
    response = submit(client, page, [page["groups"][0]], token=token)
    assert response.status_code == 409 and "closed the choice of groups" in response.text
    assert ranked(db, page["person"]) == []
