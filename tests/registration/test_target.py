"""event_to_register_for: the event with, from its own SELECT, whether registering must read its
questions and its webhooks; and registering through the API still applies both when they exist."""

from __future__ import annotations

import pytest

from app.core.errors import NotFound
from app.registration.models import Question, QuestionKind
from app.registration.target import ToRead, event_to_register_for
from app.webhooks.models import Webhook, WebhookDelivery
from tests.registration.conftest import open_event, registration_payload


def _hook(event_id: int | None, *, enabled: bool = True) -> Webhook:
    return Webhook(
        event_id=event_id, url="https://example.org/hook", events=["registration.created"], secret="s", enabled=enabled
    )


def test_an_event_with_neither_needs_neither_read(session):
    event = open_event(session)
    other = open_event(session)
    session.add_all([_hook(other.id), _hook(None, enabled=False)])  # another event's, and a disabled one
    session.add(Question(event_id=other.id, key="diet", label="Diet", kind=QuestionKind.text, position=0))
    session.flush()
    assert event_to_register_for(session, event.id) == (event, ToRead(questions=False, hooks=False))
    assert event_to_register_for(session, event.slug) == (event, ToRead(questions=False, hooks=False))
    assert event_to_register_for(session, str(other.id)) == (other, ToRead(questions=True, hooks=True))


def test_a_hook_for_every_event_is_seen_by_each(session):
    event = open_event(session)
    session.add(_hook(None))
    session.flush()
    assert event_to_register_for(session, event.id)[1] == ToRead(questions=False, hooks=True)


@pytest.mark.parametrize("ref", ["999999", "99999999999", "no-such-event"])
def test_an_unknown_event_is_a_404(session, ref):
    with pytest.raises(NotFound):
        event_to_register_for(session, ref)


def test_the_api_still_checks_answers_and_queues_deliveries_when_the_event_has_them(client, db, organiser):
    with db.transaction() as session:
        event = open_event(session)
        session.add(Question(event_id=event.id, key="diet", label="Diet", kind=QuestionKind.text, required=True))
        session.add(_hook(event.id))
        event_id = event.id
    url = f"/api/v1/events/{event_id}/registrations"
    refused = client.post(url, json=registration_payload())
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "answers.diet"
    assert client.post(url, json=registration_payload(answers={"diet": "none"})).status_code == 201
    with db.transaction() as session:
        assert len(session.query(WebhookDelivery).all()) == 1
