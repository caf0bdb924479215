"""Signed report links: they open in a browser without a token, for a while, and only for their report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli import app
from app.core.config import get_settings
from app.main import create_app
from app.reports import links
from app.reports.links import signed_download_path
from app.reports.models import ReportFormat
from app.reports.schemas import ReportCreate
from app.reports.service import generate_report
from tests.factories import add_participant, create_event


@pytest.fixture
def report(db):
    with db.transaction() as session:
        event = create_event(session, title="Linked workshop")
        add_participant(session, event, first_name="Carl Arvid", last_name="Dahlöf")
        return generate_report(session, event, ReportCreate(format=ReportFormat.md))


def test_a_signed_link_downloads_the_report_without_a_token(client, settings, report):
    response = client.get(signed_download_path(settings, report))
    assert response.status_code == 200 and "Dahlöf" in response.text
    assert response.headers["content-disposition"].startswith("attachment; filename=")


def test_a_forged_or_expired_link_is_refused(client, settings, report, monkeypatch):
    path = signed_download_path(settings, report)
    assert client.get(path[:-2] + "xx").status_code == 404
    other = settings.model_copy(update={"secret_key": "another installation"})
    assert client.get(signed_download_path(other, report)).status_code == 404
    monkeypatch.setattr(links, "LINK_LIFETIME", timedelta(seconds=-1))
    expired = client.get(path)
    assert expired.status_code == 403 and "expired" in expired.json()["detail"]


def test_the_demo_prints_report_links_that_open_in_a_browser(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONVENE_DATABASE_URL", f"sqlite:///{tmp_path / 'convene.db'}")
    monkeypatch.delenv("CONVENE_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["demo", "--no-serve"])
        assert result.exit_code == 0, result.output
        lines = [line for line in result.output.splitlines() if line.strip().startswith("Report (")]
        assert len(lines) == len(ReportFormat)
        md = next(line.split()[-1] for line in lines if "(md)" in line)
        with TestClient(create_app(get_settings())) as browser:  # no Authorization header, as in a browser
            response = browser.get(md.removeprefix(get_settings().base_url))
        assert response.status_code == 200 and "Appendix B" in response.text
    finally:
        get_settings.cache_clear()
