"""The console's Webhooks screen: add (secret shown once), list, recent deliveries, delete."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.events.models import Event
from app.webhooks.delivery import deliver_due_webhooks
from app.webhooks.models import Webhook
from tests.console.conftest import post_form, sign_in
from tests.registration.conftest import add_registration
from tests.webhooks.conftest import receiver  # noqa: F401 (a fixture)


def hooks(db) -> int:
    with db.transaction(write=False) as session:
        return session.execute(select(func.count()).select_from(Webhook)).scalar_one()


def test_an_organiser_adds_a_hook_sees_its_deliveries_and_deletes_it(
    client,
    db,
    settings,
    cast,
    console_event,
    receiver,  # noqa: F811 (the imported fixture)
):
    event, other = console_event
    sign_in(client, cast.organiser)
    added = post_form(
        client,
        "/manage/webhooks",
        "/manage/webhooks",
        {"url": receiver.url, "events": ["registration.created"], "event_id": str(event.id)},
    )
    assert added.status_code == 201 and "shown only this once" in added.text
    secret = re.search(r"<code>(whsec_[^<]+)</code>", added.text).group(1)
    with db.transaction() as session:
        add_registration(session, session.get(Event, event.id))
    assert deliver_due_webhooks(db, settings) == 1
    page = client.get("/manage/webhooks").text
    assert receiver.url in page and secret not in page
    assert "registration.created" in page and "done" in page and ">200<" in page

    hook_id = re.search(r"/manage/webhooks/(\d+)/delete", page).group(1)
    assert post_form(client, "/manage/webhooks", f"/manage/webhooks/{hook_id}/delete", {}).status_code == 303
    assert hooks(db) == 0


def test_refusals_name_the_field_and_write_nothing(client, db, cast, console_event):
    event, other = console_event
    sign_in(client, cast.organiser)
    bad_url = post_form(
        client,
        "/manage/webhooks",
        "/manage/webhooks",
        {"url": "ftp://example.org", "events": ["registration.created"], "event_id": str(event.id)},
    )
    assert bad_url.status_code == 422 and "http:// or https://" in bad_url.text
    no_events = post_form(
        client, "/manage/webhooks", "/manage/webhooks", {"url": "https://example.org/h", "event_id": str(event.id)}
    )
    assert no_events.status_code == 422
    everywhere = post_form(
        client,
        "/manage/webhooks",
        "/manage/webhooks",
        {"url": "https://example.org/h", "events": ["registration.created"]},
    )
    assert everywhere.status_code == 422 and "limited to chosen events" in everywhere.text
    elsewhere = post_form(
        client,
        "/manage/webhooks",
        "/manage/webhooks",
        {"url": "https://example.org/h", "events": ["registration.created"], "event_id": str(other.id)},
    )
    assert elsewhere.status_code == 422 and "limited to other events" in elsewhere.text
    assert hooks(db) == 0
