"""The organiser API of a breakout session, through the ASGI app."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.breakouts.models import BreakoutAssignment
from app.core.security import Role
from app.directory.models import Person
from app.events.models import Event
from app.notifications.models import OutboxEmail
from tests.breakouts.conftest import add_choosers, add_groups, create_breakout
from tests.conftest import token_headers
from tests.factories import add_participant, create_agenda_session, create_event


@pytest.fixture
def breakout(db):
    """An event with a breakout session of two groups (capacity 2 and 3) and three participants
    who all rank the first group first."""
    with db.transaction() as session:
        event = create_event(session)
        item = create_breakout(session, event)
        groups = add_groups(session, item, 2, 3)
        people = add_choosers(session, event, item, groups, 3)
        return {
            "event": event.id,
            "session": item.id,
            "groups": [g.id for g in groups],
            "people": [p.id for p in people],
        }


def url(breakout, tail: str) -> str:
    return f"/api/v1/events/{breakout['event']}/sessions/{breakout['session']}/{tail}"


def count(db, model) -> int:
    with db.transaction(write=False) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_groups_are_created_listed_with_sizes_and_changed(client, organiser, breakout, db):
    with db.transaction() as session:
        rapporteur = Person(first_name="Carl Arvid", last_name="Dahlöf")
        session.add(rapporteur)
        session.flush()
        rapporteur_id = rapporteur.id
    created = client.post(
        url(breakout, "groups"),
        headers=organiser,
        json={"title": "SMEs", "theme": "Reaching small firms", "room": "Room C", "capacity": 12},
    )
    assert created.status_code == 201 and created.json()["position"] == 2

    changed = client.patch(
        url(breakout, f"groups/{created.json()['id']}"),
        headers=organiser,
        json={"report_notes": "Three actions agreed.", "rapporteur_person_id": rapporteur_id},
    )
    assert (
        changed.json()["report_notes"] == "Three actions agreed."
        and changed.json()["rapporteur"] == "Carl Arvid Dahlöf"
    )

    client.post(url(breakout, "assignment"), headers=organiser, json={"dry_run": False})
    listed = client.get(url(breakout, "groups"), headers=organiser).json()
    assert listed["total"] == 3
    assert [g["first_choices"] for g in listed["items"]] == [3, 0, 0]
    assert sum(g["size"] for g in listed["items"]) == 3


def test_a_session_of_another_kind_or_event_is_refused(client, organiser, breakout, db):
    with db.transaction() as session:
        other_event = create_event(session)
        talk = create_agenda_session(session, other_event)
        talk_id, other_event_id = talk.id, other_event.id
    assert (
        client.get(f"/api/v1/events/{breakout['event']}/sessions/{talk_id}/groups", headers=organiser).status_code
        == 404
    )
    wrong_kind = client.get(f"/api/v1/events/{other_event_id}/sessions/{talk_id}/groups", headers=organiser)
    assert wrong_kind.status_code == 422 and "not a breakout" in wrong_kind.json()["detail"]


def test_checkin_staff_may_not_manage_groups(client, breakout, db):
    headers = token_headers(db, Role.checkin)
    assert client.get(url(breakout, "groups"), headers=headers).status_code == 403


def test_preferences_are_set_and_listed_and_an_unknown_group_names_the_field(client, organiser, breakout):
    first, second = breakout["groups"]
    person = breakout["people"][0]
    saved = client.put(
        url(breakout, "preferences"), headers=organiser, json={"registration_id": person, "group_ids": [second, first]}
    )
    assert saved.status_code == 200 and saved.json()["group_ids"] == [second, first]

    refused = client.put(
        url(breakout, "preferences"), headers=organiser, json={"registration_id": person, "group_ids": [first, 999999]}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "group_ids.1"
    listed = client.get(url(breakout, "preferences"), headers=organiser).json()["items"]
    assert next(p for p in listed if p["registration_id"] == person)["group_ids"] == [second, first]


def test_a_dry_run_proposes_and_a_commit_saves_and_emails(client, organiser, breakout, db):
    preview = client.post(url(breakout, "assignment"), headers=organiser, json={"dry_run": True})
    assert preview.status_code == 200
    body = preview.json()
    assert body["saved"] is False and body["objective"] == 1
    assert [len(g["members"]) for g in body["groups"]] == [2, 1]
    assert count(db, BreakoutAssignment) == 0 and count(db, OutboxEmail) == 0

    committed = client.post(url(breakout, "assignment"), headers=organiser, json={"dry_run": False})
    assert committed.json()["saved"] is True
    assert count(db, BreakoutAssignment) == 3 and count(db, OutboxEmail) == 3

    read = client.get(url(breakout, "assignment"), headers=organiser).json()
    assert read["objective"] == 1 and read["metrics"]["group_sizes"] == {
        str(g): n for g, n in zip(breakout["groups"], [2, 1], strict=True)
    }


def test_an_infeasible_assignment_is_a_409_naming_the_cause_and_saves_nothing(client, organiser, breakout, db):
    with db.transaction() as session:
        event = session.get(Event, breakout["event"])
        for _ in range(3):
            add_participant(session, event)
    response = client.post(url(breakout, "assignment"), headers=organiser, json={"dry_run": False})
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "capacity" in response.json()["detail"]
    assert count(db, BreakoutAssignment) == 0 and count(db, OutboxEmail) == 0


def test_a_move_into_a_full_group_is_409_and_a_move_elsewhere_locks(client, organiser, breakout):
    client.post(url(breakout, "assignment"), headers=organiser, json={"dry_run": False})
    first, second = breakout["groups"]
    assignment = client.get(url(breakout, "assignment"), headers=organiser).json()
    in_second = assignment["groups"][1]["members"][0]["registration_id"]

    full = client.post(
        url(breakout, "assignment/move"), headers=organiser, json={"registration_id": in_second, "group_id": first}
    )
    assert full.status_code == 409 and full.json()["title"] == "Group full"

    in_first = assignment["groups"][0]["members"][0]["registration_id"]
    moved = client.post(
        url(breakout, "assignment/move"), headers=organiser, json={"registration_id": in_first, "group_id": second}
    )
    assert moved.status_code == 200
    member = next(m for m in moved.json()["groups"][1]["members"] if m["registration_id"] == in_first)
    assert member["locked"] is True and member["source"] == "manual"


def test_settings_are_read_with_defaults_and_changed(client, organiser, breakout):
    assert client.get(url(breakout, "settings"), headers=organiser).json()["max_preferences"] == 3
    changed = client.patch(
        url(breakout, "settings"),
        headers=organiser,
        json={"max_preferences": 2, "preferences_open": False, "max_per_country": 4},
    )
    assert changed.json() | {"committed_at": None} == {
        "session_id": breakout["session"],
        "max_preferences": 2,
        "preferences_open": False,
        "max_per_country": 4,
        "max_per_organisation": None,
        "committed_at": None,
    }
    assert client.patch(url(breakout, "settings"), headers=organiser, json={"max_preferences": 0}).status_code == 422
