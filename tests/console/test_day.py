"""On the day in the console: live attendance that refreshes itself, the badges and certificates as
downloads, and the check-in page for signed-in staff (the door's page, signed in by the console)."""

from __future__ import annotations

import re

import pytest

from app.core.security import Role
from tests.console.conftest import make_account, sign_in
from tests.factories import add_participant, create_agenda_session, create_event, csrf_token, ongoing_event_times


@pytest.fixture
def today(db):
    """An event under way (check-in open) with a session, three confirmed people, a door account."""
    with db.transaction() as session:
        event = create_event(session, title="Workshop today", **ongoing_event_times())
        item = create_agenda_session(session, event, title="Opening plenary")
        people = [
            add_participant(session, event, first_name=name, last_name="Janssens") for name in ("Anna", "Bram", "Cato")
        ]
        ids = (event.id, event.slug, item.id, [person.id for person in people])
    make_account(db, "door@today.org", Role.checkin, (ids[0],))
    make_account(db, "lead@today.org", Role.organiser, (ids[0],))
    return ids


def test_door_staff_check_people_in_from_the_console_and_the_organiser_sees_it(client, today):
    event_id, slug, item_id, people = today
    sign_in(client, "door@today.org")
    home = client.get("/manage")
    assert home.status_code == 200 and "Check-in for Workshop today" in home.text
    door = client.get(f"/manage/events/{slug}/checkin?q=Bram")
    assert door.status_code == 200 and "Bram Janssens" in door.text and "Back to the console" in door.text
    done = client.post(
        f"/manage/events/{slug}/checkin", data={"csrf_token": csrf_token(door.text), "registration_id": str(people[1])}
    )
    assert done.status_code == 200 and re.search(r'class="notice done"[^>]*>[^<]*Bram Janssens', done.text)
    client.post(
        f"/manage/events/{slug}/checkin",
        data={"csrf_token": csrf_token(door.text), "registration_id": str(people[0]), "session_id": str(item_id)},
    )
    assert client.get(f"/manage/events/{slug}/checkin/counts").json() == {"checked_in": 2, "confirmed": 3}
    assert client.get(f"/manage/events/{slug}/day").status_code == 403  # the figures are the organisers'

    sign_in(client, "lead@today.org")
    day = client.get(f"/manage/events/{slug}/day")
    assert day.status_code == 200 and '<meta http-equiv="refresh" content="30">' in day.text
    figures = dict(re.findall(r"<li>([A-Za-z ()-]+): <strong>(\d+)</strong></li>", day.text))
    assert figures["Checked in"] == "2" and figures["Expected"] == "3" and figures["Not checked in (no-shows)"] == "1"
    row = re.search(r"Opening plenary</th>(.*?)</tr>", day.text, re.S).group(1)
    assert re.findall(r'<td class="number">(\d+)</td>', row) == ["1", "3", "2"]


def test_badges_and_certificates_download_as_pdf(client, today, db):
    event_id, slug, item_id, people = today
    sign_in(client, "lead@today.org")
    badges = client.get(f"/manage/events/{slug}/day/badges.pdf")
    assert badges.status_code == 200 and badges.content.startswith(b"%PDF")
    assert f'filename="{slug}-badges.pdf"' in badges.headers["content-disposition"]
    nobody = client.get(f"/manage/events/{slug}/day/certificates.pdf", follow_redirects=False)
    assert nobody.status_code == 303 and "No PDF" in client.get(nobody.headers["location"]).text
    door = client.get(f"/manage/events/{slug}/checkin")
    client.post(
        f"/manage/events/{slug}/checkin", data={"csrf_token": csrf_token(door.text), "registration_id": str(people[2])}
    )
    certificates = client.get(f"/manage/events/{slug}/day/certificates.pdf")
    assert certificates.status_code == 200 and certificates.content.startswith(b"%PDF")


def test_an_organiser_of_another_event_cannot_use_this_door(client, today, db):
    _, slug, _, people = today
    with db.transaction() as session:
        other = create_event(session, title="Elsewhere")
    make_account(db, "else@today.org", Role.organiser, (other.id,))
    sign_in(client, "else@today.org")
    assert client.get(f"/manage/events/{slug}/checkin").status_code == 403
    assert client.get(f"/manage/events/{slug}/checkin/counts").status_code == 403
