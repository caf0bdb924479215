"""Organisers get a daily digest per event while registrations wait for their approval."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.core.types import utcnow
from app.notifications.catalogue import render_email
from app.notifications.models import OutboxEmail
from app.registration.digest import send_approval_digests
from tests.registration.conftest import open_event, registration_payload


def digests(db) -> list[OutboxEmail]:
    with db.transaction(write=False) as session:
        return session.execute(select(OutboxEmail).where(OutboxEmail.template == "approval_digest")
                               .order_by(OutboxEmail.id)).scalars().all()


def test_one_digest_a_day_per_event_while_registrations_wait(client, db, settings, organiser):
    with db.transaction() as session:
        event = open_event(session, requires_approval=True, title="Selective", contact_email="team@agency.example")
        open_event(session, requires_approval=True, contact_email="other@agency.example")  # nobody waits there
    url = f"/api/v1/events/{event.id}/registrations"
    waiting = [client.post(url, json=registration_payload(first_name="Zoë", last_name=name, organisation="Kemin Oy",
                                                          country="FI")).json() for name in ("Janssens", "Ahola")]
    assert {r["status"] for r in waiting} == {"pending_approval"}
    now = utcnow()

    assert send_approval_digests(db, settings, now=now) == 1
    [digest] = digests(db)
    assert digest.to_address == "team@agency.example"
    email = render_email("approval_digest", {**digest.context, "base_url": "http://convene.example"})
    assert email.subject == "Selective: 2 registrations waiting for your approval"
    assert "Zoë Janssens, Kemin Oy (FI)" in email.text and "Zoë Ahola" in email.text
    assert f"/api/v1/events/{event.id}/registrations?status=pending_approval" in email.text

    assert send_approval_digests(db, settings, now=now + timedelta(hours=23)) == 0  # at most once a day
    assert send_approval_digests(db, settings, now=now + timedelta(days=1)) == 1 and len(digests(db)) == 2
    for registration in waiting:
        assert client.post(f"/api/v1/registrations/{registration['id']}/approve", headers=organiser).status_code == 200
    assert send_approval_digests(db, settings, now=now + timedelta(days=3)) == 0  # nobody waits any more
