"""What the console shows each kind of account at /manage. Who may call every console route (signed
out, check-in staff, organisers of this event, of another event and of all events, admins) is one
rule per route in tests/routes.py, checked for every route by tests/test_routes.py."""

from __future__ import annotations

import pytest

from tests.console.conftest import sign_in


@pytest.mark.parametrize(
    ("role", "sees_this", "sees_other"),
    [
        ("organiser", True, False),
        ("other_organiser", False, True),
        ("all_organiser", True, True),
        ("admin", True, True),
    ],
)
def test_the_events_list_shows_each_account_the_events_it_may_manage(
    client, cast, console_event, role, sees_this, sees_other
):
    event, other = console_event
    sign_in(client, getattr(cast, role))
    page = client.get("/manage")
    assert page.status_code == 200
    assert (event.title in page.text, other.title in page.text) == (sees_this, sees_other)


def test_checkin_staff_see_the_check_in_pages_of_their_events_only(client, cast, console_event):
    event, other = console_event
    sign_in(client, cast.checkin)
    page = client.get("/manage")
    assert page.status_code == 200
    assert f"/manage/events/{event.slug}/checkin" in page.text and other.slug not in page.text


def test_signed_out_visitors_are_sent_to_sign_in_and_back(client, console_event):
    event, _ = console_event
    response = client.get(f"/manage/events/{event.slug}/registrations", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/manage/login?next=/manage/events/{event.slug}/registrations"
