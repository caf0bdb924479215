"""Every console route, for every kind of visitor: signed out, check-in staff, organiser of another
event, the event's organiser, admin. The rules are the API's."""

from __future__ import annotations

import pytest

from tests.console.conftest import sign_in

# (method, path template, who may): "organiser" routes are for the event's organisers and admins.
# {event} is the event's slug; {other} a slug of an event the organiser does not manage.
ROUTES = [
    ("GET", "/manage", "any organiser"),
    ("GET", "/manage/events/{event}", "organiser"),
]


def _url(path: str, event, other) -> str:
    return path.format(event=event.slug, other=other.slug)


@pytest.mark.parametrize(("method", "path", "who"), ROUTES)
def test_signed_out_visitors_are_sent_to_sign_in(client, console_event, method, path, who):
    event, other = console_event
    response = client.request(method, _url(path, event, other), follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/manage/login")


@pytest.mark.parametrize(("method", "path", "who"), ROUTES)
def test_checkin_staff_are_refused(client, cast, console_event, method, path, who):
    event, other = console_event
    sign_in(client, cast.checkin)
    assert client.request(method, _url(path, event, other), follow_redirects=False).status_code == 403


@pytest.mark.parametrize(("method", "path", "who"), ROUTES)
def test_an_organiser_of_another_event_sees_nothing_of_this_one(client, cast, console_event, method, path, who):
    event, other = console_event
    sign_in(client, cast.other_organiser)
    response = client.request(method, _url(path, event, other), follow_redirects=False)
    if who == "any organiser":
        assert response.status_code == 200 and event.title not in response.text and other.title in response.text
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ["organiser", "admin"])
@pytest.mark.parametrize(("method", "path", "who"), ROUTES)
def test_the_events_organiser_and_admins_may(client, cast, console_event, method, path, who, role):
    event, other = console_event
    sign_in(client, getattr(cast, role))
    response = client.request(method, _url(path, event, other), follow_redirects=False)
    assert response.status_code == 200 and event.title in response.text
    if path == "/manage":
        assert (other.title in response.text) is (role == "admin")
