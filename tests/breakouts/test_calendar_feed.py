"""A participant's calendar feed: the event, the plenary agenda and their own breakout group at the
venue's local time; stable UIDs and a SEQUENCE that grows when the agenda or the assignment changes;
a forged address is a 404 that says nothing, a closed registration's feed is gone (410)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from sqlalchemy import update

from app.agenda.models import AgendaSession
from app.breakouts.models import BreakoutAssignment, BreakoutSettings
from app.breakouts.placement import move_participant, solve_and_save_assignment
from app.breakouts.schemas import AssignmentRequest, MoveRequest
from app.breakouts.service import set_preferences
from app.core.types import utcnow
from app.directory.schemas import PersonCreate
from app.directory.service import create_person
from app.events.models import Event
from app.registration.links import calendar_feed_url, participant_token
from app.registration.models import Registration, RegistrationStatus
from app.registration.privacy import erase_registration
from app.registration.service import cancel_registration
from tests.breakouts.conftest import add_groups, create_breakout
from tests.factories import add_participant, create_agenda_session, create_event

BRUSSELS = "Europe/Brussels"


@pytest.fixture
def workshop(db, settings) -> dict:
    """A day in Leuven: welcome, a keynote given by Ann, coffee, and working groups in two rooms;
    Ann sits in the first group, Bo in the second. Everything was last changed an hour ago."""
    with db.transaction() as session:
        event = create_event(session, title="Clusters day", timezone=BRUSSELS)
        speaker = create_person(session, PersonCreate(first_name="Ann", last_name="Lee", email="ann@example.org"))
        create_agenda_session(
            session,
            event,
            title="Welcome",
            kind="welcome",
            starts_at=datetime(2030, 6, 20, 9, 30),
            ends_at=datetime(2030, 6, 20, 10, 0),
        )
        keynote = create_agenda_session(
            session,
            event,
            title="Keynote",
            starts_at=datetime(2030, 6, 20, 10, 0),
            ends_at=datetime(2030, 6, 20, 11, 0),
            roles=[{"person_id": speaker.id, "role": "speaker"}],
        )
        create_agenda_session(
            session,
            event,
            title="Coffee",
            kind="break",
            room=None,
            starts_at=datetime(2030, 6, 20, 11, 0),
            ends_at=datetime(2030, 6, 20, 11, 30),
        )
        item = create_breakout(session, event, starts=14)
        first, second = add_groups(session, item, 2, 2)
        first.room, second.room, second.title = "Room 1", "Room 2", "Green energy"
        ann = add_participant(session, event, first_name="Ann", person_id=speaker.id)
        bo = add_participant(session, event, first_name="Bo")
        set_preferences(session, item, ann, [first.id, second.id], by_participant=False)
        set_preferences(session, item, bo, [second.id, first.id], by_participant=False)
        solve_and_save_assignment(session, event, item, AssignmentRequest(dry_run=False, notify=False))
        an_hour_ago = utcnow() - timedelta(hours=1)
        event.updated_at = an_hour_ago
        session.execute(update(BreakoutAssignment).values(assigned_at=an_hour_ago))
        session.execute(update(BreakoutSettings).values(committed_at=an_hour_ago))
        return {
            "event": event.id,
            "keynote": keynote.id,
            "breakout": item.id,
            "groups": (first.id, second.id),
            "ann": ann.id,
            "bo": bo.id,
            "ann_url": calendar_feed_url(settings, ann),
            "bo_url": calendar_feed_url(settings, bo),
            "ann_page": f"/r/{participant_token(settings, ann)}",
        }


def feed(client, url: str) -> Calendar:
    answer = client.get(urlsplit(url).path)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "no-store" in answer.headers["cache-control"]
    return Calendar.from_ical(answer.content)


def entries(calendar: Calendar) -> dict[str, object]:
    return {str(entry["SUMMARY"]): entry for entry in calendar.walk("VEVENT")}


def wall_clock(entry, name: str = "DTSTART") -> tuple[str, datetime]:
    """The zone and the local time a calendar shows: the TZID and the time as written."""
    value = entry.decoded(name)
    return entry[name].params["TZID"], value.replace(tzinfo=None)


def test_two_participants_see_the_plenary_and_their_own_group_at_local_time(client, workshop):
    ann, bo = entries(feed(client, workshop["ann_url"])), entries(feed(client, workshop["bo_url"]))
    plenary = {"Clusters day", "Welcome", "Keynote", "Coffee"}
    assert set(ann) == plenary | {"Working groups at 14:00: Group 1"}
    assert set(bo) == plenary | {"Working groups at 14:00: Green energy"}

    group = ann["Working groups at 14:00: Group 1"]
    assert str(group["LOCATION"]).startswith("Room 1, Town hall, Leuven")
    assert "Your group: Group 1" in str(group["DESCRIPTION"])
    assert str(bo["Working groups at 14:00: Green energy"]["LOCATION"]).startswith("Room 2, ")
    assert wall_clock(group) == (BRUSSELS, datetime(2030, 6, 20, 14, 0))
    assert wall_clock(group, "DTEND") == (BRUSSELS, datetime(2030, 6, 20, 15, 0))
    # Ann gives the keynote; Bo only listens.
    assert "Your role: Speaker" in str(ann["Keynote"]["DESCRIPTION"])
    assert "Your role" not in str(bo["Keynote"]["DESCRIPTION"])
    assert wall_clock(ann["Keynote"]) == (BRUSSELS, datetime(2030, 6, 20, 10, 0))
    # The event itself is a banner over its day; the sessions carry the hours.
    assert ann["Clusters day"].decoded("DTSTART") == date(2030, 6, 20)
    assert ann["Clusters day"].decoded("DTEND") == date(2030, 6, 21)
    # UIDs are per item and per participant: Bo's keynote is not Ann's entry.
    assert str(ann["Keynote"]["UID"]) == f"session-{workshop['keynote']}-r{workshop['ann']}@testserver"
    assert str(bo["Keynote"]["UID"]) != str(ann["Keynote"]["UID"])


def test_the_vtimezone_alone_places_the_times_right(client, workshop):
    """What a calendar that does not know the IANA name does (Outlook): read the wall-clock time and
    the VTIMEZONE written with it. 10:00 in Brussels in June is 08:00 UTC."""
    calendar = feed(client, workshop["ann_url"])
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == BRUSSELS
    keynote = entries(calendar)["Keynote"]
    _, local = wall_clock(keynote)
    assert local.replace(tzinfo=zone.to_tz()).astimezone(UTC) == datetime(2030, 6, 20, 8, 0, tzinfo=UTC)
    assert b"DTSTART;TZID=Europe/Brussels:20300620T100000" in calendar.to_ical()


def test_an_agenda_change_bumps_the_sequence_and_keeps_the_uid(client, organiser, workshop):
    before = entries(feed(client, workshop["ann_url"]))["Keynote"]
    answer = client.patch(
        f"/api/v1/events/{workshop['event']}/sessions/{workshop['keynote']}",
        headers=organiser,
        json={"starts_at": "2030-06-20T10:15:00", "ends_at": "2030-06-20T11:00:00", "room": "Aula"},
    )
    assert answer.status_code == 200, answer.text
    after = entries(feed(client, workshop["ann_url"]))["Keynote"]
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert wall_clock(after) == (BRUSSELS, datetime(2030, 6, 20, 10, 15))
    assert str(after["LOCATION"]).startswith("Aula, ")
    # The same data twice gives the same entry: nothing for a calendar to update.
    assert entries(feed(client, workshop["ann_url"]))["Keynote"].to_ical() == after.to_ical()


def test_a_new_assignment_bumps_the_breakout_entry(client, db, workshop):
    before = {str(e["UID"]): e for e in feed(client, workshop["ann_url"]).walk("VEVENT")}
    with db.transaction() as session:
        event, item = session.get(Event, workshop["event"]), session.get(AgendaSession, workshop["breakout"])
        move_participant(
            session, event, item, MoveRequest(registration_id=workshop["ann"], group_id=workshop["groups"][1])
        )
    after = {str(e["UID"]): e for e in feed(client, workshop["ann_url"]).walk("VEVENT")}
    assert after.keys() == before.keys()
    uid = f"session-{workshop['breakout']}-r{workshop['ann']}@testserver"
    assert str(after[uid]["SUMMARY"]) == "Working groups at 14:00: Green energy"
    assert str(after[uid]["LOCATION"]).startswith("Room 2, ")
    assert int(after[uid]["SEQUENCE"]) > int(before[uid]["SEQUENCE"])
    keynote = f"session-{workshop['keynote']}-r{workshop['ann']}@testserver"
    assert after[keynote]["SEQUENCE"] == before[keynote]["SEQUENCE"]  # untouched items keep theirs


def test_a_tampered_address_is_a_404_that_says_nothing(client, workshop):
    path = urlsplit(workshop["ann_url"]).path
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    for wrong in (
        f"/calendar/{tampered}.ics",
        f"/calendar/{workshop['ann_page'].removeprefix('/r/')}.ics",
        "/calendar/x.ics",
    ):
        answer = client.get(wrong)
        assert answer.status_code == 404, wrong
        assert "Clusters day" not in answer.text and "Ann" not in answer.text and "BEGIN:VCALENDAR" not in answer.text
    # Nor does the feed's token open the participant's page.
    assert client.get(f"/r/{token}").status_code == 404


def test_the_page_offers_the_feed_to_a_confirmed_participant(client, workshop):
    page = client.get(workshop["ann_page"]).text
    webcal = "webcal://" + workshop["ann_url"].split("://", 1)[1]
    assert f'href="{webcal}">Subscribe in your calendar</a>' in page
    assert f'href="{workshop["ann_url"]}"' in page


def test_a_closed_or_erased_registration_feed_is_gone(client, db, workshop):
    with db.transaction() as session:
        cancel_registration(session, session.get(Registration, workshop["bo"]), by_organiser=False)
        erase_registration(session, session.get(Registration, workshop["ann"]), by_organiser=False)
    for url in (workshop["bo_url"], workshop["ann_url"]):
        answer = client.get(urlsplit(url).path)
        assert answer.status_code == 410
        assert "BEGIN:VCALENDAR" not in answer.text and "Clusters day" not in answer.text


def test_a_participant_still_waiting_gets_an_empty_calendar_and_no_link(client, db, settings, workshop):
    with db.transaction() as session:
        waiting = add_participant(
            session, session.get(Event, workshop["event"]), status=RegistrationStatus.pending_approval
        )
        url, page = calendar_feed_url(settings, waiting), f"/r/{participant_token(settings, waiting)}"
    assert feed(client, url).walk("VEVENT") == []
    assert "Subscribe in your calendar" not in client.get(page).text
