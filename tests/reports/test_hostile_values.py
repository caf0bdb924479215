"""Every report format with hostile values in every text and URL field (written straight into the
database, as if they had slipped past validation): nothing runs, nothing links to a script, nothing
is fetched, every format still renders."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser

import pytest
from docx import Document
from markdown_it import MarkdownIt
from sqlalchemy import select

from app.agenda.models import SessionRole
from app.directory.models import Organisation, Person
from app.events.models import Event
from app.reports.branding import add_image
from app.reports.models import (
    EventBranding,
    EventNarrative,
    ReportFormat,
    ReportImage,
    ReportPart,
    ReportPartSession,
    SessionNote,
)
from app.reports.schemas import ReportCreate
from app.reports.service import prepare_report, render_work
from tests.conftest import missing_service
from tests.factories import add_participant, create_agenda_session, create_event, create_project
from tests.reports.test_demo_report import inflated
from tests.reports.test_report_material import picture

# under 100 characters: it goes into every column, the shortest included
TEXT = "<script>alert(1)</script><img src=x onerror=alert(2)>[x](javascript:alert(3))**b**|#{{7*7}}\x0b"
URLS = [
    "https://x.example/><script>alert(1)</script>",
    'https://x.example/"onmouseover="alert(1)',
    "https://x.example/)](javascript:alert(1))",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
]
SAFE_TARGET = re.compile(r"^(https?:|mailto:|#|data:image/(png|jpeg|svg\+xml);base64,)", re.I)


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)


def assert_harmless_html(html: str) -> None:
    parsed = Elements()
    parsed.feed(html)
    assert "script" not in parsed.tags and "iframe" not in parsed.tags
    assert not [name for name, _ in parsed.attributes if name.startswith("on")]
    targets = [value for name, value in parsed.attributes if name in ("href", "src")]
    assert targets and all(SAFE_TARGET.match(value) for value in targets), [
        t for t in targets if not SAFE_TARGET.match(t)
    ]


@pytest.fixture
def hostile_event(db):
    with db.transaction() as session:
        event = create_event(session, title="Workshop", subtitle="Sub")
        event.title, event.subtitle, event.venue, event.city = TEXT, TEXT, TEXT, TEXT
        project = create_project(session, acronym="HOST")
        project.title, project.url = TEXT, URLS[0]
        item = create_agenda_session(session, event, title="Talk")
        item.title, item.description, item.room = TEXT, TEXT, TEXT
        organisation = Organisation(name=TEXT)
        session.add(organisation)
        session.flush()
        person = Person(
            first_name=TEXT, last_name="Speaker", email="speaker@example.org", organisation_id=organisation.id
        )
        session.add(person)
        session.flush()
        session.add(SessionRole(session_id=item.id, person_id=person.id, role="speaker", note=TEXT))
        session.add(SessionNote(session_id=item.id, notes=TEXT, key_points=[TEXT]))
        registration = add_participant(session, event, first_name="Eve", project_id=project.id)
        registration.first_name, registration.last_name = TEXT, TEXT
        steps = [{"date": date(2030, 7, 1).isoformat(), "title": TEXT, "description": TEXT, "url": url} for url in URLS]
        session.add(
            EventNarrative(
                event_id=event.id,
                summary=TEXT,
                introduction=TEXT,
                participation_note=TEXT,
                key_messages=[TEXT],
                conclusions=[{"theme": TEXT, "points": [TEXT]}],
                next_steps=steps,
                links=[{"title": TEXT, "url": url} for url in URLS],
                contacts=[{"name": TEXT, "role": TEXT, "email": "x@example.org><script>alert(1)</script>"}],
            )
        )
        session.add(
            EventBranding(event_id=event.id, organisation_name=TEXT, programme_name=TEXT, primary_colour="#123456")
        )
        part = ReportPart(event_id=event.id, position=0, title=TEXT, introduction=TEXT, key_points=[TEXT])
        session.add(part)
        session.flush()
        session.add(ReportPartSession(part_id=part.id, session_id=item.id))
        add_image(session, event, picture("PNG"), caption="Caption", session_id=item.id)
        session.flush()
        session.execute(select(ReportImage)).scalar_one().caption = TEXT
        return event.id


def render(db, event_id: int, format: ReportFormat) -> bytes:
    with db.transaction() as session:
        work = prepare_report(
            session,
            session.get(Event, event_id),
            ReportCreate(format=format, template="thematic-workshop"),
            background=False,
        )
    rendered = render_work(work)
    assert rendered.content, rendered.failure
    return rendered.content


def test_html_report(db, hostile_event):
    html = render(db, hostile_event, ReportFormat.html).decode()
    assert_harmless_html(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "{{7*7}}" in html  # shown, never run


def test_markdown_report_read_by_a_common_renderer(db, hostile_event):
    markdown = render(db, hostile_event, ReportFormat.md).decode()
    html = MarkdownIt("gfm-like", {"html": True}).render(markdown)  # raw HTML allowed, as on many sites
    assert_harmless_html(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_docx_report(db, hostile_event):
    document = Document(io.BytesIO(render(db, hostile_event, ReportFormat.docx)))
    targets = [rel.target_ref for rel in document.part.rels.values() if rel.reltype.endswith("/hyperlink")]
    assert targets and all(re.match(r"^(https?:|mailto:)", target) for target in targets)
    assert "<script>alert(1)</script>" in "\n".join(p.text for p in document.paragraphs)


def test_pdf_report(db, hostile_event, tmp_path):
    content = render(db, hostile_event, ReportFormat.pdf)
    uris = re.findall(rb"/URI \(([^)]*)\)", inflated(content))
    assert uris and all(re.match(rb"^(https?:|mailto:)", uri) for uri in uris)
    if shutil.which("pdftotext") is None:
        missing_service("pdftotext (poppler-utils) reads the PDF back")
    path = tmp_path / "hostile.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "<script>alert(1)</script>" in text
