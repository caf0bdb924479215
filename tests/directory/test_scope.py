"""The directory scoped like everything else: an organiser limited to event B sees the people,
organisations and projects B uses (and those it added), changes only those no other event uses,
and learns nothing of event A's people."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from app.agenda.models import SessionRole
from app.core.security import Role
from app.directory.models import Person
from app.directory.schemas import PersonCreate
from app.directory.service import create_person
from app.directory.usage import events_using
from app.registration.models import Registration
from tests.conftest import token_headers
from tests.console.conftest import make_account, sign_in
from tests.factories import add_participant, create_agenda_session, create_event, create_project


@dataclass(frozen=True)
class World:
    event_a: int
    event_b: int
    speaker_a: int  # on A's agenda only
    shared: int  # on both agendas
    project_a: int  # of a registration of A only
    project_shared: int  # of registrations of A and B
    registration_a: int


def _speaker(session, event, person_id: int, title: str) -> None:
    create_agenda_session(session, event, title=title, roles=[{"person_id": person_id, "role": "speaker"}])


@pytest.fixture
def world(db) -> World:
    with db.transaction() as session:
        a, b = create_event(session, title="Event A"), create_event(session, title="Event B")
        speaker_a = create_person(
            session,
            PersonCreate(first_name="Alice", last_name="Aalst", email="alice@a.example", organisation="Speakers Guild"),
        )
        shared = create_person(session, PersonCreate(first_name="Sam", last_name="Shared", email="sam@both.example"))
        for title in ("Opening", "Panel", "Closing", "Wrap-up"):
            _speaker(session, a, speaker_a.id, title)
        _speaker(session, a, shared.id, "Keynote A")
        _speaker(session, b, shared.id, "Keynote B")
        project_a, project_shared = create_project(session, acronym="ONLYA"), create_project(session, acronym="BOTH")
        registration_a = add_participant(session, a, project_id=project_a.id, organisation="Agency of A")
        add_participant(session, a, project_id=project_shared.id, organisation="Shared Cluster")
        add_participant(session, b, project_id=project_shared.id, organisation="Shared Cluster")
        return World(a.id, b.id, speaker_a.id, shared.id, project_a.id, project_shared.id, registration_a.id)


@pytest.fixture
def organiser_b(db, world) -> dict[str, str]:
    return token_headers(db, Role.organiser, world.event_b)


def _roles_of(db, person_id: int) -> int:
    with db.transaction(write=False) as session:
        return session.execute(
            select(func.count()).select_from(SessionRole).where(SessionRole.person_id == person_id)
        ).scalar_one()


def test_an_organiser_of_b_reads_no_email_of_a_person_only_a_uses(client, world, organiser_b):
    listing = client.get("/api/v1/people?limit=500", headers=organiser_b)
    assert listing.status_code == 200
    assert "alice@a.example" not in listing.text and "Aalst" not in listing.text
    assert [p["email"] for p in listing.json()["items"]] == ["sam@both.example"] and listing.json()["total"] == 1
    assert client.get(f"/api/v1/people/{world.speaker_a}", headers=organiser_b).status_code == 404
    assert "alice" not in client.get("/api/v1/people?q=Ali", headers=organiser_b).text


def test_an_organiser_of_b_sees_the_projects_and_organisations_b_uses(client, world, organiser_b):
    projects = client.get("/api/v1/projects", headers=organiser_b).json()
    assert [p["acronym"] for p in projects["items"]] == ["BOTH"]
    assert client.get(f"/api/v1/projects/{world.project_a}", headers=organiser_b).status_code == 404
    names = [o["name"] for o in client.get("/api/v1/organisations", headers=organiser_b).json()["items"]]
    assert names == ["Shared Cluster"]


def test_an_organiser_of_b_cannot_delete_a_person_a_uses(client, db, world, organiser_b):
    assert client.delete(f"/api/v1/people/{world.speaker_a}", headers=organiser_b).status_code == 404
    shared = client.delete(f"/api/v1/people/{world.shared}", headers=organiser_b)
    assert shared.status_code == 403 and shared.headers["content-type"] == "application/problem+json"
    assert "other event" in shared.json()["detail"]
    changed = client.patch(f"/api/v1/people/{world.shared}", json={"email": "x@b.example"}, headers=organiser_b)
    assert changed.status_code == 403
    # A's agenda keeps every role: four for Alice, one for Sam (and B's one for Sam).
    assert _roles_of(db, world.speaker_a) == 4 and _roles_of(db, world.shared) == 2


def test_an_organiser_of_b_cannot_delete_or_change_a_project_a_uses(client, db, world, organiser_b):
    assert client.delete(f"/api/v1/projects/{world.project_a}", headers=organiser_b).status_code == 404
    assert client.delete(f"/api/v1/projects/{world.project_shared}", headers=organiser_b).status_code == 403
    assert (
        client.patch(
            f"/api/v1/projects/{world.project_shared}", json={"title": "Mine"}, headers=organiser_b
        ).status_code
        == 403
    )
    shared_organisation = client.get("/api/v1/organisations", headers=organiser_b).json()["items"][0]["id"]
    assert client.delete(f"/api/v1/organisations/{shared_organisation}", headers=organiser_b).status_code == 403
    with db.transaction(write=False) as session:
        projects = (
            session.execute(select(Registration.project_id).where(Registration.event_id == world.event_a))
            .scalars()
            .all()
        )
    assert sorted(projects) == sorted([world.project_a, world.project_shared])


def test_an_organiser_of_b_cannot_reach_a_person_of_a_by_id_through_its_agenda(client, world, organiser_b):
    body = {
        "title": "Talk",
        "kind": "talk",
        "starts_at": "2030-06-20T11:00:00+02:00",
        "ends_at": "2030-06-20T12:00:00+02:00",
        "roles": [{"person_id": world.speaker_a, "role": "speaker"}],
    }
    response = client.post(f"/api/v1/events/{world.event_b}/sessions", json=body, headers=organiser_b)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "roles.0.person_id"
    assert client.get(f"/api/v1/people/{world.speaker_a}", headers=organiser_b).status_code == 404


def test_an_organiser_of_b_cannot_make_a_person_of_a_facilitate_bs_breakout_group(client, world, organiser_b):
    body = {
        "title": "Groups",
        "kind": "breakout",
        "starts_at": "2030-06-20T11:00:00+02:00",
        "ends_at": "2030-06-20T12:00:00+02:00",
    }
    breakout = client.post(f"/api/v1/events/{world.event_b}/sessions", json=body, headers=organiser_b).json()["id"]
    groups = f"/api/v1/events/{world.event_b}/sessions/{breakout}/groups"
    refused = client.post(
        groups, json={"title": "G", "capacity": 5, "facilitator_person_id": world.speaker_a}, headers=organiser_b
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "facilitator_person_id"
    group = client.post(
        groups, json={"title": "G", "capacity": 5, "facilitator_person_id": world.shared}, headers=organiser_b
    )
    assert group.status_code == 201
    changed = client.patch(
        f"{groups}/{group.json()['id']}", json={"rapporteur_person_id": world.speaker_a}, headers=organiser_b
    )
    assert changed.status_code == 422 and changed.json()["errors"][0]["field"] == "rapporteur_person_id"


def test_an_organiser_of_b_adds_people_changes_them_and_puts_them_on_bs_agenda(client, world, organiser_b):
    created = client.post(
        "/api/v1/people",
        json={"first_name": "Bea", "last_name": "Brugge", "email": "bea@b.example"},
        headers=organiser_b,
    )
    assert created.status_code == 201
    person = created.json()["id"]
    assert client.get(f"/api/v1/people/{person}", headers=organiser_b).json()["email"] == "bea@b.example"
    assert client.patch(f"/api/v1/people/{person}", json={"job_title": "Chair"}, headers=organiser_b).status_code == 200
    body = {
        "title": "Talk",
        "kind": "talk",
        "starts_at": "2030-06-20T11:00:00+02:00",
        "ends_at": "2030-06-20T12:00:00+02:00",
        "roles": [{"person_id": person, "role": "speaker"}],
    }
    assert client.post(f"/api/v1/events/{world.event_b}/sessions", json=body, headers=organiser_b).status_code == 201
    assert client.delete(f"/api/v1/people/{person}", headers=organiser_b).status_code == 204


def test_another_organisers_new_person_stays_theirs(client, db, world, organiser_b):
    organiser_a = token_headers(db, Role.organiser, world.event_a)
    person = client.post(
        "/api/v1/people", json={"first_name": "Ann", "last_name": "New", "email": "ann@a.example"}, headers=organiser_a
    ).json()["id"]
    assert client.get(f"/api/v1/people/{person}", headers=organiser_b).status_code == 404
    assert "ann@a.example" not in client.get("/api/v1/people", headers=organiser_b).text


@pytest.mark.parametrize("role", ["admin", "organiser of all events"])
def test_admins_and_organisers_of_all_events_see_and_change_everything(client, db, world, role):
    headers = token_headers(db, Role.admin if role == "admin" else Role.organiser)
    emails = {p["email"] for p in client.get("/api/v1/people", headers=headers).json()["items"]}
    assert {"alice@a.example", "sam@both.example"} <= emails
    assert (
        client.patch(f"/api/v1/projects/{world.project_shared}", json={"title": "Renamed"}, headers=headers).status_code
        == 200
    )
    assert client.delete(f"/api/v1/people/{world.shared}", headers=headers).status_code == 204


def test_the_console_agenda_offers_organisers_only_their_events_people(client, db, world):
    make_account(db, "b@example.org", Role.organiser, (world.event_b,))
    sign_in(client, "b@example.org")
    page = client.get(f"/manage/events/{world.event_b}/agenda")
    assert page.status_code == 200 and "Shared, Sam" in page.text and "Aalst" not in page.text


def test_which_events_use_a_row_is_read_from_the_foreign_keys(db, world):
    with db.transaction(write=False) as session:
        assert events_using(session, "person", world.speaker_a) == {world.event_a}
        assert events_using(session, "person", world.shared) == {world.event_a, world.event_b}
        assert events_using(session, "project", world.project_shared) == {world.event_a, world.event_b}
        guild = session.execute(select(Person.organisation_id).where(Person.id == world.speaker_a)).scalar_one()
        assert events_using(session, "organisation", guild) == {world.event_a}  # through its person
