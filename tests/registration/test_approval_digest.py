"""Organisers get a daily digest per event while registrations wait for their approval."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import Account
from app.accounts.service import create_account
from app.core.roles import Role
from app.core.types import utcnow
from app.notifications.catalogue import render_stored
from app.notifications.models import OutboxEmail
from app.registration.digest import send_approval_digests
from tests.registration.conftest import open_event, registration_payload


def digests(db) -> list[OutboxEmail]:
    with db.transaction(write=False) as session:
        return (
            session.execute(
                select(OutboxEmail).where(OutboxEmail.template == "approval_digest").order_by(OutboxEmail.id)
            )
            .scalars()
            .all()
        )


def test_one_digest_a_day_per_event_while_registrations_wait(client, db, settings, organiser):
    with db.transaction() as session:
        event = open_event(session, requires_approval=True, title="Selective", contact_email="team@agency.example")
        open_event(session, requires_approval=True, contact_email="other@agency.example")  # nobody waits there
    url = f"/api/v1/events/{event.id}/registrations"
    waiting = [
        client.post(
            url, json=registration_payload(first_name="Zoë", last_name=name, organisation="Kemin Oy", country="FI")
        ).json()
        for name in ("Janssens", "Ahola")
    ]
    assert {r["status"] for r in waiting} == {"pending_approval"}
    now = utcnow()

    assert send_approval_digests(db, settings, now=now) == 1
    [digest] = digests(db)
    assert digest.to_address == "team@agency.example"
    email = render_stored(digest.template, digest.context, {"base_url": "http://convene.example"})
    assert email.subject == "Selective: 2 registrations waiting for your approval"
    assert "Zoë Janssens, Kemin Oy (FI)" in email.text and "Zoë Ahola" in email.text
    assert f"/api/v1/events/{event.id}/registrations?status=pending_approval" in email.text

    assert send_approval_digests(db, settings, now=now + timedelta(hours=23)) == 0  # at most once a day
    assert send_approval_digests(db, settings, now=now + timedelta(days=1)) == 1 and len(digests(db)) == 2
    for registration in waiting:
        assert client.post(f"/api/v1/registrations/{registration['id']}/approve", headers=organiser).status_code == 200
    assert send_approval_digests(db, settings, now=now + timedelta(days=3)) == 0  # nobody waits any more


def test_the_digest_reaches_the_contact_and_the_events_own_organiser_accounts(client, db, settings):
    with db.transaction() as session:
        event = open_event(session, requires_approval=True, contact_email="Team@Agency.example")
        other = open_event(session, requires_approval=True)
        for email, role, events in (
            ("lead@agency.example", Role.organiser, {event.id}),
            ("away@agency.example", Role.organiser, {event.id}),
            ("elsewhere@agency.example", Role.organiser, {other.id}),
            ("door@agency.example", Role.checkin, {event.id}),
            ("boss@agency.example", Role.admin, frozenset()),
        ):
            create_account(
                session,
                email=email,
                display_name=email,
                password="correct horse battery",
                role=role,
                event_ids=frozenset(events),
            )
        session.execute(
            Account.__table__.update().where(Account.email == "away@agency.example").values(disabled_at=utcnow())
        )
    for target in (event, other):
        assert client.post(f"/api/v1/events/{target.id}/registrations", json=registration_payload()).status_code == 201

    assert send_approval_digests(db, settings) == 2
    addresses = {}
    for digest in digests(db):
        addresses.setdefault(digest.context["event_id"], set()).add(digest.to_address)
    assert addresses[event.id] == {"team@agency.example", "lead@agency.example"}
    assert addresses[other.id] == {"elsewhere@agency.example"}
    email = render_stored(digests(db)[0].template, digests(db)[0].context, {"base_url": "http://convene.example"})
    assert f"http://convene.example/manage/events/{event.id}/registrations?status=pending_approval" in email.text


def test_without_any_address_the_digest_goes_to_the_organisers_of_every_event(client, db, settings):
    with db.transaction() as session:
        event = open_event(session, requires_approval=True)
        create_account(
            session,
            email="boss@agency.example",
            display_name="Boss",
            password="correct horse battery",
            role=Role.admin,
            event_ids=frozenset(),
        )
    assert client.post(f"/api/v1/events/{event.id}/registrations", json=registration_payload()).status_code == 201
    assert send_approval_digests(db, settings.model_copy(update={"organiser_email": None})) == 1
    assert [digest.to_address for digest in digests(db)] == ["boss@agency.example"]
