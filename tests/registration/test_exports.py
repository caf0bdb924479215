"""Exports: CSV and XLSX with custom answers, formula injection neutralised, publication consent applied."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from app.core.security import Role
from app.registration.exports import neutralise
from app.registration.questions import create_question
from app.registration.schemas import QuestionCreate
from tests.conftest import token_headers
from tests.factories import create_project
from tests.registration.conftest import add_registration, open_event


@pytest.fixture
def event(db):
    with db.transaction() as session:
        event = open_event(session, slug="export-me", capacity=2)
        create_question(
            session,
            event,
            QuestionCreate(key="topics", label="Topics", kind="multiple_choice", options=["Clusters", "SMEs"]),
        )
        create_question(session, event, QuestionCreate(key="note", label="Note", kind="text"))
        create_project(session, acronym="CLU3")
        add_registration(
            session,
            event,
            first_name='=HYPERLINK("http://evil")',
            last_name="Public",
            project="CLU3",
            answers={"topics": ["SMEs", "Clusters"], "note": "+32 2 123"},
            consents={"privacy": True, "publication": "everyone"},
        )
        add_registration(
            session,
            event,
            first_name="Pia",
            last_name="Peers",
            answers={"note": "@home"},
            consents={"privacy": True, "publication": "participants"},
        )
        add_registration(
            session,
            event,
            first_name="Nora",
            last_name="Nobody",
            answers={},
            consents={"privacy": True, "publication": "nobody"},
        )
    return event


def read_csv(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+32", "'+32"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Ada", "Ada"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_cells_that_start_a_formula_are_neutralised(value, expected):
    assert neutralise(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("x;=1+1;y", "x;'=1+1;y"),
        ("x, -2", "x, '-2"),
        ('a;"=1"', 'a;"\'=1"'),
        ("x\t@SUM(A1)", "x\t'@SUM(A1)"),
        ("R&D; AI", "R&D; AI"),
    ],
)
def test_formulas_after_a_separator_are_neutralised(value, expected):
    assert neutralise(value) == expected


def test_a_csv_split_at_semicolons_or_commas_holds_no_formula(client, db, organiser):
    """How Belgian, French and German Excel read a CSV: split at ";" whatever the file's separator."""
    with db.transaction() as session:
        event = open_event(session, slug="split-me")
        create_question(session, event, QuestionCreate(key="note", label="Note", kind="text"))
        for hostile in ("x;=1+1;y", "x,=2+2", 'a; "-3+3"', "b;@SUM(A1)", "c, +4"):
            add_registration(
                session,
                event,
                organisation=hostile,
                answers={"note": hostile},
                last_name=hostile[:1],
                consents={"privacy": True, "publication": "everyone"},
            )
    response = client.get(f"/api/v1/events/{event.id}/registrations/export?format=csv", headers=organiser)
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()[1:]
    assert len(lines) == 5
    for separator in ";,":
        cells = [cell.strip().strip('"').strip() for line in lines for cell in line.split(separator)]
        assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")], separator


def test_csv_export_has_every_registration_with_its_answers(client, event, organiser):
    response = client.get(f"/api/v1/events/{event.id}/registrations/export?format=csv", headers=organiser)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert 'filename="export-me-registrations.csv"' in response.headers["content-disposition"]
    rows = read_csv(response.content)
    assert [row["last_name"] for row in rows] == ["Nobody", "Peers", "Public"]  # alphabetical
    nora, pia, first = rows
    assert first["first_name"] == '\'=HYPERLINK("http://evil")'
    assert first["answers.topics"] == "Clusters; SMEs" and first["answers.note"] == "'+32 2 123"
    assert first["project"] == "CLU3" and first["country_name"] == "Belgium" and first["status"] == "confirmed"
    assert pia["answers.note"] == "'@home"
    assert nora["status"] == "waitlisted" and nora["waitlist_position"] == "1"


def test_xlsx_export_holds_text_never_formulas(client, event, organiser):
    response = client.get(f"/api/v1/events/{event.id}/registrations/export?format=xlsx", headers=organiser)
    assert response.status_code == 200 and "spreadsheetml" in response.headers["content-type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert "answers.topics" in header
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert rows[3][header.index("first_name")] == '\'=HYPERLINK("http://evil")'


@pytest.mark.parametrize("audience, names", [("participants", ["Peers", "Public"]), ("public", ["Public"])])
def test_lists_for_participants_or_the_public_follow_publication_consent(client, event, organiser, audience, names):
    response = client.get(f"/api/v1/events/{event.id}/registrations/export?audience={audience}", headers=organiser)
    rows = read_csv(response.content)
    assert [row["last_name"] for row in rows] == names
    assert "email" not in rows[0] and "answers.note" not in rows[0]


def test_export_needs_an_organiser_of_that_event(client, event, db):
    url = f"/api/v1/events/{event.id}/registrations/export"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=token_headers(db, Role.checkin)).status_code == 403
    with db.transaction() as session:
        other = open_event(session)
    assert client.get(url, headers=token_headers(db, Role.organiser, event_id=other.id)).status_code == 403
    assert client.get(f"{url}?format=pdf", headers=token_headers(db, Role.organiser)).status_code == 422
