"""Renderers never crash on stored text: every control character written straight into the database
(as if it predated the edge's checks, or came in by another door) and every export and report format
still renders, without the characters XML cannot hold. PostgreSQL cannot store NUL at all, so its
run starts at U+0001."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from app.directory.models import Organisation
from app.events.models import Event
from app.reports.models import ReportFormat
from app.reports.schemas import ReportCreate
from app.reports.service import prepare_report, render_work
from tests.factories import add_participant, create_agenda_session, create_event, create_project


def controls(db) -> str:
    first = 0 if db.is_sqlite else 1
    return "".join(chr(code) for code in range(first, 0x20))


@pytest.fixture
def event_id(db):
    text = f"Ann{controls(db)}e"
    with db.transaction() as session:
        event = create_event(session, slug="stored")
        event.title = text
        create_agenda_session(session, event).title = text
        project = create_project(session, acronym="CTRL")
        project.title = text
        registration = add_participant(session, event, organisation="Org", project_id=project.id)
        registration.first_name, registration.last_name = text, text
        session.flush()
        session.get(Organisation, registration.organisation_id).name = text
        return event.id


def test_xlsx_and_csv_exports_render_stored_control_characters(client, organiser, event_id):
    xlsx = client.get(f"/api/v1/events/{event_id}/registrations/export?format=xlsx", headers=organiser)
    assert xlsx.status_code == 200, xlsx.text
    row = [cell.value for cell in list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows())[1]]
    assert "Ann\t\n\re" in row  # what XML can hold is kept, the rest is dropped
    csv = client.get(f"/api/v1/events/{event_id}/registrations/export?format=csv", headers=organiser)
    assert csv.status_code == 200 and "Ann" in csv.text


@pytest.mark.parametrize("format", list(ReportFormat))
def test_every_report_format_renders_stored_control_characters(db, event_id, format):
    with db.transaction() as session:
        work = prepare_report(
            session,
            session.get(Event, event_id),
            ReportCreate(format=format, template="thematic-workshop"),
            background=False,
        )
    rendered = render_work(work)
    content = rendered.content
    assert content, rendered.failure
    if format is ReportFormat.docx:
        text = "\n".join(paragraph.text for paragraph in Document(io.BytesIO(content)).paragraphs)
        assert "Ann" in text and "\x01" not in text and "\x0b" not in text
