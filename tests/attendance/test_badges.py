"""Badges and certificates as PDF: accents and HTML-like text print as typed; only data: URLs load."""

from __future__ import annotations

import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from app.attendance.badges import render_pdf, restricted_fetcher
from app.events.models import Event
from app.registration.models import RegistrationStatus
from tests.factories import add_participant, create_project


def pdf_text(body: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=body, capture_output=True, check=True
    ).stdout.decode()


def pdf_pages(body: bytes) -> int:
    return pdf_text(body).count("\f")


@pytest.fixture
def people(db, event_id):
    with db.transaction() as session:
        event = session.get(Event, event_id)
        project = create_project(session, acronym="CLUSTERS3")
        people = [
            add_participant(
                session,
                event,
                first_name="Lotta",
                last_name="Dahlöf",
                organisation="Tillväxtverket",
                country="SE",
                project_id=project.id,
            ),
            add_participant(
                session,
                event,
                first_name="Bruno",
                last_name="Fernández",
                organisation="<b>ACCIÓ</b> & Co",
                country="ES",
            ),
        ] + [add_participant(session, event, first_name=f"P{n}") for n in range(7)]
        add_participant(session, event, first_name="Gone", status=RegistrationStatus.cancelled)
        return people


def test_badges_print_every_confirmed_person_eight_to_a_page(client, organiser, event_id, people):
    response = client.get(f"/api/v1/events/{event_id}/badges.pdf", headers=organiser)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert 'filename="door-test-badges.pdf"' in response.headers["content-disposition"]
    text = pdf_text(response.content)
    assert "Dahlöf" in text and "Fernández" in text and "<b>ACCIÓ</b> & Co" in text
    assert "CLUSTERS3" in text and "Sweden" in text and "Spain" in text and "Gone" not in text
    assert pdf_pages(response.content) == 2  # 9 badges


def test_certificates_are_for_attendees_only_one_page_each(client, organiser, checkin_staff, event_id, people):
    url = f"/api/v1/events/{event_id}/certificates.pdf"
    assert client.get(url, headers=organiser).status_code == 409
    lotta, bruno = people[0], people[1]
    assert client.get(f"/api/v1/registrations/{bruno.id}/certificate.pdf", headers=organiser).status_code == 409
    for person in (lotta, bruno):
        client.post(f"/api/v1/events/{event_id}/checkins", json={"code": person.checkin_code}, headers=checkin_staff)
    bulk = client.get(url, headers=organiser)
    assert bulk.status_code == 200 and pdf_pages(bulk.content) == 2
    one = client.get(f"/api/v1/registrations/{bruno.id}/certificate.pdf", headers=organiser)
    text = pdf_text(one.content)
    assert pdf_pages(one.content) == 1 and "Bruno Fernández" in text and "Dahlöf" not in text
    assert client.get("/api/v1/registrations/999999/certificate.pdf", headers=organiser).status_code == 404


def test_the_renderer_loads_data_urls_but_never_files_or_the_network(tmp_path):
    requests = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        html = (
            f'<link rel="stylesheet" href="http://127.0.0.1:{server.server_port}/style.css">'
            f'<img src="http://127.0.0.1:{server.server_port}/logo.png"><p>ok</p>'
        )
        assert render_pdf(html).startswith(b"%PDF")
    finally:
        server.shutdown()
    assert requests == []
    with pytest.raises(ValueError, match="disallowed protocol"):
        restricted_fetcher().fetch(f"file://{tmp_path}")
    assert restricted_fetcher().fetch("data:text/plain;base64,b2s=").read() == b"ok"
