"""The public pages say when registration closes (on the venue's clock, in words) and whether the
organisers must approve each registration."""

from __future__ import annotations

import pytest


@pytest.fixture
def event_slug(client, organiser) -> str:
    from tests.factories import event_payload

    payload = event_payload(
        slug="approval-needed",
        requires_approval=True,
        timezone="Europe/Helsinki",
        starts_at="2030-06-20T09:00:00",
        ends_at="2030-06-20T17:00:00",
        registration_closes_at="2030-06-13T17:00:00",
    )
    assert client.post("/api/v1/events", json=payload, headers=organiser).status_code == 201
    return payload["slug"]


@pytest.mark.parametrize("path", ["/events/{slug}", "/events/{slug}/register"])
def test_the_event_page_and_the_form_say_approval_is_required_and_when_registration_closes(client, event_slug, path):
    text = " ".join(client.get(path.format(slug=event_slug)).text.split())
    assert "Registration closes on Thursday 13 June 2030 at 17:00 (Eastern European Summer Time)." in text
    assert "requires the organisers&#39; approval" in text or "requires the organisers' approval" in text


def test_without_an_approval_step_nothing_is_said_about_approval_and_the_event_end_closes(client, organiser):
    from tests.factories import event_payload

    payload = event_payload(slug="open-door")
    client.post("/api/v1/events", json=payload, headers=organiser)
    text = " ".join(client.get("/events/open-door").text.split())
    assert "approval" not in text
    assert "Registration closes on Thursday 20 June 2030 at 17:00 (Central European Summer Time)." in text
