"""A hook's host is checked again before each delivery: a name that has come to point at a private
address (DNS rebinding) gets a failed, logged attempt and no request; an allowed one is reached at the
very address that was checked, not through a second lookup."""

from __future__ import annotations

import ipaddress
import logging

import httpx

from app.core.queue import QueueStatus
from app.events.models import Event
from app.webhooks.delivery import deliver_due_webhooks, post_to
from app.webhooks.models import Webhook
from tests.registration.conftest import add_registration
from tests.webhooks.test_webhooks import deliveries, event, hook, make_due  # noqa: F401 (the fixture)


def test_a_host_now_resolving_to_loopback_is_refused_before_sending(
    client,
    db,
    settings,
    organiser,
    event,  # noqa: F811
    receiver,
    caplog,
):
    # Registered while private addresses were allowed (or while the name pointed elsewhere) ...
    port = receiver.url.split(":")[2].split("/")[0]
    created = hook(client, organiser, receiver, url=f"http://localhost:{port}/hook", event_id=event.id)
    with db.transaction() as session:
        add_registration(session, session.get(Event, event.id))
    # ... delivered by a worker in production settings: "localhost" resolves to loopback.
    production = settings.model_copy(update={"webhooks_allow_private": False})
    with caplog.at_level(logging.WARNING, logger="convene.webhooks"):
        assert deliver_due_webhooks(db, production) == 0

    assert receiver.received == []
    [delivery] = deliveries(db)
    assert delivery.status is QueueStatus.queued and delivery.attempts == 1 and delivery.response_status is None
    assert "'localhost'" in delivery.last_error and "non-routable" in delivery.last_error
    assert "127.0.0.1" in delivery.last_error or "::1" in delivery.last_error
    assert any("non-routable" in record.getMessage() for record in caplog.records)
    with db.transaction(write=False) as session:
        assert session.get(Webhook, created["id"]).consecutive_failures == 1

    # The same delivery, retried where private addresses are allowed (a development machine), goes through.
    make_due(db)
    assert deliver_due_webhooks(db, settings.model_copy(update={"webhooks_allow_private": True})) == 1
    assert len(receiver.received) == 1


def test_the_request_goes_to_the_checked_address_with_the_hooks_own_host_name(receiver):
    # ".invalid" never resolves (RFC 6761): reaching the receiver proves no second lookup was made.
    port = receiver.url.split(":")[2].split("/")[0]
    with httpx.Client(timeout=5) as client:
        answer = post_to(
            client,
            f"http://hooks.convene.invalid:{port}/hook",
            ipaddress.ip_address("127.0.0.1"),
            content=b"{}",
            headers={"Content-Type": "application/json"},
        )
    assert answer.status_code == 200
    [received] = receiver.received
    assert received.headers["host"] == f"hooks.convene.invalid:{port}"
    assert received.body == b"{}"
