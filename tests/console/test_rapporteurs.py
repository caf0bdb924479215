"""Rapporteurs' links: a signed link opens one working group of one event, and nothing else; what the
rapporteur saves is the group's key points, which the organiser sees and edits in the console."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from itsdangerous import URLSafeSerializer

from app.breakouts.models import BreakoutGroup
from app.breakouts.rapporteurs import SALT, rapporteur_token
from app.events.models import Event
from tests.breakouts.conftest import add_groups, create_breakout
from tests.console.conftest import post_form, sign_in
from tests.factories import csrf_token


@pytest.fixture
def groups(db, console_event):
    """Two groups of a breakout session of the event, and one of the other event's."""
    event, other = console_event
    with db.transaction() as session:
        ours = add_groups(session, create_breakout(session, session.get(Event, event.id)), 8, 8)
        ours[0].title, ours[1].title = "Smart specialisation", "Skills"
        (theirs,) = add_groups(session, create_breakout(session, session.get(Event, other.id)), 8)
        theirs.title = "Coastal tourism"
        return [group.id for group in ours], theirs.id


def _link(client, event_id: int, group_id: int) -> str:
    """The link the console shows for a group, or one signed by us for any pair of ids."""
    token = rapporteur_token(client.app.state.settings, SimpleNamespace(id=event_id), SimpleNamespace(id=group_id))
    return f"/rapporteur/{token}"


def test_a_rapporteur_writes_key_points_that_the_organiser_sees_and_edits(client, db, cast, console_event, groups):
    event, _ = console_event
    (first, second), _ = groups
    link = _link(client, event.id, first)
    page = client.get(link)
    assert page.status_code == 200 and "Key points: Smart specialisation" in page.text and "Skills" not in page.text
    assert page.headers["cache-control"] == "no-store"
    saved = client.post(
        link,
        data={"csrf_token": csrf_token(page.text), "report_notes": "- Regions need **shared** roadmaps\n- Data first"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert "Saved." in client.get(saved.headers["location"]).text
    with db.transaction() as session:
        assert session.get(BreakoutGroup, first).report_notes.startswith("- Regions need **shared** roadmaps")
        assert session.get(BreakoutGroup, second).report_notes is None

    sign_in(client, cast.organiser)
    assert ">1 of 2 groups</a>" in client.get(f"/manage/events/{event.slug}/breakouts").text  # the points arrived
    console = client.get(f"/manage/events/{event.slug}/breakouts/{session_id(db, first)}")
    assert "Regions need **shared** roadmaps" in console.text
    assert re.search(r'value="http://testserver/rapporteur/[^"]+"', console.text)
    base = f"/manage/events/{event.slug}/breakouts/{session_id(db, first)}"
    edited = post_form(client, base, f"{base}/groups/{first}/notes", {"report_notes": "- Shared roadmaps"})
    assert edited.status_code == 303
    with db.transaction() as session:
        assert session.get(BreakoutGroup, first).report_notes == "- Shared roadmaps"


def test_a_link_opens_its_group_and_nothing_else(client, db, console_event, groups):
    event, other = console_event
    (first, second), theirs = groups
    link = _link(client, event.id, first)
    token = link.rsplit("/", 1)[1]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(f"/rapporteur/{tampered}").status_code == 404
    # Another group's id under this event's signature, or this group under the other event: no signature of ours.
    forged = URLSafeSerializer("not-our-secret", salt=SALT).dumps({"g": second, "e": event.id})
    assert client.get(f"/rapporteur/{forged}").status_code == 404
    # Signed by us, but the group is not the event's the link names: refused, not opened.
    assert client.get(_link(client, event.id, theirs)).status_code == 404
    assert client.get(_link(client, other.id, first)).status_code == 404
    # A post to a link goes to that link's group only; the form names no group to redirect it.
    page = client.get(link)
    client.post(link, data={"csrf_token": csrf_token(page.text), "report_notes": "Ours", "group_id": str(second)})
    with db.transaction() as session:
        assert session.get(BreakoutGroup, first).report_notes == "Ours"
        assert session.get(BreakoutGroup, second).report_notes is None
        assert session.get(BreakoutGroup, theirs).report_notes is None


def test_a_post_without_the_pages_csrf_token_is_refused(client, db, console_event, groups):
    event, _ = console_event
    (first, _), _ = groups
    response = client.post(_link(client, event.id, first), data={"report_notes": "Sneaky"})
    assert response.status_code == 403
    with db.transaction() as session:
        assert session.get(BreakoutGroup, first).report_notes is None


def session_id(db, group_id: int) -> int:
    with db.transaction() as session:
        return session.get(BreakoutGroup, group_id).session_id
