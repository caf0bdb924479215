"""End to end: a registration's emails reach a real SMTP server, and their link works."""

from __future__ import annotations

import re

from app.worker import drain
from tests.registration.conftest import open_event, registration_payload


def test_the_confirmation_email_arrives_and_its_link_confirms(client, db, settings, smtp_server):
    smtp_server.start()
    with db.transaction() as session:
        event_id = open_event(session, email_confirmation=True, title="Clusters & SMEs").id
    created = client.post(
        f"/api/v1/events/{event_id}/registrations", json=registration_payload(email="ada@example.org")
    )
    assert created.json()["status"] == "pending_confirmation"
    drain(db, settings.model_copy(update={"smtp_url": smtp_server.url}))
    [message] = smtp_server.handler.messages
    assert message["Subject"] == "Please confirm your email for Clusters & SMEs"
    link = re.search(r"http://testserver(/r/\S+/confirm)", message.get_body(("plain",)).get_content()).group(1)
    assert client.get(link, follow_redirects=False).status_code == 303
    drain(db, settings.model_copy(update={"smtp_url": smtp_server.url}))
    assert [m["Subject"] for m in smtp_server.handler.messages][1] == "You are registered for Clusters & SMEs"


def test_an_organisers_cancellation_tells_both_the_cancelled_and_the_promoted(
    client, db, settings, smtp_server, organiser
):
    smtp_server.start()
    with db.transaction() as session:
        event_id = open_event(session, capacity=1).id
    url = f"/api/v1/events/{event_id}/registrations"
    first = client.post(url, json=registration_payload(email="first@example.org")).json()
    client.post(url, json=registration_payload(email="second@example.org"))
    client.post(f"/api/v1/registrations/{first['id']}/cancel", headers=organiser)
    drain(db, settings.model_copy(update={"smtp_url": smtp_server.url}))
    received = {(m["To"], m["Subject"].split(" ")[0]) for m in smtp_server.handler.messages}
    assert received == {
        ("first@example.org", "You"),
        ("second@example.org", "You"),
        ("first@example.org", "Your"),
        ("second@example.org", "A"),
    }
    cancelled = next(m for m in smtp_server.handler.messages if "cancelled" in m["Subject"])
    assert "The organisers have cancelled" in cancelled.get_body(("plain",)).get_content()
