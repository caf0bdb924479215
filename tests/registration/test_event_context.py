"""The event's part of every registration email's props is remembered between emails, never stale."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.events.models import Event
from app.registration.emails import event_context


def an_event(**changes) -> Event:
    values = {
        "slug": "clusters-2030",
        "title": "Clusters workshop",
        "timezone": "Europe/Brussels",
        "starts_at": datetime(2030, 6, 20, 7, 0, tzinfo=UTC),
        "ends_at": datetime(2030, 6, 20, 15, 0, tzinfo=UTC),
        "venue": "Committee of the Regions",
        "city": "Brussels",
    }
    return Event(**{**values, **changes})


def test_the_event_described_in_words_on_the_venue_clock():
    context = event_context(an_event())
    assert context["event_when"] == "Thursday 20 June 2030, 09:00 to 17:00 (Europe/Brussels)"
    assert context["event_where"] == "Committee of the Regions, Brussels"
    assert context["event_starts_at"] == "2030-06-20T07:00:00+00:00"


def test_a_changed_event_is_described_as_it_now_is():
    event = an_event()
    event_context(event)
    later = timedelta(days=1, hours=1)
    event.title, event.starts_at, event.ends_at, event.city = (
        "Clusters day",
        event.starts_at + later,
        event.ends_at + later,
        None,
    )
    context = event_context(event)
    assert context["event_title"] == "Clusters day"
    assert context["event_when"] == "Friday 21 June 2030, 10:00 to 18:00 (Europe/Brussels)"
    assert context["event_where"] == "Committee of the Regions"


def test_the_same_instant_in_another_offset_keeps_its_own_text():
    brussels = timezone(timedelta(hours=2))
    in_utc, in_brussels = an_event(), an_event(starts_at=datetime(2030, 6, 20, 9, 0, tzinfo=brussels))
    assert in_utc.starts_at == in_brussels.starts_at
    assert event_context(in_utc)["event_starts_at"] == "2030-06-20T07:00:00+00:00"
    assert event_context(in_brussels)["event_starts_at"] == "2030-06-20T09:00:00+02:00"


def test_the_remembered_props_cannot_be_changed_by_a_caller():
    context = event_context(an_event())
    with pytest.raises(TypeError):
        context["event_title"] = "Changed"  # type: ignore[index]
    assert event_context(an_event())["event_title"] == "Clusters workshop"
