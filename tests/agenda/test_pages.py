"""The public event page and the agenda as iCalendar."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar

from tests.factories import create_agenda_session, create_event


def test_event_page_groups_the_agenda_by_time_with_parallel_sessions_side_by_side(client, session):
    event = create_event(session, slug="page-test", title="Clusters <day>")
    create_agenda_session(
        session, event, title="Opening", starts_at=datetime(2030, 6, 20, 9, 0), ends_at=datetime(2030, 6, 20, 9, 30)
    )
    for room in ("Room A", "Room B"):
        create_agenda_session(
            session,
            event,
            title=f"Working group {room}",
            kind="breakout",
            room=room,
            starts_at=datetime(2030, 6, 20, 14, 0),
            ends_at=datetime(2030, 6, 20, 15, 0),
        )
    session.commit()

    page = client.get("/events/page-test")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "Clusters &lt;day&gt;" in html and "<day>" not in html
    assert html.index("Opening") < html.index("Working group Room A") < html.index("Working group Room B")
    assert html.count('class="parallel"') == 1
    assert "09:00–09:30" in html and "14:00–15:00" in html


def test_overlapping_sessions_share_a_slot_even_when_they_start_apart(client, session):
    event = create_event(session, slug="overlap")
    create_agenda_session(
        session,
        event,
        title="Group early",
        kind="breakout",
        room="Room A",
        starts_at=datetime(2030, 6, 20, 14, 0),
        ends_at=datetime(2030, 6, 20, 15, 0),
    )
    create_agenda_session(
        session,
        event,
        title="Group late",
        kind="breakout",
        room="Room B",
        starts_at=datetime(2030, 6, 20, 14, 15),
        ends_at=datetime(2030, 6, 20, 15, 15),
    )
    create_agenda_session(
        session,
        event,
        title="Coffee right after",
        kind="break",
        starts_at=datetime(2030, 6, 20, 15, 15),
        ends_at=datetime(2030, 6, 20, 15, 30),
    )
    session.commit()

    html = client.get("/events/overlap").text
    assert html.count('class="parallel"') == 1
    parallel = html[html.index('class="parallel"') :]
    assert "Group late" in parallel[: parallel.index("Coffee right after")]


def test_an_agenda_over_several_days_has_a_heading_for_each_day(client, session):
    event = create_event(
        session, slug="two-days", starts_at="2030-06-20T09:00:00+02:00", ends_at="2030-06-21T13:00:00+02:00"
    )
    create_agenda_session(
        session,
        event,
        title="Day one talk",
        starts_at=datetime(2030, 6, 20, 10, 0),
        ends_at=datetime(2030, 6, 20, 11, 0),
    )
    create_agenda_session(
        session,
        event,
        title="Day two talk",
        starts_at=datetime(2030, 6, 21, 10, 0),
        ends_at=datetime(2030, 6, 21, 11, 0),
    )
    session.commit()

    html = client.get("/events/two-days").text
    assert "20 June 2030 09:00 to 21 June 2030 13:00 (Europe/Brussels)" in html
    assert html.index('<h3 class="day">20 June 2030</h3>') < html.index("<h4>Day one talk</h4>")
    assert (
        html.index("<h4>Day one talk</h4>")
        < html.index('<h3 class="day">21 June 2030</h3>')
        < html.index("Day two talk")
    )


def test_unknown_event_page_is_a_404_html_page(client):
    response = client.get("/events/nope", headers={"Accept": "text/html"})
    assert response.status_code == 404 and "<p>No event with slug" in response.text


def test_agenda_ics_has_each_session_at_its_local_time(client, session):
    event = create_event(session, slug="ics-test", timezone="Europe/Brussels")
    create_agenda_session(
        session,
        event,
        title="Morning talk",
        starts_at=datetime(2030, 6, 20, 10, 0),
        ends_at=datetime(2030, 6, 20, 10, 45),
    )
    session.commit()

    response = client.get("/events/ics-test/agenda.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]
    (entry,) = calendar.walk("VEVENT")
    start = entry.decoded("DTSTART")
    assert str(entry["SUMMARY"]) == "Morning talk"
    assert start.tzinfo is not None and start.utcoffset().total_seconds() == 2 * 3600
    assert start == datetime(2030, 6, 20, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))
    assert entry.decoded("DTEND") - start == (datetime(2030, 6, 20, 10, 45) - datetime(2030, 6, 20, 10, 0))
    assert b"TZID=Europe/Brussels:20300620T100000" in response.content
    assert str(entry["LOCATION"]) == "Plenary, Town hall, Leuven, Belgium"
