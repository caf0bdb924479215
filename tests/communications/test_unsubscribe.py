"""Unsubscribing from the organisers' messages: every mailing carries a personal link and the
RFC 8058 headers; following the link changes nothing, posting (the page's button or a mail
provider's one-click) opts out; the next mailing skips and counts that person; messages about the
registration itself are still sent, without the link; a bad link writes nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app.communications.mailings import send_due_mailings
from app.communications.models import Mailing
from app.core.types import utcnow
from app.notifications.catalogue import RenderedEmail
from app.notifications.smtp import build_message
from app.registration.links import participant_token
from app.registration.models import Registration
from app.registration.unsubscribe import unsubscribe_token
from app.worker import drain
from tests.factories import add_participant, csrf_token
from tests.registration.conftest import open_event

BODY = "Dear {{ participant.first_name }},\n\nSee you at **{{ event.title }}**.\n"
PUBLIC_URL = "https://convene.test"  # the delivery's base URL: one-click needs https


@pytest.fixture
def people(db) -> dict:
    with db.transaction() as session:
        event = open_event(session, title="R&D days")
        ann, bo, cy = (add_participant(session, event, first_name=name) for name in ("Ann", "Bo", "Cy"))
        return {
            "event": event.id,
            "ann": ann.id,
            "bo": bo.id,
            "cy": cy.id,
            "emails": {ann.id: ann.email, bo.id: bo.email, cy.id: cy.email},
        }


def _mail(client, organiser, people, subject: str = "Practical information") -> dict:
    response = client.post(
        f"/api/v1/events/{people['event']}/mailings",
        headers=organiser,
        json={"subject": subject, "body": BODY, "to": {}},
    )
    assert response.status_code == 201, response.text
    return response.json()


def _deliver(db, settings, smtp_server) -> list[EmailMessage]:
    before = len(smtp_server.handler.messages)
    drain(db, settings.model_copy(update={"smtp_url": smtp_server.url, "base_url": PUBLIC_URL}))
    return smtp_server.handler.messages[before:]


def _unsubscribed(db) -> dict[int, bool]:
    with db.transaction(write=False) as session:
        return {row.id: row.unsubscribed_at is not None for row in session.execute(select(Registration)).scalars()}


def _link(message: EmailMessage) -> str:
    """The path of the email's unsubscribe link, read from its List-Unsubscribe header."""
    url = re.fullmatch(r"<(.+)>", message["List-Unsubscribe"]).group(1)
    assert url.startswith(f"{PUBLIC_URL}/unsubscribe/")
    return urlsplit(url).path


def test_the_link_in_a_mailing_opts_out_and_the_next_mailing_skips_and_counts(
    client, db, settings, organiser, people, smtp_server
):
    smtp_server.start()
    _mail(client, organiser, people)
    received = {message["To"]: message for message in _deliver(db, settings, smtp_server)}
    assert sorted(received) == sorted(people["emails"].values())
    ann, bo = received[people["emails"][people["ann"]]], received[people["emails"][people["bo"]]]
    assert ann["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = _link(ann)
    assert link != _link(bo)  # personal
    plain, html = ann.get_body(("plain",)).get_content(), ann.get_body(("html",)).get_content()
    assert f"Unsubscribe from the organisers' messages: {PUBLIC_URL}{link}" in plain
    assert f'href="{PUBLIC_URL}{link}"' in html and "you registered for R&amp;D days" in html

    page = client.get(link, headers={"Accept": "text/html"})  # what a mail scanner does: nothing changes
    assert page.status_code == 200 and "Unsubscribe from these messages" in page.text
    assert page.headers["Cache-Control"] == "no-store" and not any(_unsubscribed(db).values())

    done = client.post(link, data={"action": "unsubscribe"})
    assert done.status_code == 200 and "You are unsubscribed" in done.text and "Subscribe again" in done.text
    # A mail provider's one-click: the RFC 8058 body and no cookie, no CSRF token.
    client.cookies.clear()
    one_click = client.post(
        _link(bo), content=b"List-Unsubscribe=One-Click", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert one_click.status_code == 200
    assert _unsubscribed(db) == {people["ann"]: True, people["bo"]: True, people["cy"]: False}

    url = f"/api/v1/events/{people['event']}/mailings"
    preview = client.post(f"{url}/preview", headers=organiser, json={"subject": "Next", "body": BODY, "to": {}}).json()
    assert (preview["count"], preview["skipped"]) == (1, 2) and preview["sample"].startswith("Cy ")
    assert "Unsubscribe from the organisers' messages: https://convene.example/unsubscribe/" in preview["text"]
    second = _mail(client, organiser, people, subject="Next")
    assert (second["recipients"], second["skipped"]) == (1, 2)
    assert [message["To"] for message in _deliver(db, settings, smtp_server)] == [people["emails"][people["cy"]]]
    listed = client.get(url, headers=organiser).json()
    assert [(item["subject"], item["recipients"], item["skipped"]) for item in listed] == [
        ("Next", 1, 2),
        ("Practical information", 3, 0),
    ]

    again = client.post(link, data={"action": "subscribe"})
    assert again.status_code == 200 and "You are subscribed again" in again.text
    assert _unsubscribed(db)[people["ann"]] is False


def test_messages_about_the_registration_reach_the_unsubscribed_without_the_link(
    client, db, settings, organiser, people, smtp_server
):
    smtp_server.start()
    assert client.post(f"/unsubscribe/{unsubscribe_token(settings, people['ann'])}").status_code == 200
    assert client.post(f"/api/v1/registrations/{people['ann']}/cancel", headers=organiser).status_code == 200
    [cancelled] = _deliver(db, settings, smtp_server)
    assert cancelled["To"] == people["emails"][people["ann"]]
    assert cancelled["List-Unsubscribe"] is None and cancelled["List-Unsubscribe-Post"] is None
    assert "unsubscribe" not in cancelled.get_body(("plain",)).get_content().lower()


def test_a_scheduled_mailing_skips_who_unsubscribed_before_it_was_sent(client, db, settings, organiser, people):
    url = f"/api/v1/events/{people['event']}/mailings"
    created = client.post(
        url,
        headers=organiser,
        json={"subject": "Later", "body": BODY, "to": {}, "send_at": (utcnow() + timedelta(hours=1)).isoformat()},
    )
    assert created.status_code == 201 and created.json()["skipped"] == 0
    client.post(f"/unsubscribe/{unsubscribe_token(settings, people['cy'])}", data={"action": "unsubscribe"})
    with db.transaction() as session:
        session.get(Mailing, created.json()["id"]).send_at = utcnow() - timedelta(seconds=1)
    assert send_due_mailings(db) == 1
    detail = client.get(f"{url}/{created.json()['id']}", headers=organiser).json()
    assert (detail["recipients"], detail["skipped"]) == (2, 1)
    assert people["emails"][people["cy"]] not in {row["email"] for row in detail["sent_to"]}


def test_an_audience_that_all_unsubscribed_is_refused_naming_to(client, db, settings, organiser, people):
    for person in ("ann", "bo", "cy"):
        client.post(f"/unsubscribe/{unsubscribe_token(settings, people[person])}")
    for rest in ("/preview", ""):
        response = client.post(
            f"/api/v1/events/{people['event']}/mailings{rest}",
            headers=organiser,
            json={"subject": "Hi", "body": BODY, "to": {}},
        )
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "to"
        assert "3 participant(s) these filters pick unsubscribed" in response.json()["detail"]
    with db.transaction(write=False) as session:
        assert session.execute(select(Mailing)).first() is None


def test_a_bad_or_tampered_link_is_a_404_page_and_writes_nothing(client, db, settings, people):
    good = unsubscribe_token(settings, people["ann"])
    payload, _, signature = good.partition(".")
    forged = {
        "garbage": "not-a-token",
        "tampered signature": f"{payload}.{signature[::-1]}",
        "another registration's id, our signature missing": unsubscribe_token(
            settings.model_copy(update={"secret_key": "another-secret"}), people["bo"]
        ),
        "a participant-page token": participant_token(settings, _ann(db, people)),
        "no such registration": unsubscribe_token(settings, 999_999),
    }
    for name, token in forged.items():
        for method in ("GET", "POST"):
            response = client.request(
                method,
                f"/unsubscribe/{token}",
                headers={"Accept": "text/html"},
                data={"action": "unsubscribe"} if method == "POST" else None,
            )
            assert response.status_code == 404, (name, method, response.status_code)
            assert response.headers["content-type"].startswith("text/html") and "not valid" in response.text
    unknown = client.post(f"/unsubscribe/{good}", data={"action": "delete-me"})
    assert unknown.status_code == 422 and "action" in unknown.text
    assert not any(_unsubscribed(db).values())


def _ann(db, people) -> Registration:
    with db.transaction(write=False) as session:
        return session.get(Registration, people["ann"])


def test_the_participants_page_shows_the_choice_and_switches_it(client, db, settings, people):
    page_url = f"/r/{participant_token(settings, _ann(db, people))}"
    page = client.get(page_url)
    assert "Messages from the organisers" in page.text and "Stop these messages" in page.text
    refused = client.post(f"{page_url}/messages", data={"optional": "no"})  # no CSRF token
    assert refused.status_code == 403 and not _unsubscribed(db)[people["ann"]]
    bad = client.post(f"{page_url}/messages", data={"optional": "maybe", "csrf_token": csrf_token(page.text)})
    assert bad.status_code == 422 and "choose yes or no" in bad.text and not _unsubscribed(db)[people["ann"]]
    stopped = client.post(f"{page_url}/messages", data={"optional": "no", "csrf_token": csrf_token(page.text)})
    assert stopped.status_code == 200 and "You will no longer receive the organisers" in stopped.text
    assert "Receive these messages again" in stopped.text and _unsubscribed(db)[people["ann"]]
    back = client.post(f"{page_url}/messages", data={"optional": "yes", "csrf_token": csrf_token(stopped.text)})
    assert "You will receive the organisers&#39; messages again." in back.text and not _unsubscribed(db)[people["ann"]]


def _headers(url: str) -> tuple[str | None, str | None, bytes]:
    email = RenderedEmail(subject="s", text="t", html="<p>t</p>", unsubscribe_url=url)
    message = build_message(sender="convene@example.org", to="a@example.org", email=email, message_id="<1@x>")
    return message["List-Unsubscribe"], message["List-Unsubscribe-Post"], message.as_bytes()


def test_one_click_is_offered_on_an_https_link_only():
    assert _headers("https://convene.test/unsubscribe/x")[:2] == (
        "<https://convene.test/unsubscribe/x>",
        "List-Unsubscribe=One-Click",
    )
    assert _headers("http://127.0.0.1:8000/unsubscribe/x")[:2] == ("<http://127.0.0.1:8000/unsubscribe/x>", None)
    assert _headers("")[:2] == (None, None)


def test_a_long_link_is_sent_on_one_line_not_as_encoded_words():
    url = f"https://convene.example.org/unsubscribe/{'x' * 120}.{'y' * 27}"
    assert f"\nList-Unsubscribe: <{url}>\n".encode() in _headers(url)[2]
