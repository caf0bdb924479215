"""Creating and editing an event in the console, with its settings; bad input on the form."""

from __future__ import annotations

from sqlalchemy import func, select

from app.core.security import Role
from app.events.models import Event
from tests.console.conftest import make_account, post_form, sign_in

GOOD = {
    "title": "Smart specialisation peer review",
    "slug": "s3-peer-review-2031",
    "subtitle": "",
    "description": "",
    "topics": "innovation\nregions",
    "starts_at": "2031-03-04T09:30",
    "ends_at": "2031-03-04T17:00",
    "timezone": "Europe/Lisbon",
    "venue": "Palácio",
    "city": "Porto",
    "country": "PT",
    "capacity": "25",
    "registration_opens_at": "",
    "registration_closes_at": "2031-03-01T23:59",
    "email_confirmation": "yes",
    "retention_days": "90",
    "published": "no",
}


def _events(db) -> int:
    with db.transaction(write=False) as session:
        return session.execute(select(func.count()).select_from(Event)).scalar_one()


def test_creating_an_event_reads_times_at_the_venue_and_keeps_its_settings(client, db):
    make_account(db, "lead@example.org", Role.organiser)
    sign_in(client, "lead@example.org")
    created = post_form(client, "/manage/events/new", "/manage/events/new", GOOD)
    assert created.status_code == 303 and created.headers["location"] == "/manage/events/s3-peer-review-2031"
    assert "Created Smart specialisation peer review" in client.get(created.headers["location"]).text
    with db.transaction(write=False) as session:
        event = session.execute(select(Event).where(Event.slug == "s3-peer-review-2031")).scalar_one()
        assert event.starts_at.isoformat() == "2031-03-04T09:30:00+00:00"  # Lisbon is on UTC in March
        assert (event.capacity, event.retention_days, event.email_confirmation, event.requires_approval) == (
            25,
            90,
            True,
            False,
        )
        assert event.topics == ["innovation", "regions"] and event.country == "PT"
    form = client.get("/manage/events/s3-peer-review-2031/edit")
    assert 'value="2031-03-04T09:30"' in form.text and 'value="25"' in form.text


def test_bad_input_is_named_next_to_each_field_and_nothing_is_written(client, db):
    make_account(db, "lead@example.org", Role.organiser)
    sign_in(client, "lead@example.org")
    bad = {
        **GOOD,
        "title": "",
        "slug": "Not A Slug",
        "ends_at": "2031-03-04T08:00",
        "capacity": "many",
        "timezone": "Mars/Olympus",
        "retention_days": "-3",
    }
    response = post_form(client, "/manage/events/new", "/manage/events/new", bad)
    assert response.status_code == 422
    for field in ("title", "slug", "capacity", "timezone"):
        assert f'id="f-{field}-error"' in response.text, field
    assert "Please correct the following" in response.text and 'value="Not A Slug"' in response.text
    assert _events(db) == 0
    # The dates are checked by the events service once the fields are well-formed.
    late = post_form(client, "/manage/events/new", "/manage/events/new", {**GOOD, "ends_at": "2031-03-04T08:00"})
    assert late.status_code == 422 and 'id="f-ends_at-error"' in late.text and "must end after it starts" in late.text
    negative = post_form(client, "/manage/events/new", "/manage/events/new", {**GOOD, "retention_days": "-3"})
    assert negative.status_code == 422 and 'id="f-retention_days-error"' in negative.text
    assert _events(db) == 0


def test_editing_changes_the_event_and_a_taken_slug_is_refused(client, db, cast, console_event):
    event, other = console_event
    sign_in(client, cast.organiser)
    edit = f"/manage/events/{event.slug}/edit"
    values = {**GOOD, "slug": event.slug, "title": "Renamed workshop", "capacity": ""}
    saved = post_form(client, edit, edit, values)
    assert saved.status_code == 303
    with db.transaction(write=False) as session:
        changed = session.get(Event, event.id)
        assert (changed.title, changed.capacity) == ("Renamed workshop", None)
    taken = post_form(client, edit, edit, {**values, "slug": other.slug})
    assert taken.status_code == 422 and "already used by another event" in taken.text


def test_an_organiser_of_chosen_events_cannot_create_events(client, db, cast):
    sign_in(client, cast.organiser)
    assert client.get("/manage/events/new").status_code == 403
    assert "Create an event" not in client.get("/manage").text


def test_cloning_an_event_makes_a_draft_on_the_new_first_day(client, db):
    make_account(db, "lead@example.org", Role.organiser)
    sign_in(client, "lead@example.org")
    post_form(client, "/manage/events/new", "/manage/events/new", GOOD)

    page = client.get("/manage/events/s3-peer-review-2031")
    assert 'href="/manage/events/s3-peer-review-2031/clone"' in page.text
    form = client.get("/manage/events/s3-peer-review-2031/clone")
    assert 'value="2031-03-04"' in form.text and 'value="s3-peer-review-2031-next"' in form.text
    bad = post_form(
        client,
        "/manage/events/s3-peer-review-2031/clone",
        "/manage/events/s3-peer-review-2031/clone",
        {"title": "", "slug": "s3-peer-review-2031", "starts_on": "2032-03-10"},
    )
    assert bad.status_code == 422 and 'id="f-title-error"' in bad.text and _events(db) == 1
    taken = post_form(
        client,
        "/manage/events/s3-peer-review-2031/clone",
        "/manage/events/s3-peer-review-2031/clone",
        {"title": "Peer review 2032", "slug": "s3-peer-review-2031", "starts_on": "2032-03-10"},
    )
    assert taken.status_code == 422 and 'id="f-slug-error"' in taken.text and _events(db) == 1

    done = post_form(
        client,
        "/manage/events/s3-peer-review-2031/clone",
        "/manage/events/s3-peer-review-2031/clone",
        {"title": "Peer review 2032", "slug": "s3-peer-review-2032", "starts_on": "2032-03-10"},
    )

    assert done.status_code == 303 and done.headers["location"] == "/manage/events/s3-peer-review-2032"
    assert "draft copy" in client.get(done.headers["location"]).text
    with db.transaction(write=False) as session:
        copy = session.execute(select(Event).where(Event.slug == "s3-peer-review-2032")).scalar_one()
        assert (copy.title, copy.published, copy.capacity) == ("Peer review 2032", False, 25)
        assert copy.starts_at.isoformat() == "2032-03-10T09:30:00+00:00"
