"""Privacy: publication consent for every audience, erasure, and anonymisation after the retention period."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.queue import QueueStatus
from app.core.types import utcnow
from app.notifications.models import OutboxEmail
from app.registration.models import Publication, Registration, RegistrationStatus
from app.registration.privacy import Audience, anonymise, publishable, publishable_clause
from tests.factories import create_project
from tests.registration.conftest import add_registration, open_event

EXPECTED = {  # (publication, audience) -> may the name be shown
    (Publication.everyone, Audience.public): True,
    (Publication.everyone, Audience.participants): True,
    (Publication.participants, Audience.public): False,
    (Publication.participants, Audience.participants): True,
    (Publication.nobody, Audience.public): False,
    (Publication.nobody, Audience.participants): False,
}


@pytest.mark.parametrize("publication", list(Publication))
@pytest.mark.parametrize("audience", list(Audience))
def test_publishable_follows_the_consent_for_every_audience(publication, audience):
    registration = Registration(publication=publication)
    expected = True if audience is Audience.organisers else EXPECTED[(publication, audience)]
    assert publishable(registration, audience) is expected
    registration.anonymised_at = utcnow()
    assert publishable(registration, audience) is False


def test_the_sql_clause_selects_exactly_the_publishable(session):
    event = open_event(session)
    for publication in Publication:
        add_registration(session, event, consents={"privacy": True, "publication": publication.value})
    anonymise(session, add_registration(session, event, consents={"privacy": True, "publication": "everyone"}))
    everyone = session.execute(select(Registration)).scalars().all()
    for audience in Audience:
        chosen = set(session.execute(select(Registration.id).where(publishable_clause(audience))).scalars())
        assert chosen == {r.id for r in everyone if publishable(r, audience)}


def test_anonymising_replaces_identity_and_keeps_the_figures(session):
    event = open_event(session)
    project = create_project(session, acronym="KEEP")
    registration = add_registration(
        session,
        event,
        email="who@example.org",
        country="DE",
        project="KEEP",
        organisation="Some Cluster",
        organisation_type="cluster",
    )
    code, organisation_id = registration.checkin_code, registration.organisation_id
    anonymise(session, registration)
    assert (registration.first_name, registration.last_name) == ("Anonymised", "participant")
    assert "who" not in registration.email and registration.answers == {}
    assert registration.publication is Publication.nobody and registration.checkin_code != code
    assert registration.status is RegistrationStatus.confirmed
    assert (registration.country, registration.project_id, registration.organisation_id) == (
        "DE",
        project.id,
        organisation_id,
    )
    emails = session.execute(select(OutboxEmail)).scalars().all()
    assert emails and all(e.to_address != "who@example.org" and e.context == {} for e in emails)
    assert all(e.status is QueueStatus.failed for e in emails)


def test_only_this_registrations_emails_are_scrubbed(session):
    first, second = open_event(session), open_event(session)
    mine = add_registration(session, first, email="same@example.org")
    add_registration(session, second, email="same@example.org")
    anonymise(session, mine)
    remaining = session.execute(select(OutboxEmail).where(OutboxEmail.to_address == "same@example.org")).scalars().all()
    assert len(remaining) == 1 and remaining[0].status is QueueStatus.queued


def test_organiser_sets_retention_reads_data_and_erases(client, db, organiser):
    with db.transaction() as session:
        event = open_event(session)
        registration = add_registration(session, event, email="data@example.org", by_organiser=True)
    changed = client.put(f"/api/v1/events/{event.id}/retention", json={"retention_days": 30}, headers=organiser)
    assert changed.status_code == 200 and changed.json()["retention_days"] == 30
    assert changed.json()["ends_at"].startswith("2030-07-20")
    assert changed.json()["anonymise_after"].startswith("2030-08-03")  # the notice, then 14 days' grace
    assert (
        client.put(f"/api/v1/events/{event.id}/retention", json={"retention_days": -1}, headers=organiser).status_code
        == 422
    )
    data = client.get(f"/api/v1/registrations/{registration.id}/data", headers=organiser)
    assert data.status_code == 200 and data.json()["registration"]["email"] == "data@example.org"
    assert client.post(f"/api/v1/registrations/{registration.id}/erase").status_code == 401
    erased = client.post(f"/api/v1/registrations/{registration.id}/erase", headers=organiser)
    assert erased.status_code == 200 and erased.json()["anonymised_at"] is not None
    assert erased.json()["email"] != "data@example.org" and erased.json()["status"] == "cancelled"
