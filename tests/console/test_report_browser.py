"""From the narrative to the report PDF in a real browser without JavaScript, controls found by their
label and role: the organiser writes the summary, previews it, saves it, checks the statistics,
generates the PDF report and downloads it; the downloaded PDF carries the summary's words. On both
databases. Each step is a small function, so that further steps (a rapporteur's key points, say) slot
in between. Screenshots go to docs/console/ when CONVENE_SCREENSHOTS is set."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page

from app.core.security import Role
from app.events.models import Event
from app.main import create_app
from tests.browser import chromium
from tests.conftest import free_port, missing_service, served_in_thread
from tests.console.conftest import PASSWORD, make_account
from tests.console.test_browser import _shot, field
from tests.factories import add_participant, create_agenda_session, create_event

SUMMARY = "Twelve regions agreed on **shared cluster indicators** for 2031."
SUMMARY_WORDS = "Twelve regions agreed on shared cluster indicators for 2031."


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/manage")
    field(page, "Email").fill(email)
    field(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", name="Your events").is_visible()


def write_and_preview_the_summary(page: Page, event_title: str) -> None:
    page.get_by_role("link", name=event_title).click()
    page.get_by_role("link", name="Write the narrative").click()
    page.get_by_role("textbox", name="Summary", exact=True).fill(SUMMARY)
    page.get_by_role("button", name="Preview the summary").click()
    preview = page.get_by_role("region", name="Preview of the summary")
    assert preview.locator("strong").inner_text() == "shared cluster indicators"
    _shot(page, "narrative")
    page.get_by_role("button", name="Save the summary").click()
    assert "Saved the summary." in page.get_by_role("status").inner_text()


def check_the_statistics(page: Page) -> None:
    page.get_by_role("link", name="Statistics", exact=True).click()
    assert page.get_by_role("heading", name="Registrations by country").is_visible()
    assert page.get_by_role("img", name="Registrations over time").is_visible()
    _shot(page, "statistics")


def generate_and_download_the_pdf(page: Page, tmp_path: Path) -> str:
    """The PDF report generated on the report screen and downloaded; its text."""
    page.get_by_role("link", name="Report", exact=True).click()
    assert page.get_by_role("img", name="Participants by country").is_visible()
    field(page, "Format").select_option(label="PDF")
    page.get_by_role("button", name="Generate the report").click()
    assert "Generated the PDF report" in page.get_by_role("status").inner_text()
    _shot(page, "report")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Download PDF of ")).first.click()
    pdf = tmp_path / download.value.suggested_filename
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout


@pytest.mark.browser
def test_an_organiser_writes_the_summary_and_downloads_the_report_pdf(db, settings, tmp_path):
    if shutil.which("pdftotext") is None:
        missing_service("pdftotext (poppler-utils) is not installed")
    with db.transaction() as session:
        event = create_event(session, title="Cluster indicators workshop")
        create_agenda_session(session, event, title="Indicators in practice")
        for country in ("BE", "NL", "BE"):
            add_participant(session, session.get(Event, event.id), country=country)
    make_account(db, "writer@example.org", Role.organiser, (event.id,))
    port = free_port()
    site = settings.model_copy(update={"base_url": f"http://127.0.0.1:{port}"})
    with served_in_thread(create_app(site, database=db), port) as base, chromium() as browser:
        context = browser.new_context(
            viewport={"width": 1200, "height": 900}, java_script_enabled=False, accept_downloads=True
        )
        context.set_default_timeout(60_000)
        page = context.new_page()
        sign_in(page, base, "writer@example.org")
        write_and_preview_the_summary(page, "Cluster indicators workshop")
        check_the_statistics(page)
        text = generate_and_download_the_pdf(page, tmp_path)
    assert SUMMARY_WORDS in " ".join(text.split())
