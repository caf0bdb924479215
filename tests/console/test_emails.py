"""An event's emails in the console: failed ones flagged on the events list, shown with their
error, and sent again with one button; another event's emails are not reachable."""

from __future__ import annotations

from sqlalchemy import select, update

from app.core.queue import QueueStatus
from app.core.roles import Role
from app.events.models import Event
from app.notifications.messages import Message
from app.notifications.models import OutboxEmail
from app.registration.emails import notify
from tests.console.conftest import make_account, post_form, sign_in
from tests.factories import add_participant


def _queue_for(db, event_id: int, first_name: str) -> int:
    """A participant of the event and their 'registered' email; returns the email's id."""
    with db.transaction() as session:
        event = session.get(Event, event_id)
        registration = add_participant(session, event, first_name=first_name)
        notify(session, event, registration, Message.registered)
        return session.execute(select(OutboxEmail.id).order_by(OutboxEmail.id.desc()).limit(1)).scalar_one()


def _fail(db, email_id: int) -> None:
    with db.transaction() as session:
        session.execute(
            update(OutboxEmail)
            .where(OutboxEmail.id == email_id)
            .values(status=QueueStatus.failed, attempts=5, last_error="SMTPRecipientsRefused: 550 no such user")
        )


def test_a_failed_email_is_flagged_shown_with_its_error_and_sent_again(client, db, console_event):
    event, other = console_event
    failed = _queue_for(db, event.id, "Ann")
    _queue_for(db, event.id, "Bea")  # still queued
    elsewhere = _queue_for(db, other.id, "Cas")
    _fail(db, failed)
    _fail(db, elsewhere)
    make_account(db, "lead@example.org", Role.organiser, (event.id,))
    sign_in(client, "lead@example.org")

    listing = client.get("/manage").text
    assert f'href="/manage/events/{event.slug}/emails?status=failed">1 email failed' in listing
    page = client.get(f"/manage/events/{event.slug}/emails?status=failed")
    assert page.status_code == 200 and "550 no such user" in page.text
    assert page.text.count("Send again</button>") == 1
    everything = client.get(f"/manage/events/{event.slug}/emails").text
    assert "Waiting to be sent" in everything and "Failed" in everything

    again = post_form(
        client,
        f"/manage/events/{event.slug}/emails?status=failed",
        f"/manage/events/{event.slug}/emails/{failed}/retry",
        {},
    )
    assert again.status_code == 303 and "will be sent again" in client.get(again.headers["location"]).text
    with db.transaction(write=False) as session:
        email = session.get(OutboxEmail, failed)
        assert (email.status, email.attempts) == (QueueStatus.queued, 0)
    assert "email failed" not in client.get("/manage").text

    twice = post_form(
        client, f"/manage/events/{event.slug}/emails", f"/manage/events/{event.slug}/emails/{failed}/retry", {}
    )
    assert "only a failed email is sent again" in client.get(twice.headers["location"]).text
    foreign = post_form(
        client, f"/manage/events/{event.slug}/emails", f"/manage/events/{event.slug}/emails/{elsewhere}/retry", {}
    )
    assert foreign.status_code == 404
    with db.transaction(write=False) as session:
        assert session.get(OutboxEmail, elsewhere).status is QueueStatus.failed
