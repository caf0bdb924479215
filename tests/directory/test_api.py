"""Projects, organisations and people through the organiser API."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.core.security import Role
from app.directory.models import Project
from tests.conftest import token_headers

PROJECT = {
    "acronym": "CLUSTERS3",
    "title": "Cluster policies for RIS3",
    "url": "https://example.org/clusters3",
    "programme": "Interreg Europe",
    "topic": "Research and innovation",
}


def project_count(db) -> int:
    with db.transaction(write=False) as session:
        return session.execute(select(func.count()).select_from(Project)).scalar_one()


def test_create_filter_update_and_delete_projects(client, organiser):
    created = client.post("/api/v1/projects", json=PROJECT, headers=organiser)
    assert created.status_code == 201 and created.json()["acronym"] == "CLUSTERS3"
    client.post(
        "/api/v1/projects", json={**PROJECT, "acronym": "INTRA", "topic": "SME competitiveness"}, headers=organiser
    )

    listing = client.get("/api/v1/projects?topic=SME%20competitiveness", headers=organiser).json()
    assert listing["total"] == 1 and listing["items"][0]["acronym"] == "INTRA"
    assert client.get("/api/v1/projects?q=clusters", headers=organiser).json()["total"] == 1

    project_id = created.json()["id"]
    patched = client.patch(f"/api/v1/projects/{project_id}", json={"title": "Renamed"}, headers=organiser)
    assert patched.json()["title"] == "Renamed"
    assert client.delete(f"/api/v1/projects/{project_id}", headers=organiser).status_code == 204
    assert client.get(f"/api/v1/projects/{project_id}", headers=organiser).status_code == 404


def test_project_acronyms_are_unique_in_any_case(client, organiser, db):
    client.post("/api/v1/projects", json=PROJECT, headers=organiser)
    response = client.post("/api/v1/projects", json={**PROJECT, "acronym": "clusters3"}, headers=organiser)
    assert response.status_code == 409 and response.json()["errors"][0]["field"] == "acronym"
    assert project_count(db) == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"url": "not a url"}, "url"),
        ({"acronym": ""}, "acronym"),
        ({"title": "t" * 301}, "title"),
        ({"acronym": 12}, "acronym"),
    ],
)
def test_bad_project_input_is_a_422_naming_the_field(client, organiser, db, overrides, field):
    response = client.post("/api/v1/projects", json={**PROJECT, **overrides}, headers=organiser)
    assert response.status_code == 422 and field in [e["field"] for e in response.json()["errors"]]
    assert project_count(db) == 0


def test_organisations_have_a_type_and_unique_names(client, organiser):
    body = {"name": "Flanders Innovation & Entrepreneurship", "type": "agency", "country": "be"}
    created = client.post("/api/v1/organisations", json=body, headers=organiser)
    assert created.status_code == 201 and created.json()["country"] == "BE"
    assert (
        client.post("/api/v1/organisations", json={**body, "name": body["name"].upper()}, headers=organiser).status_code
        == 409
    )
    assert (
        client.post("/api/v1/organisations", json={**body, "name": "X", "type": "alien"}, headers=organiser).status_code
        == 422
    )
    assert client.get("/api/v1/organisations?type=agency", headers=organiser).json()["total"] == 1


def test_people_carry_their_organisation_by_name(client, organiser):
    created = client.post(
        "/api/v1/people",
        json={
            "first_name": "Carl Arvid",
            "last_name": "Dahlöf",
            "organisation": "Policy Learning Platform",
            "email": "C.D@Example.org",
        },
        headers=organiser,
    ).json()
    assert created["organisation"] == "Policy Learning Platform" and created["email"] == "c.d@example.org"
    assert client.get("/api/v1/people?q=dahl", headers=organiser).json()["items"][0]["last_name"] == "Dahlöf"
    bad = client.post("/api/v1/people", json={"first_name": "A", "last_name": "B", "email": "nope"}, headers=organiser)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "email"


def test_checkin_tokens_cannot_touch_the_directory(client, db):
    checkin = token_headers(db, Role.checkin)
    assert client.get("/api/v1/projects", headers=checkin).status_code == 403
    assert client.post("/api/v1/projects", json=PROJECT, headers=checkin).status_code == 403
    assert client.get("/api/v1/people", headers=checkin).status_code == 403
