"""CSV import by an organiser: a dry run reports every bad row by line, a real run is all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.notifications.models import OutboxEmail
from app.registration.models import Registration, RegistrationStatus
from app.registration.questions import create_question
from app.registration.schemas import QuestionCreate
from tests.factories import create_project
from tests.registration.conftest import open_event

HEADER = "first_name,last_name,email,organisation,organisation_type,country,project,publication,answers.diet\n"
GOOD = (
    HEADER
    + "Ada,Peeters,ada@example.org,Flanders Agency,agency,BE,CLU3,everyone,vegan\n"
    + 'Jean,"Dupont, Jr",jean@example.org,,University,France,,,none\n'
)


@pytest.fixture
def event(db):
    with db.transaction() as session:
        event = open_event(session, slug="import-me", capacity=10)
        create_question(
            session,
            event,
            QuestionCreate(key="diet", label="Diet", kind="single_choice", required=True, options=["none", "vegan"]),
        )
        create_project(session, acronym="CLU3")
    return event


def count(db) -> int:
    with db.transaction(write=False) as session:
        return session.execute(select(func.count()).select_from(Registration)).scalar_one()


def post(client, event, body: str | bytes, organiser, *, dry_run: bool):
    return client.post(
        f"/api/v1/events/{event.id}/registrations/import?dry_run={str(dry_run).lower()}",
        content=body,
        headers={**organiser, "Content-Type": "text/csv"},
    )


def test_a_valid_file_is_checked_by_a_dry_run_then_imported_confirmed(client, event, organiser, db):
    checked = post(client, event, GOOD, organiser, dry_run=True)
    assert checked.status_code == 200, checked.text
    assert checked.json() | {"errors": None} == {
        "dry_run": True,
        "ok": True,
        "rows": 2,
        "imported": 0,
        "statuses": {"confirmed": 2},
        "errors": None,
    }
    assert count(db) == 0
    done = post(client, event, GOOD, organiser, dry_run=False)
    assert done.status_code == 200 and done.json()["imported"] == 2
    with db.transaction(write=False) as session:
        people = session.execute(select(Registration).order_by(Registration.id)).scalars().all()
        assert [(p.last_name, p.country, p.status) for p in people] == [
            ("Peeters", "BE", RegistrationStatus.confirmed),
            ("Dupont, Jr", "FR", RegistrationStatus.confirmed),
        ]
        assert people[1].answers == {"diet": "none"} and people[1].publication.value == "nobody"


BAD = (
    HEADER
    + "Ada,Peeters,ada@example.org,,,BE,,,vegan\n"
    + "Bob,Bad,not-an-email,,,BE,,,vegan\n"
    + "Cy,Country,cy@example.org,,,Atlantis,,,none\n"
    + "Di,Diet,di@example.org,,,BE,,,\n"
    + "Ed,Project,ed@example.org,,,BE,NOPE,,none\n"
    + "Ada,Again,ADA@example.org,,,BE,,,none\n"
    + "Flo,Fine,flo@example.org,,,BE,,,none\n"
)


def test_dry_run_reports_every_bad_row_by_line_number(client, event, organiser, db):
    report = post(client, event, BAD, organiser, dry_run=True).json()
    assert report["ok"] is False and report["rows"] == 7
    assert [(e["line"], e["field"]) for e in report["errors"]] == [
        (3, "email"),
        (4, "country"),
        (5, "answers.diet"),
        (6, "project"),
        (7, "email"),
    ]
    assert "already registered" in report["errors"][-1]["message"]
    assert count(db) == 0


def test_a_real_run_with_any_bad_row_imports_nothing(client, event, organiser, db):
    refused = post(client, event, BAD, organiser, dry_run=False)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "nothing was imported" in refused.json()["detail"] and len(refused.json()["errors"]) == 5
    assert count(db) == 0
    with db.transaction(write=False) as session:
        assert session.execute(select(func.count()).select_from(OutboxEmail)).scalar_one() == 0


def test_a_multipart_upload_and_an_export_round_trip_are_accepted(client, event, organiser, db):
    post(client, event, GOOD, organiser, dry_run=False)
    exported = client.get(f"/api/v1/events/{event.id}/registrations/export", headers=organiser).content
    with db.transaction() as session:
        other = open_event(session, slug="second-edition")
        create_question(session, other, QuestionCreate(key="diet", label="Diet", kind="text"))
    response = client.post(
        f"/api/v1/events/{other.id}/registrations/import?dry_run=false",
        headers=organiser,
        files={"file": ("people.csv", exported, "text/csv")},
    )
    assert response.status_code == 200, response.text
    assert response.json()["imported"] == 2


@pytest.mark.parametrize(
    "body, message",
    [
        ("name,email\nAda,ada@example.org\n", "missing"),
        (HEADER.replace("answers.diet", "answers.shoe_size"), "unknown column"),
        (b"first_name,last_name,email\n" + "Zoë,X,z@example.org\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_a_malformed_file_is_refused_with_a_reason(client, event, organiser, db, body, message):
    response = post(client, event, body, organiser, dry_run=True)
    assert response.status_code == 422 and message in response.text
    assert count(db) == 0
