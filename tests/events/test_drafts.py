"""A draft event (published false) has no public pages and takes no registrations until published;
through the API events are published unless asked otherwise; the migration publishes existing events."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from app.core.db import Database
from app.core.migrate import alembic_config, upgrade
from tests.factories import event_payload
from tests.registration.conftest import registration_payload

PUBLIC = [
    "/events/{slug}",
    "/events/{slug}/register",
    "/events/{slug}/agenda.ics",
    "/events/{slug}/register/submitted?status=confirmed",
]


def test_a_draft_answers_404_everywhere_in_public_until_published(client, organiser):
    payload = event_payload(slug="spring-draft", published=False)
    created = client.post("/api/v1/events", json=payload, headers=organiser)
    assert created.status_code == 201 and created.json()["published"] is False
    event_id = created.json()["id"]
    for path in PUBLIC:
        assert client.get(path.format(slug="spring-draft")).status_code == 404, path
    form = client.post("/events/spring-draft/register", data={"first_name": "Ada"})
    assert form.status_code == 404
    anonymous = client.post(f"/api/v1/events/{event_id}/registrations", json=registration_payload())
    assert anonymous.status_code == 404
    # Organisers prepare a draft: they may add people before it is public.
    by_organiser = client.post(
        f"/api/v1/events/{event_id}/registrations", json=registration_payload(), headers=organiser
    )
    assert by_organiser.status_code == 201, by_organiser.text
    assert client.get(f"/api/v1/events/{event_id}", headers=organiser).json()["published"] is False

    published = client.patch(f"/api/v1/events/{event_id}", json={"published": True}, headers=organiser)
    assert published.status_code == 200 and published.json()["published"] is True
    for path in PUBLIC:
        assert client.get(path.format(slug="spring-draft")).status_code == 200, path
    assert client.post(f"/api/v1/events/{event_id}/registrations", json=registration_payload()).status_code == 201


def test_events_created_through_the_api_are_published_by_default(client, organiser):
    created = client.post("/api/v1/events", json=event_payload(slug="at-once"), headers=organiser).json()
    assert created["published"] is True and client.get("/events/at-once").status_code == 200
    refused = client.patch(f"/api/v1/events/{created['id']}", json={"published": None}, headers=organiser)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "published"


def test_the_migration_publishes_existing_events(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    database = Database(url)
    before = ScriptDirectory.from_config(alembic_config()).get_revision("2026_11_30_event_drafts").down_revision
    upgrade(database.engine, before)
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO event (slug, title, starts_at, ends_at, timezone, requires_approval, email_confirmation,"
                " topics, created_at, updated_at) VALUES ('old', 'Old', '2018-06-20 07:00:00', '2018-06-20 15:00:00',"
                " 'Europe/Brussels', 0, 0, '[]', '2018-01-01 00:00:00', '2018-01-01 00:00:00')"
            )
        )
    upgrade(database.engine)
    database.dispose()
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT published FROM event WHERE slug = 'old'")).scalar_one() in (1, True)
    engine.dispose()
