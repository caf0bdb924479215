"""Webhooks end to end: registered by the API, queued with the change, POSTed signed by the worker
to a real loopback receiver, retried, disabled; refusals write nothing; who may do what."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from app.core.queue import QueueStatus
from app.core.security import Role
from app.core.types import utcnow
from app.events.models import Event
from app.main import create_app
from app.registration.models import Registration
from app.registration.service import cancel_registration
from app.webhooks.delivery import DISABLE_AFTER, deliver_due_webhooks
from app.webhooks.models import Webhook, WebhookDelivery
from tests.conftest import token_headers
from tests.factories import add_participant, create_event, ongoing_event_times
from tests.registration.conftest import add_registration, registration_payload


@pytest.fixture
def event(db) -> Event:
    with db.transaction() as session:
        event = create_event(session, **ongoing_event_times())
        session.expunge(event)
    return event


def hook(client, headers, receiver, **overrides) -> dict:
    answer = client.post(
        "/api/v1/webhooks", headers=headers, json={"url": receiver.url, "events": ["registration.created"], **overrides}
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def count(db, model) -> int:
    with db.transaction(write=False) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def deliveries(db) -> list[WebhookDelivery]:
    with db.transaction(write=False) as session:
        rows = list(session.execute(select(WebhookDelivery).order_by(WebhookDelivery.id)).scalars())
        session.expunge_all()
    return rows


def make_due(db) -> None:
    with db.transaction() as session:
        session.execute(update(WebhookDelivery).values(due_at=utcnow() - timedelta(seconds=1)))


def verified(secret: str, received) -> dict:
    """The receiver's side: check ``Convene-Signature`` over "t.body", then read the body."""
    parts = dict(item.split("=", 1) for item in received.headers["convene-signature"].split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + received.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(parts["v1"], expected)
    return json.loads(received.body)


def test_a_registration_reaches_the_receiver_once_signed(client, db, settings, organiser, event, receiver):
    created = hook(client, organiser, receiver, event_id=event.id)
    assert created["secret"].startswith("whsec_")
    answer = client.post(f"/api/v1/events/{event.slug}/registrations", json=registration_payload())
    assert answer.status_code == 201, answer.text

    assert deliver_due_webhooks(db, settings) == 1
    assert deliver_due_webhooks(db, settings) == 0
    [received] = receiver.received
    body = verified(created["secret"], received)
    assert body["type"] == received.headers["convene-event"] == "registration.created"
    assert body["event_id"] == event.id and body["data"]["registration_id"] == answer.json()["id"]
    assert received.headers["convene-delivery"] == str(body["id"])
    [delivery] = deliveries(db)
    assert (delivery.status, delivery.response_status, delivery.last_error) == (QueueStatus.done, 200, None)
    assert delivery.response_ms is not None
    # The secret was shown once: the list never shows it.
    listed = client.get("/api/v1/webhooks", headers=organiser).json()
    assert [item["id"] for item in listed] == [created["id"]] and "secret" not in listed[0]


def test_a_failure_is_retried_later_with_the_same_delivery_id(client, db, settings, organiser, event, receiver):
    created = hook(client, organiser, receiver)  # every event
    receiver.answers = [500]
    with db.transaction() as session:
        add_registration(session, session.get(Event, event.id))

    assert deliver_due_webhooks(db, settings) == 0
    [delivery] = deliveries(db)
    assert (delivery.status, delivery.response_status, delivery.last_error) == (QueueStatus.queued, 500, "HTTP 500")
    assert delivery.due_at > utcnow()  # backed off: not due again at once
    assert deliver_due_webhooks(db, settings) == 0

    make_due(db)
    assert deliver_due_webhooks(db, settings) == 1
    first, second = receiver.received
    assert first.headers["convene-delivery"] == second.headers["convene-delivery"]
    verified(created["secret"], second)
    [delivery] = deliveries(db)
    assert (delivery.status, delivery.attempts) == (QueueStatus.done, 2)


def test_two_workers_deliver_each_change_exactly_once(client, db, settings, organiser, event, receiver):
    hook(client, organiser, receiver, event_id=event.id)
    with db.transaction() as session:
        for _ in range(12):
            add_registration(session, session.get(Event, event.id))
    workers = [
        threading.Thread(target=deliver_due_webhooks, args=(db, settings), kwargs={"batch_size": 2}) for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    ids = [received.headers["convene-delivery"] for received in receiver.received]
    assert len(ids) == len(set(ids)) == 12
    assert {delivery.status for delivery in deliveries(db)} == {QueueStatus.done}


def test_status_changes_and_check_ins_are_sent_to_the_hooks_that_want_them(
    client, db, settings, organiser, event, receiver
):
    hook(client, organiser, receiver, event_id=event.id, events=["registration.status_changed", "attendee.checked_in"])
    with db.transaction() as session:
        registration = add_registration(session, session.get(Event, event.id))  # not wanted: nothing queued
        ann = add_participant(session, session.get(Event, event.id))
        code = ann.checkin_code
        registration_id = registration.id
    assert count(db, WebhookDelivery) == 0
    assert client.post(f"/api/v1/events/{event.id}/checkins", json={"code": code}, headers=organiser).status_code == 201
    with db.transaction() as session:
        cancel_registration(session, session.get(Registration, registration_id), by_organiser=True)

    assert deliver_due_webhooks(db, settings) == 2
    types = [json.loads(received.body)["type"] for received in receiver.received]
    assert types == ["attendee.checked_in", "registration.status_changed"]
    assert json.loads(receiver.received[1].body)["data"]["status"] == "cancelled"


def test_a_410_disables_the_hook_and_nothing_more_is_queued(client, db, settings, organiser, event, receiver):
    hook(client, organiser, receiver)
    receiver.answers = [410]
    with db.transaction() as session:
        add_registration(session, session.get(Event, event.id))
    deliver_due_webhooks(db, settings)
    [delivery] = deliveries(db)
    assert (delivery.status, delivery.response_status) == (QueueStatus.failed, 410)
    [listed] = client.get("/api/v1/webhooks", headers=organiser).json()
    assert listed["enabled"] is False and "410" in listed["disabled_reason"]
    with db.transaction() as session:
        add_registration(session, session.get(Event, event.id))
    assert count(db, WebhookDelivery) == 1


def test_repeated_failures_disable_the_hook(client, db, settings, organiser, event, receiver):
    hook(client, organiser, receiver)
    receiver.answers = [503] * DISABLE_AFTER
    with db.transaction() as session:
        add_registration(session, session.get(Event, event.id))
    for _ in range(DISABLE_AFTER):
        make_due(db)
        deliver_due_webhooks(db, settings)
    [listed] = client.get("/api/v1/webhooks", headers=organiser).json()
    assert listed["enabled"] is False and listed["consecutive_failures"] == DISABLE_AFTER
    assert deliveries(db)[0].status is QueueStatus.failed


def test_a_slow_receiver_costs_the_worker_only_its_timeout(client, db, settings, organiser, event, receiver):
    hook(client, organiser, receiver)
    receiver.delay = 1.5
    with db.transaction() as session:
        add_registration(session, session.get(Event, event.id))
    deliver_due_webhooks(db, settings.model_copy(update={"webhooks_timeout_seconds": 0.3}))
    [delivery] = deliveries(db)
    assert delivery.status is QueueStatus.queued and "Timeout" in delivery.last_error
    assert delivery.response_ms < 1200


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"url": "ftp://example.org/hook", "events": ["registration.created"]}, "url"),
        ({"url": "example.org/hook", "events": ["registration.created"]}, "url"),
        ({"url": "http://127.0.0.1:8080/hook", "events": ["registration.created"]}, "url"),
        ({"url": "http://10.1.2.3/hook", "events": ["registration.created"]}, "url"),
        ({"url": "http://[::1]/hook", "events": ["registration.created"]}, "url"),
        ({"url": "http://169.254.169.254/latest", "events": ["registration.created"]}, "url"),
        ({"url": "https://93.184.215.14/hook", "events": ["registration.sneezed"]}, "events"),
        ({"url": "https://93.184.215.14/hook", "events": []}, "events"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(db, settings, payload, field):
    production = settings.model_copy(update={"webhooks_allow_private": False})
    with TestClient(create_app(production, database=db)) as client:
        answer = client.post("/api/v1/webhooks", json=payload, headers=token_headers(db, Role.admin))
    assert answer.status_code == 422, answer.text
    assert field in json.dumps(answer.json().get("errors") or answer.json().get("detail"))
    assert count(db, Webhook) == 0


def test_who_may_create_see_and_delete_hooks(client, db, event, receiver):
    with db.transaction() as session:
        other = create_event(session).id
    of_event = token_headers(db, Role.organiser, event.id)
    of_other = token_headers(db, Role.organiser, other)
    admin = token_headers(db, Role.admin)
    door = token_headers(db, Role.checkin, event.id)
    body = {"url": receiver.url, "events": ["registration.created"]}

    assert client.post("/api/v1/webhooks", json=body).status_code == 401
    assert client.post("/api/v1/webhooks", json=body, headers=door).status_code == 403
    assert client.post("/api/v1/webhooks", json=body, headers=of_event).status_code == 403  # global: all events only
    assert client.post("/api/v1/webhooks", json={**body, "event_id": other}, headers=of_event).status_code == 403
    assert client.post("/api/v1/webhooks", json={**body, "event_id": 999999}, headers=admin).status_code == 404
    mine = hook(client, of_event, receiver, event_id=event.id)
    global_hook = hook(client, admin, receiver)

    assert [item["id"] for item in client.get("/api/v1/webhooks", headers=of_event).json()] == [mine["id"]]
    assert client.get("/api/v1/webhooks", headers=of_other).json() == []
    assert {item["id"] for item in client.get("/api/v1/webhooks", headers=admin).json()} == {
        mine["id"],
        global_hook["id"],
    }
    assert client.get("/api/v1/webhooks", headers=door).status_code == 403
    assert client.get("/api/v1/webhooks").status_code == 401

    assert client.delete(f"/api/v1/webhooks/{mine['id']}", headers=of_other).status_code == 404
    assert client.delete(f"/api/v1/webhooks/{global_hook['id']}", headers=of_event).status_code == 404
    assert client.delete(f"/api/v1/webhooks/{mine['id']}", headers=door).status_code == 403
    assert client.delete(f"/api/v1/webhooks/{mine['id']}", headers=of_event).status_code == 204
    assert client.delete(f"/api/v1/webhooks/{global_hook['id']}", headers=admin).status_code == 204
    assert count(db, Webhook) == 0
