"""Generating a report queues a ``report.generated`` delivery with the report, in the same transaction,
and the worker POSTs it signed, once, to the loopback receiver."""

from __future__ import annotations

from app.core.queue import QueueStatus
from app.events.models import Event
from app.webhooks.delivery import deliver_due_webhooks
from tests.factories import add_participant
from tests.webhooks.test_webhooks import deliveries, event, hook, verified  # noqa: F401 (the fixture)


def test_a_generated_report_reaches_the_receiver_once_signed(client, db, settings, organiser, event, receiver):  # noqa: F811
    created = hook(client, organiser, receiver, event_id=event.id, events=["report.generated"])
    with db.transaction() as session:
        add_participant(session, session.get(Event, event.id))
    assert deliveries(db) == []  # a registration is not what this hook wants

    answer = client.post(f"/api/v1/events/{event.id}/reports", json={"format": "md"}, headers=organiser)
    assert answer.status_code == 201, answer.text
    report = answer.json()
    [queued] = deliveries(db)
    assert (queued.event_type, queued.status) == ("report.generated", QueueStatus.queued)
    assert queued.payload["data"] == {"report_id": report["id"], "format": "md", "status": "done"}

    assert deliver_due_webhooks(db, settings) == 1
    assert deliver_due_webhooks(db, settings) == 0
    [received] = receiver.received
    body = verified(created["secret"], received)
    assert body["type"] == received.headers["convene-event"] == "report.generated"
    assert body["event_id"] == event.id and body["data"]["report_id"] == report["id"]
    assert deliveries(db)[0].status is QueueStatus.done
