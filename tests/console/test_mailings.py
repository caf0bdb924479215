"""The console's Mailings screen: compose, preview (counts, skipped, a sample recipient's email),
send now or at a time on the venue's clock; bad input shown by its field, nothing written; one
mailing's page with who received it, for this event's mailings only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.attendance.models import Checkin
from app.communications.models import Mailing
from app.events.models import Event
from app.notifications.models import OutboxEmail
from app.registration.models import Registration
from app.registration.unsubscribe import set_optional_messages
from tests.console.conftest import post_form, sign_in
from tests.factories import add_participant

BODY = "Dear {{ participant.first_name }},\n\nWe missed you at **{{ event.title }}**.\n"


@pytest.fixture
def audience(db, console_event) -> dict:
    """Two no-shows (one unsubscribed from optional messages) and one who came."""
    event, _ = console_event
    with db.transaction() as session:
        event = session.get(Event, event.id)
        ann, bo, cy = (add_participant(session, event, first_name=name) for name in ("Ann", "Bo", "Cy"))
        session.add(Checkin(event_id=event.id, registration_id=cy.id))
        set_optional_messages(session, bo, wanted=False)
    return {"base": f"/manage/events/{event.slug}/mailings", "event": event}


def _form(**changes) -> dict:
    return {
        "subject": "We missed you",
        "body": BODY,
        "status": ["confirmed"],
        "attendance": "no_show",
        "when": "now",
        "send_at": "",
        "action": "preview",
        **changes,
    }


def _counts(db) -> tuple[int, int]:
    with db.transaction(write=False) as session:
        return tuple(
            session.execute(select(func.count()).select_from(table)).scalar_one() for table in (Mailing, OutboxEmail)
        )


def test_an_organiser_previews_then_sends_to_the_no_shows(client, db, cast, audience):
    sign_in(client, cast.organiser)
    base = audience["base"]
    compose = client.get(f"{base}/new")
    assert compose.status_code == 200 and "{{ participant.first_name }}" in compose.text
    preview = post_form(client, f"{base}/new", base, _form())
    assert preview.status_code == 200
    assert "sent to <strong>1</strong> participant(s); <strong>1</strong> skipped" in preview.text
    assert "Dear Ann," in preview.text and "Unsubscribe from the organisers" in preview.text
    assert _counts(db) == (0, 0)  # a preview writes nothing
    sent = post_form(client, f"{base}/new", base, _form(action="send"))
    assert sent.status_code == 303 and sent.headers["location"] == base
    listed = client.get(base)
    assert "Sent “We missed you” to 1 participant(s) (1 skipped: unsubscribed)." in listed.text
    assert ">We missed you</a></td>" in listed.text and _counts(db) == (1, 1)


def test_a_mailing_at_a_set_time_is_read_on_the_venues_clock(client, db, cast, audience):
    sign_in(client, cast.organiser)
    event, base = audience["event"], audience["base"]
    local = (datetime.now(ZoneInfo(event.timezone)) + timedelta(days=3)).replace(second=0, microsecond=0)
    sent = post_form(
        client, f"{base}/new", base, _form(action="send", when="later", send_at=local.strftime("%Y-%m-%dT%H:%M"))
    )
    assert sent.status_code == 303
    with db.transaction(write=False) as session:
        mailing = session.execute(select(Mailing)).scalar_one()
        assert (mailing.status, mailing.send_at) == ("scheduled", local.astimezone(UTC))
    assert "scheduled for" in client.get(base).text and _counts(db) == (1, 0)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"subject": ""}, "subject", "subject is empty"),
        ({"body": "Hi {{ participant.nickname }}"}, "body", "unknown placeholder"),
        ({"status": []}, "status", "at least one status"),
        ({"status": ["sleeping"]}, "status", "choose from the list"),
        ({"groups": ["x"]}, "groups", "choose from the list"),
        ({"groups": ["999999"]}, "groups", "no breakout group"),
        ({"countries": ["Belgium"]}, "countries", "two-letter"),
        ({"attendance": "checked_in", "status": ["waitlisted"]}, "to", "no participant matches"),
        ({"when": "later", "send_at": "tomorrow"}, "send_at", "date and time"),
        ({"when": "later", "send_at": "2020-01-01T09:00", "action": "send"}, "send_at", "future"),
    ],
)
def test_bad_input_is_shown_by_its_field_and_nothing_is_written(client, db, cast, audience, changes, field, words):
    sign_in(client, cast.organiser)
    for action in ("preview", "send"):
        answer = post_form(client, f"{audience['base']}/new", audience["base"], _form(**{"action": action, **changes}))
        assert answer.status_code == 422, answer.text
        assert f'id="f-{field}-error"' in answer.text and words in answer.text
    assert _counts(db) == (0, 0)


def test_the_event_navigation_links_the_mailings(client, cast, audience):
    sign_in(client, cast.organiser)
    assert f'href="{audience["base"]}"' in client.get(f"/manage/events/{audience['event'].slug}").text


def _only_mailing(db) -> Mailing:
    with db.transaction(write=False) as session:
        return session.execute(select(Mailing)).scalar_one()


def test_a_sent_mailings_page_shows_its_text_counts_and_recipients(client, db, cast, audience):
    sign_in(client, cast.organiser)
    base = audience["base"]
    post_form(client, f"{base}/new", base, _form(action="send"))
    mailing = _only_mailing(db)
    assert f'<a href="{base}/{mailing.id}">We missed you</a>' in client.get(base).text
    page = client.get(f"{base}/{mailing.id}")
    assert page.status_code == 200
    assert "<h1>We missed you" in page.text
    assert "Dear {{ participant.first_name }},\n\nWe missed you at **{{ event.title }}**." in page.text
    assert "Recipients: <strong>1</strong>" in page.text
    assert "Skipped (unsubscribed from the organisers' messages): <strong>1</strong>" in page.text
    assert "To: confirmed, not checked in (no-show)." in page.text
    with db.transaction(write=False) as session:
        people = {person.first_name: person for person in session.execute(select(Registration)).scalars()}
    ann, bo = people["Ann"], people["Bo"]
    assert f"<tr><td>{ann.full_name}</td><td>{ann.email}</td></tr>" in page.text
    assert bo.email not in page.text and people["Cy"].email not in page.text


def test_a_scheduled_mailing_says_when_it_will_be_sent(client, db, cast, audience):
    sign_in(client, cast.organiser)
    event, base = audience["event"], audience["base"]
    local = (datetime.now(ZoneInfo(event.timezone)) + timedelta(days=3)).replace(second=0, microsecond=0)
    post_form(client, f"{base}/new", base, _form(action="send", when="later", send_at=local.strftime("%Y-%m-%dT%H:%M")))
    page = client.get(f"{base}/{_only_mailing(db).id}")
    assert page.status_code == 200
    assert f"Scheduled for {local:%d %b %Y %H:%M} on the venue's clock ({event.timezone}): not sent yet" in page.text
    assert "Sent to" not in page.text


def test_the_text_is_shown_escaped(client, db, cast, audience):
    event = audience["event"]
    with db.transaction() as session:
        mailing = Mailing(
            event_id=event.id, subject="<b>Hi</b>", body="<script>x()</script>\nbye", audience={}, status="sent"
        )
        session.add(mailing)
    sign_in(client, cast.organiser)
    page = client.get(f"{audience['base']}/{mailing.id}").text
    assert "&lt;script&gt;x()&lt;/script&gt;\nbye" in page and "<script>x()" not in page
    assert "&lt;b&gt;Hi&lt;/b&gt;" in page and "<b>Hi</b>" not in page


def test_another_events_mailing_is_not_found_through_this_event(client, db, cast, console_event):
    event, other = console_event
    with db.transaction() as session:
        theirs = Mailing(event_id=other.id, subject="Theirs", body="Private", audience={}, status="sent")
        session.add(theirs)
    sign_in(client, cast.all_organiser)  # may manage both events: the address alone must not reach it
    answer = client.get(f"/manage/events/{event.slug}/mailings/{theirs.id}")
    assert answer.status_code == 404 and "Private" not in answer.text
    assert client.get(f"/manage/events/{other.slug}/mailings/{theirs.id}").status_code == 200


@pytest.mark.parametrize("mailing_id", ["abc", "0", "-1", str(2**31), str(2**63), "1.5"])
def test_a_mailing_id_that_names_no_row_is_refused_clearly(client, cast, audience, mailing_id):
    sign_in(client, cast.organiser)
    answer = client.get(f"{audience['base']}/{mailing_id}")
    assert answer.status_code == 422 and "mailing_id" in answer.text
