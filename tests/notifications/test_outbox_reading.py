"""Without an SMTP server the organiser can still read every email: the worker's log and `convene outbox`."""

from __future__ import annotations

import logging
import re

import pytest
from typer.testing import CliRunner

from app.cli import app
from app.core.config import Settings, get_settings
from app.notifications import delivery
from app.worker import email_context_links
from tests.factories import event_payload

runner = CliRunner()
LINK = re.compile(r"http://127\.0\.0\.1:8000/r/\S+")


@pytest.fixture
def local_settings(settings: Settings) -> Settings:
    """The test settings on a development machine's address."""
    return settings.model_copy(update={"base_url": "http://127.0.0.1:8000"})


@pytest.fixture
def cli_env(db, backend_url, monkeypatch):
    monkeypatch.setenv("CONVENE_DATABASE_URL", backend_url)
    monkeypatch.setenv("CONVENE_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("CONVENE_BASE_URL", "http://127.0.0.1:8000")
    monkeypatch.delenv("CONVENE_SMTP_URL", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _register(client, organiser, email: str) -> str:
    event = client.post("/api/v1/events", json=event_payload(), headers=organiser).json()
    response = client.post(
        f"/api/v1/events/{event['id']}/registrations",
        json={"first_name": "Ada", "last_name": "Peeters", "email": email, "consents": {"privacy": True}},
    )
    assert response.status_code == 201, response.text
    return event["slug"]


@pytest.fixture(autouse=True)
def fresh_report(monkeypatch):
    monkeypatch.setattr(delivery._UnsentReport, "last_logged_id", 0)
    monkeypatch.setattr(delivery._UnsentReport, "last_count", 0)


def test_without_smtp_the_worker_logs_each_new_email_with_its_link_once(client, db, organiser, local_settings, caplog):
    _register(client, organiser, "ada@example.org")
    with caplog.at_level(logging.INFO, logger="convene.delivery"):
        delivery.deliver_due_emails(db, local_settings, extend_context=email_context_links)
        delivery.deliver_due_emails(db, local_settings, extend_context=email_context_links)
    lines = [record.getMessage() for record in caplog.records if "ada@example.org" in record.getMessage()]
    assert len(lines) == 1, lines
    [link] = LINK.findall(lines[0])
    assert client.get(link.removeprefix("http://127.0.0.1:8000")).status_code == 200


def test_on_a_public_address_the_log_names_the_email_but_not_its_links(client, db, organiser, settings, caplog):
    _register(client, organiser, "ada@example.org")
    public = settings.model_copy(update={"base_url": "https://events.example.eu"})
    with caplog.at_level(logging.INFO, logger="convene.delivery"):
        delivery.deliver_due_emails(db, public, extend_context=email_context_links)
    [line] = [record.getMessage() for record in caplog.records if "ada@example.org" in record.getMessage()]
    assert "convene outbox show" in line and "https://events.example.eu/r/" not in line


def test_outbox_list_narrows_to_an_event_and_show_prints_the_link(client, organiser, cli_env):
    slug = _register(client, organiser, "ada@example.org")
    _register(client, organiser, "bob@example.org")

    listed = runner.invoke(app, ["outbox", "list", "--event", slug, "--status", "queued"])
    assert listed.exit_code == 0, listed.output
    assert "ada@example.org" in listed.output and "bob@example.org" not in listed.output
    email_id = re.search(r"(\d+)\s*│\s*queued", listed.output).group(1)

    shown = runner.invoke(app, ["outbox", "show", email_id])
    assert shown.exit_code == 0, shown.output
    assert "To: ada@example.org" in shown.output
    [link] = LINK.findall(shown.output)
    assert client.get(link.removeprefix("http://127.0.0.1:8000")).status_code == 200


def test_outbox_commands_refuse_what_does_not_exist(cli_env):
    unknown = runner.invoke(app, ["outbox", "show", "999999"])
    assert unknown.exit_code == 1 and "no email 999999" in unknown.output
    assert runner.invoke(app, ["outbox", "list", "--status", "lost"]).exit_code == 2
    assert runner.invoke(app, ["outbox", "list", "--event", "no-such-event"]).exit_code == 1
