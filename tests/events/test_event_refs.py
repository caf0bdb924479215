"""An event is named by its id or its slug everywhere: API addresses and CLI commands."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from app.cli import app
from app.core.config import get_settings
from app.core.security import Role
from tests.conftest import token_headers
from tests.factories import event_payload
from tests.registration.conftest import registration_payload

runner = CliRunner()


@pytest.fixture
def event(client, organiser) -> dict:
    return client.post("/api/v1/events", json=event_payload(slug="leuven-2030"), headers=organiser).json()


@pytest.mark.parametrize(
    "suffix",
    [
        "",
        "/sessions",
        "/registrations",
        "/statistics",
        "/narrative",
        "/retention",
        "/questions",
        "/attendance",
        "/reports",
    ],
)
def test_every_event_address_takes_the_slug_as_well_as_the_id(client, organiser, event, suffix):
    by_id = client.get(f"/api/v1/events/{event['id']}{suffix}", headers=organiser)
    by_slug = client.get(f"/api/v1/events/leuven-2030{suffix}", headers=organiser)
    assert by_id.status_code == by_slug.status_code == 200, (by_id.text, by_slug.text)
    assert by_id.json() == by_slug.json()


def test_writes_checkins_and_public_registration_take_the_slug(client, organiser, event, db):
    patched = client.patch("/api/v1/events/leuven-2030", json={"title": "Renamed"}, headers=organiser)
    assert patched.status_code == 200 and patched.json()["title"] == "Renamed"
    registered = client.post("/api/v1/events/leuven-2030/registrations", json=registration_payload())
    assert registered.status_code == 201, registered.text
    staff = token_headers(db, Role.checkin, event["id"])
    assert client.get("/api/v1/events/leuven-2030/checkins?q=Ada", headers=staff).status_code == 200


def test_an_unknown_slug_or_id_is_a_404_naming_it(client, organiser, event):
    missing = client.get("/api/v1/events/no-such-event", headers=organiser)
    assert missing.status_code == 404 and "no-such-event" in missing.json()["detail"]
    assert client.get("/api/v1/events/999999", headers=organiser).status_code == 404


def test_a_slug_of_digits_alone_is_refused_so_it_never_reads_as_an_id(client, organiser, event):
    refused = client.post("/api/v1/events", json=event_payload(slug="2030"), headers=organiser)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "slug"
    assert client.post("/api/v1/events", json=event_payload(slug="2030-06"), headers=organiser).status_code == 201


def test_cli_commands_take_the_id_as_well_as_the_slug(event, backend_url, tmp_path, monkeypatch):
    monkeypatch.setenv("CONVENE_DATABASE_URL", backend_url)
    monkeypatch.setenv("CONVENE_SECRET_KEY", "cli-test")
    get_settings.cache_clear()
    try:
        token = runner.invoke(app, ["token", "create", "--role", "checkin", "--event", str(event["id"])])
        assert token.exit_code == 0, token.output
        out = tmp_path / "report.md"
        report = runner.invoke(app, ["report", str(event["id"]), "--format", "md", "--out", str(out)])
        assert report.exit_code == 0, report.output
        assert event["title"] in out.read_text()
        unknown = runner.invoke(app, ["report", "no-such-event", "--format", "md", "--out", str(out)])
        assert unknown.exit_code != 0 and "no-such-event" in unknown.output
    finally:
        get_settings.cache_clear()
