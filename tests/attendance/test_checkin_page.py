"""The door staff's page: sign in with a token, search, one-tap check-in, CSRF, no emails shown."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.attendance.models import Checkin
from app.core.security import Role
from app.events.models import Event
from app.registration.models import RegistrationStatus
from tests.conftest import token_headers
from tests.factories import add_participant

PAGE = "/events/door-test/checkin"
HTML = {"Accept": "text/html"}


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def raw_token(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


@pytest.fixture
def people(db, event_id):
    with db.transaction() as session:
        event = session.get(Event, event_id)
        return (
            add_participant(session, event, first_name="Ann", last_name="Dahlöf", organisation="Région <Sud>"),
            add_participant(session, event, first_name="Bruno", last_name="Fernández", organisation="ACCIÓ"),
            add_participant(
                session, event, first_name="Carla", last_name="Waits", status=RegistrationStatus.waitlisted
            ),
        )


@pytest.fixture
def staff_client(client, checkin_staff):
    """A client signed in to the check-in page with a checkin token."""
    login = client.get(PAGE, headers=HTML)
    response = client.post(
        f"{PAGE}/login",
        data={"token": raw_token(checkin_staff), "csrf_token": csrf_of(login.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and f"Path={PAGE}" in cookie
    return client


def test_without_a_token_the_page_asks_for_one(client, event_id, people):
    page = client.get(PAGE, headers=HTML)
    assert page.status_code == 200 and 'name="token"' in page.text and "Dahl" not in page.text


def test_a_wrong_or_foreign_token_is_refused_next_to_the_field(client, db, event_id):
    with db.transaction() as session:
        other = Event(**{**session.get(Event, event_id).model_dump(exclude={"id"}), "slug": "elsewhere"})
        session.add(other)
        session.flush()
        other_id = other.id
    login = client.get(PAGE, headers=HTML)
    for token, status in (("cvn_nonsense", 401), (raw_token(token_headers(db, Role.checkin, other_id)), 403)):
        response = client.post(f"{PAGE}/login", data={"token": token, "csrf_token": csrf_of(login.text)})
        assert response.status_code == status and 'id="token-error"' in response.text
        assert "convene_checkin=" not in response.headers.get("set-cookie", "")


def test_search_shows_names_and_organisations_escaped_without_emails(staff_client, people):
    page = staff_client.get(PAGE, params={"q": "dahl"}, headers=HTML)
    assert page.status_code == 200
    assert "Ann Dahlöf" in page.text and "Région &lt;Sud&gt;" in page.text and "<Sud>" not in page.text
    assert "@example.org" not in page.text and "Bruno" not in page.text
    assert "Carla" not in staff_client.get(PAGE, params={"q": "carla"}, headers=HTML).text
    assert "0 / 2" in re.sub(r"<[^>]+>", "", page.text)
    # Each button names its person: a screen reader's list of buttons has no rows around them.
    assert '>Check in<span class="visually-hidden"> Ann Dahlöf</span></button>' in page.text


def test_one_tap_checks_in_and_a_second_tap_says_already(staff_client, db, people):
    ann = people[0]
    token = csrf_of(staff_client.get(PAGE, headers=HTML).text)
    first = staff_client.post(PAGE, data={"registration_id": str(ann.id), "csrf_token": token, "q": "dahl"})
    assert first.status_code == 200 and "Ann Dahlöf checked in" in first.text and "undo" in first.text
    assert "1 / 2" in re.sub(r"<[^>]+>", "", first.text)
    again = staff_client.post(PAGE, data={"code": ann.checkin_code, "csrf_token": token})
    assert "already checked in at" in again.text
    undone = staff_client.post(PAGE, data={"registration_id": str(ann.id), "action": "undo", "csrf_token": token})
    assert "check-in undone" in undone.text
    with db.transaction(write=False) as session:
        assert session.execute(select(func.count()).select_from(Checkin)).scalar_one() == 0
    assert staff_client.get(f"{PAGE}/counts").json() == {"checked_in": 0, "confirmed": 2}


def test_refusals_and_malformed_codes_are_shown_on_the_page(staff_client, people):
    token = csrf_of(staff_client.get(PAGE, headers=HTML).text)
    waitlisted = staff_client.post(PAGE, data={"code": people[2].checkin_code, "csrf_token": token})
    assert waitlisted.status_code == 409 and "waiting list" in waitlisted.text and 'role="alert"' in waitlisted.text
    assert re.search(r'role="alert">[A-Z]', waitlisted.text)
    forged = staff_client.post(PAGE, data={"code": "<script>alert(1)</script>", "csrf_token": token})
    assert forged.status_code == 422 and "not a check-in code" in forged.text and "<script>alert(1)" not in forged.text


def test_a_post_without_the_csrf_token_writes_nothing(staff_client, db, people):
    response = staff_client.post(PAGE, data={"code": people[0].checkin_code}, headers=HTML)
    assert response.status_code == 403
    with db.transaction(write=False) as session:
        assert session.execute(select(func.count()).select_from(Checkin)).scalar_one() == 0


def test_sign_out_forgets_the_token(staff_client, people):
    token = csrf_of(staff_client.get(PAGE, headers=HTML).text)
    staff_client.post(f"{PAGE}/logout", data={"csrf_token": token})
    assert 'name="token"' in staff_client.get(PAGE, headers=HTML).text
    assert staff_client.get(f"{PAGE}/counts").status_code == 401
