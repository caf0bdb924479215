"""Organisers' notices reach them by the worker and a real SMTP server."""

from __future__ import annotations

from app.worker import drain
from tests.registration.conftest import open_event, registration_payload


def test_the_digest_reaches_the_organisers_by_the_worker_and_smtp(client, db, settings, smtp_server):
    smtp_server.start()
    with db.transaction() as session:
        event = open_event(session, requires_approval=True, title="Selective")
    client.post(f"/api/v1/events/{event.id}/registrations", json=registration_payload())
    mailing = settings.model_copy(update={"smtp_url": smtp_server.url, "organiser_email": "office@agency.example"})
    drain(db, mailing)
    drain(db, mailing)
    received = [(m["To"], m["Subject"]) for m in smtp_server.handler.messages if m["To"] == "office@agency.example"]
    assert received == [("office@agency.example", "Selective: 1 registration waiting for your approval")]
