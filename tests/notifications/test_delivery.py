"""Delivering the outbox to a real SMTP server: both parts, retries, nothing lost, nothing twice."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select, update

from app.core.queue import MAX_ATTEMPTS, QueueStatus
from app.core.types import utcnow
from app.notifications.delivery import deliver_due_emails
from app.notifications.messages import Message, RegistrationProps
from app.notifications.models import OutboxEmail
from app.notifications.outbox import queue_email
from app.registration.links import email_links
from app.worker import drain

PROPS = RegistrationProps(
    registration_id=1,
    first_name="Ada",
    last_name="Peeters",
    status="confirmed",
    event_title="R&D days",
    event_when="20 June 2030",
    event_where="Leuven",
)


def _queue(db, count: int = 1, to: str = "ada{}@example.org") -> None:
    with db.transaction() as session:
        for number in range(count):
            queue_email(session, Message.registered, to=to.format(number), props=PROPS)


def _emails(db) -> list[OutboxEmail]:
    with db.transaction(write=False) as session:
        return list(session.execute(select(OutboxEmail).order_by(OutboxEmail.id)).scalars())


def _make_due(db) -> None:
    with db.transaction() as session:
        session.execute(update(OutboxEmail).values(due_at=utcnow() - timedelta(seconds=1)))


def test_email_arrives_with_plain_text_and_html_parts_and_the_participant_link(db, settings, smtp_server):
    smtp_server.start()
    _queue(db)
    assert drain(db, settings.model_copy(update={"smtp_url": smtp_server.url})) >= 1
    [message] = smtp_server.handler.messages
    assert message["To"] == "ada0@example.org"
    assert message["Subject"] == "You are registered for R&D days"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "R&D days" in text and "R&amp;D days" in html
    assert "http://testserver/r/" in text and 'href="http://testserver/r/' in html
    assert [e.status for e in _emails(db)] == [QueueStatus.done]


def test_smtp_down_loses_nothing_and_sends_each_email_once_when_it_is_back(db, settings, smtp_server):
    settings = settings.model_copy(update={"smtp_url": smtp_server.url})
    _queue(db, count=3)
    assert deliver_due_emails(db, settings, extend_context=email_links) == 0
    emails = _emails(db)
    assert {e.status for e in emails} == {QueueStatus.queued}
    assert all(e.attempts == 1 and e.last_error and e.due_at > utcnow() for e in emails)
    assert deliver_due_emails(db, settings, extend_context=email_links) == 0  # not due yet: backing off

    smtp_server.start()
    assert deliver_due_emails(db, settings, extend_context=email_links) == 0  # still backing off
    _make_due(db)
    assert deliver_due_emails(db, settings, extend_context=email_links) == 3
    _make_due(db)
    assert deliver_due_emails(db, settings, extend_context=email_links) == 0
    assert sorted(m["To"] for m in smtp_server.handler.messages) == [f"ada{n}@example.org" for n in range(3)]
    assert {e.status for e in _emails(db)} == {QueueStatus.done}


def test_server_down_never_gives_an_email_up(db, settings, smtp_server):
    settings = settings.model_copy(update={"smtp_url": smtp_server.url})
    _queue(db)
    for _ in range(MAX_ATTEMPTS + 2):
        _make_due(db)
        deliver_due_emails(db, settings, extend_context=email_links)
    [email] = _emails(db)
    assert (email.status, email.attempts) == (QueueStatus.queued, MAX_ATTEMPTS + 2)


def test_a_refused_recipient_fails_after_the_last_attempt_and_others_are_sent(db, settings, smtp_server):
    smtp_server.start()
    smtp_server.handler.refuse.add("ada0@example.org")
    settings = settings.model_copy(update={"smtp_url": smtp_server.url})
    _queue(db, count=2)
    for _ in range(MAX_ATTEMPTS):
        _make_due(db)
        deliver_due_emails(db, settings, extend_context=email_links)
    refused, delivered = _emails(db)
    assert (refused.status, refused.attempts) == (QueueStatus.failed, MAX_ATTEMPTS)
    assert "550" in refused.last_error
    assert delivered.status is QueueStatus.done
    assert [m["To"] for m in smtp_server.handler.messages] == ["ada1@example.org"]


def test_without_an_smtp_url_emails_stay_queued(db, settings):
    _queue(db)
    assert deliver_due_emails(db, settings) == 0
    [email] = _emails(db)
    assert (email.status, email.attempts) == (QueueStatus.queued, 0)


def test_two_workers_at_once_send_each_email_exactly_once(db, settings, smtp_server):
    smtp_server.start()
    settings = settings.model_copy(update={"smtp_url": smtp_server.url})
    _queue(db, count=40)
    workers = [
        threading.Thread(
            target=deliver_due_emails, args=(db, settings), kwargs={"extend_context": email_links, "batch_size": 5}
        )
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(m["To"] for m in smtp_server.handler.messages) == sorted(f"ada{n}@example.org" for n in range(40))
