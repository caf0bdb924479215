"""Retention: the organisers are told, a grace period passes, only then are participants anonymised."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from app.core.config import Settings
from app.core.timezones import in_zone
from app.core.types import utcnow
from app.demo.loader import load_demo
from app.events.models import Event
from app.notifications.catalogue import render_stored
from app.notifications.models import OutboxEmail
from app.registration.models import Registration
from app.registration.retention import apply_retention
from app.reports.statistics import event_statistics
from tests.registration.conftest import add_registration, open_event

PAST = {"starts_at": "2019-03-01T09:00:00+01:00", "ends_at": "2019-03-01T17:00:00+01:00"}


def identities(db) -> list[str]:
    with db.transaction(write=False) as session:
        return sorted(session.execute(select(Registration.last_name)).scalars())


def notices(db) -> list[OutboxEmail]:
    with db.transaction(write=False) as session:
        return session.execute(select(OutboxEmail).where(OutboxEmail.template == "retention_notice")).scalars().all()


def test_the_shipped_default_is_a_setting_read_from_the_environment(monkeypatch):
    assert Settings(_env_file=None).retention_days == 365 and Settings(_env_file=None).retention_grace_days == 14
    monkeypatch.setenv("CONVENE_RETENTION_DAYS", "730")
    monkeypatch.setenv("CONVENE_RETENTION_GRACE_DAYS", "30")
    assert (Settings(_env_file=None).retention_days, Settings(_env_file=None).retention_grace_days) == (730, 30)


def test_a_past_event_is_anonymised_only_a_grace_period_after_its_organisers_were_told(db, settings, caplog):
    caplog.set_level(logging.INFO, logger="convene.retention")
    with db.transaction() as session:
        event = open_event(session, **PAST, slug="old-workshop", contact_email="team@agency.example")
        for _ in range(2):
            add_registration(session, event, by_organiser=True)
    before = identities(db)
    now = utcnow()

    assert apply_retention(db, settings, now=now) == 1  # the notice, and nothing erased
    assert identities(db) == before
    [notice] = notices(db)
    assert notice.to_address == "team@agency.example"
    email = render_stored(notice.template, notice.context, {"base_url": "http://convene.example"})
    anonymise_on = f"{in_zone(now + timedelta(days=14), event.timezone):%d %B %Y}"  # dates as at the venue
    assert email.subject.endswith(f"will be anonymised on {anonymise_on}")
    assert "2 participant(s)" in email.text and f"/api/v1/events/{event.id}/retention" in email.text
    assert "told team@agency.example" in caplog.text and anonymise_on in caplog.text

    assert apply_retention(db, settings, now=now + timedelta(days=13, hours=23)) == 0
    assert identities(db) == before and len(notices(db)) == 1
    assert apply_retention(db, settings, now=now + timedelta(days=14)) == 2
    assert identities(db) == ["participant", "participant"]
    assert "anonymised 2 participant(s) of event 'old-workshop'" in caplog.text
    assert apply_retention(db, settings, now=now + timedelta(days=15)) == 0


def test_without_an_organiser_address_nobody_is_anonymised_and_the_log_says_why(db, settings, caplog):
    with db.transaction() as session:
        add_registration(session, open_event(session, **PAST), by_organiser=True)
    before = identities(db)
    assert apply_retention(db, settings, now=utcnow() + timedelta(days=400)) == 0
    assert identities(db) == before and notices(db) == []
    assert "no address is known" in caplog.text and "CONVENE_ORGANISER_EMAIL" in caplog.text
    told = settings.model_copy(update={"organiser_email": "office@agency.example"})
    assert apply_retention(db, told) == 1 and notices(db)[0].to_address == "office@agency.example"


def test_the_default_period_comes_from_the_settings_and_counts_from_the_end(db, settings):
    with db.transaction() as session:
        event = open_event(session, contact_email="team@agency.example")
        add_registration(session, event)
        ends_at = event.ends_at
    short = settings.model_copy(update={"retention_days": 10})
    assert apply_retention(db, short, now=ends_at + timedelta(days=9)) == 0
    assert apply_retention(db, short, now=ends_at + timedelta(days=10)) == 1 and len(notices(db)) == 1


def test_lengthening_the_period_after_the_notice_keeps_the_people(client, db, settings, organiser):
    with db.transaction() as session:
        event = open_event(session, **PAST, contact_email="team@agency.example")
        add_registration(session, event, by_organiser=True)
    before, now = identities(db), utcnow()
    apply_retention(db, settings, now=now)
    told = client.get(f"/api/v1/events/{event.id}/retention", headers=organiser).json()
    assert told["notice_sent_at"] is not None and told["organisers"] == ["team@agency.example"]
    kept = client.put(f"/api/v1/events/{event.id}/retention", json={"retention_days": 36500}, headers=organiser)
    assert kept.status_code == 200 and kept.json()["notice_sent_at"] is None
    assert apply_retention(db, settings, now=now + timedelta(days=30)) == 0 and identities(db) == before


def test_people_added_after_the_notice_get_a_notice_and_a_grace_period_of_their_own(db, settings):
    with db.transaction() as session:
        event = open_event(session, **PAST, contact_email="team@agency.example")
        add_registration(session, event, by_organiser=True, last_name="Early")
    now = utcnow()
    apply_retention(db, settings, now=now)
    with db.transaction() as session:  # an import of the attendance list, a week later
        late = add_registration(session, session.get(Event, event.id), by_organiser=True, last_name="Late")
        late.created_at = now + timedelta(days=7)
    assert apply_retention(db, settings, now=now + timedelta(days=8)) == 1 and len(notices(db)) == 2
    assert apply_retention(db, settings, now=now + timedelta(days=15)) == 0  # the new notice restarted the wait
    assert identities(db) == ["Early", "Late"]
    assert apply_retention(db, settings, now=now + timedelta(days=22)) == 2
    assert identities(db) == ["participant", "participant"]


def test_the_event_shows_its_retention(client, db, settings, organiser):
    created = client.post(
        "/api/v1/events",
        headers=organiser,
        json={
            "slug": "shown",
            "title": "Shown",
            "starts_at": "2030-06-20T09:00:00",
            "ends_at": "2030-06-20T17:00:00",
            "timezone": "Europe/Brussels",
            "contact_email": "team@agency.example",
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["contact_email"] == "team@agency.example"
    assert body["retention"]["days"] == 365 and body["retention"]["default"] is True
    assert body["retention"]["ends_at"].startswith("2031-06-20T17:00:00+02:00")
    assert body["retention"]["anonymise_after"].startswith("2031-07-04")
    changed = client.patch(f"/api/v1/events/{body['id']}", json={"retention_days": 30}, headers=organiser).json()
    assert changed["retention"] | {"anonymise_after": None} == {
        "days": 30,
        "default": False,
        "ends_at": "2030-07-20T17:00:00+02:00",
        "notice_sent_at": None,
        "anonymise_after": None,
    }
    retention = client.get(f"/api/v1/events/{body['id']}/retention", headers=organiser).json()
    assert (retention["retention_days"], retention["default_days"], retention["grace_days"]) == (30, 365, 14)
    assert (
        client.patch(
            f"/api/v1/events/{body['id']}", json={"contact_email": "not an address"}, headers=organiser
        ).json()["errors"][0]["field"]
        == "contact_email"
    )


def test_anonymisation_keeps_every_figure_the_report_prints(db, settings):
    with db.transaction() as session:
        event = load_demo(session).event
        event.retention_days, event.contact_email = 0, "team@agency.example"
        before = event_statistics(session, event.id).as_dict()
        assert before["participants"] == 32 and any(s["attendance"] for s in before["sessions"])
    now = utcnow()
    apply_retention(db, settings, now=now)
    assert apply_retention(db, settings, now=now + timedelta(days=14)) == 32
    with db.transaction(write=False) as session:
        assert event_statistics(session, event.id).as_dict() == before
        assert set(
            session.execute(select(Registration.first_name).where(Registration.event_id == event.id)).scalars()
        ) == {"Anonymised"}
