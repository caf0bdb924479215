"""Writing the narrative, generating reports (now or in the worker) and downloading them."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from docx import Document
from markdown_it import MarkdownIt

from app.core.jobs import run_due_jobs
from app.core.security import Role
from app.registration.models import Publication
from app.reports.jobs import REPORT_JOB_HANDLERS
from tests.conftest import missing_service, token_headers
from tests.factories import add_participant, create_agenda_session, create_event, create_project

NARRATIVE = {
    "summary": "A day on <b>clusters</b> & R&D.\n\nSecond paragraph.",
    "introduction": "Why we met.",
    "key_messages": ["Clusters <script>alert(1)</script> matter"],
    "conclusions": [{"theme": "Innovation", "points": ["Point one"]}],
    "next_steps": [{"date": "2030-10-08", "end_date": "2030-10-11", "title": "Week of Regions"}],
    "links": [{"title": "Platform", "url": "https://example.org/platform"}],
    "contacts": [{"name": "Carl Arvid Dahlöf", "email": "c.dahloef@example.org"}],
}


@pytest.fixture
def event_id(db) -> int:
    with db.transaction() as session:
        event = create_event(session, title="Workshop on <i>clusters</i>")
        project = create_project(session, acronym="CLUSTERS3")
        create_agenda_session(session, event, title="Policy <updates>")
        add_participant(
            session, event, first_name="Carl Arvid", last_name="Dahlöf", country="SE", project_id=project.id
        )
        add_participant(session, event, first_name="<em>Eve</em>", last_name="Fernández", country="ES")
        add_participant(session, event, first_name="Hidden", last_name="Person", publication=Publication.nobody)
        return event.id


def _generate(client, organiser, event_id, format, **extra):
    response = client.post(f"/api/v1/events/{event_id}/reports", json={"format": format, **extra}, headers=organiser)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "done" and body["download_url"].endswith(f"/api/v1/reports/{body['id']}/download")
    return body, client.get(body["download_url"], headers=organiser)


def test_narrative_is_replaced_by_put_and_read_back(client, organiser, event_id):
    url = f"/api/v1/events/{event_id}/narrative"
    assert client.get(url, headers=organiser).json()["summary"] is None
    assert client.put(url, json=NARRATIVE, headers=organiser).status_code == 200
    body = client.get(url, headers=organiser).json()
    assert body["key_messages"] == NARRATIVE["key_messages"] and body["next_steps"][0]["end_date"] == "2030-10-11"
    bad = client.put(
        url, json={"next_steps": [{"date": "2030-10-08", "end_date": "2030-10-01", "title": "x"}]}, headers=organiser
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"].startswith("next_steps")


def test_session_notes_belong_to_a_session_of_the_event(client, organiser, event_id, db):
    sessions = client.get(f"/api/v1/events/{event_id}/sessions", headers=organiser).json()["items"]
    url = f"/api/v1/events/{event_id}/sessions/{sessions[0]['id']}/notes"
    response = client.put(url, json={"notes": "Went well", "key_points": ["A", "B"]}, headers=organiser)
    assert response.status_code == 200 and response.json()["key_points"] == ["A", "B"]
    assert client.put(f"/api/v1/events/{event_id}/sessions/999999/notes", json={}, headers=organiser).status_code == 404


def test_html_report_escapes_text_keeps_accents_and_lists_only_consenting(client, organiser, event_id):
    client.put(f"/api/v1/events/{event_id}/narrative", json=NARRATIVE, headers=organiser)
    body, download = _generate(client, organiser, event_id, "html")
    assert body["requested_by"] == "API token 'test organiser'"  # who asked for it
    assert download.headers["content-type"].startswith("text/html")
    assert download.headers["content-disposition"] == f'attachment; filename="{body["filename"]}"'
    html = download.text
    assert "Dahlöf" in html and "Fernández" in html
    assert "&lt;em&gt;Eve&lt;/em&gt;" in html and "<em>Eve</em>" not in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "Policy &lt;updates&gt;" in html
    assert "Hidden" not in html and "1 more took part without being named" in html
    assert "8-11 October 2030" in html
    assert html.count("<svg") == 2 and "Spain: 1 (33.3%)" in html


def test_markdown_report_shows_html_like_text_literally(client, organiser, event_id):
    client.put(f"/api/v1/events/{event_id}/narrative", json=NARRATIVE, headers=organiser)
    _, download = _generate(client, organiser, event_id, "md")
    assert download.headers["content-type"].startswith("text/markdown")
    # read as GitHub does (raw HTML allowed): the text shows, no element is made of it
    rendered = MarkdownIt("gfm-like", {"html": True}).render(download.text)
    assert "&lt;script&gt;" in rendered and "<script" not in rendered
    assert "&lt;em&gt;Eve&lt;/em&gt;" in rendered and "<em>Eve</em>" not in rendered
    assert "| Carl Arvid | Dahlöf |" in download.text


def test_pdf_report_has_numbered_pages_a_table_of_contents_and_the_names(client, organiser, event_id, tmp_path):
    _, download = _generate(client, organiser, event_id, "pdf")
    assert download.headers["content-type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        missing_service("pdftotext (poppler-utils) reads the PDF back")
    path = tmp_path / "report.pdf"
    path.write_bytes(download.content)
    pages = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = pages.split("\f")
    assert len([page for page in pages if page.strip()]) >= 4  # cover, contents and body, two appendices
    toc = next(page for page in pages if "Table of contents" in page)
    assert len(re.findall(r"\.{5,}\s*\d+", toc)) >= 3  # dot leaders ending in page numbers
    assert "Dahlöf" in pages[-2] and "<em>Eve" in pages[-2]
    laid_out = subprocess.run(
        ["pdftotext", "-layout", "-f", "3", "-l", "3", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert laid_out.strip().splitlines()[-1].strip() == "3"  # the page number at the foot of page 3


def test_docx_report_uses_word_heading_styles_and_embeds_the_charts(client, organiser, event_id):
    client.put(f"/api/v1/events/{event_id}/narrative", json=NARRATIVE, headers=organiser)
    _, download = _generate(client, organiser, event_id, "docx")
    document = Document(io.BytesIO(download.content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert {"Summary", "Participation", "Appendix B – List of participants"} <= set(headings)
    assert len(document.inline_shapes) == 2
    names = {row.cells[1].text for row in document.tables[-1].rows}
    assert "Dahlöf" in names and "Person" not in names


def test_large_events_are_queued_and_finished_by_the_worker(client, organiser, event_id, db, monkeypatch):
    monkeypatch.setattr("app.reports.service.BACKGROUND_ABOVE", 1)
    response = client.post(f"/api/v1/events/{event_id}/reports", json={"format": "md"}, headers=organiser)
    assert response.status_code == 202 and response.json()["status"] == "queued"
    report_url = f"/api/v1/reports/{response.json()['id']}"
    assert client.get(f"{report_url}/download", headers=organiser).status_code == 409
    assert run_due_jobs(db, REPORT_JOB_HANDLERS, lease=timedelta(minutes=1)) == 1
    assert client.get(report_url, headers=organiser).json()["status"] == "done"
    assert client.get(f"{report_url}/download", headers=organiser).status_code == 200


def test_reports_of_another_event_are_forbidden_to_a_limited_token(client, organiser, event_id, db):
    body, _ = _generate(client, organiser, event_id, "md")
    with db.transaction() as session:
        other = create_event(session).id
    limited = token_headers(db, Role.organiser, event_id=other)
    assert client.get(f"/api/v1/reports/{body['id']}", headers=limited).status_code == 403
    assert client.get("/api/v1/reports/999999", headers=organiser).status_code == 404
    assert (
        client.post(f"/api/v1/events/{event_id}/reports", json={"format": "xls"}, headers=organiser).status_code == 422
    )
