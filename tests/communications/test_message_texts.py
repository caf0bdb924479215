"""An event's own message texts: read, replaced, refused with the line, previewed, restored; sent."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.core.roles import Role
from app.notifications.catalogue import render_stored
from app.notifications.event_texts import texts_for
from app.notifications.messages import EDITABLE
from app.notifications.models import MessageText, OutboxEmail
from app.notifications.texts import check_text, default_text, placeholder_names
from app.worker import drain, email_context_links
from tests.conftest import token_headers
from tests.registration.conftest import open_event, registration_payload

OWN = {
    "subject": "Welcome to {{ event.title }}, {{ participant.first_name }}",
    "body": "Dear {{ participant.first_name }},\n\nSee you **soon**.\n\n[Manage your seat]({{ links.manage }})\n",
}


@pytest.fixture
def event_id(db) -> int:
    with db.transaction() as session:
        return open_event(session, title="R&D days").id


def _url(event_id: int, message: str = "registered") -> str:
    return f"/api/v1/events/{event_id}/messages/{message}"


def _stored(db) -> int:
    with db.transaction(write=False) as session:
        return session.execute(select(func.count()).select_from(MessageText)).scalar_one()


def test_the_default_text_lists_its_placeholders_and_a_preview(client, organiser, event_id):
    read = client.get(_url(event_id), headers=organiser).json()
    assert read["customised"] is False
    assert read["subject"].startswith("{% if participant.status")
    assert {"participant.first_name", "event.title", "links.manage", "links.confirm"} <= set(read["placeholders"])
    assert read["preview"]["subject"] == "You are registered for Regional innovation workshop"
    assert (
        "Dear Ada," in read["preview"]["text"]
        and "<strong>Regional innovation workshop</strong>" in read["preview"]["html"]
    )
    listed = client.get(f"/api/v1/events/{event_id}/messages", headers=organiser).json()
    assert {item["message"] for item in listed} >= {"registered", "waitlisted", "breakout_assigned", "reminder"}
    assert "approval_digest" not in {item["message"] for item in listed}  # organisers' notices are not per event


def test_the_events_own_text_reaches_the_next_registration(client, db, settings, organiser, event_id, smtp_server):
    smtp_server.start()
    saved = client.put(_url(event_id), json=OWN, headers=organiser)
    assert saved.status_code == 200 and saved.json()["customised"] is True
    assert saved.json()["preview"]["subject"] == "Welcome to Regional innovation workshop, Ada"
    client.post(f"/api/v1/events/{event_id}/registrations", json=registration_payload(first_name="Zoë"))
    drain(db, settings.model_copy(update={"smtp_url": smtp_server.url}))
    [message] = smtp_server.handler.messages
    assert message["Subject"] == "Welcome to R&D days, Zoë"
    plain = message.get_body(("plain",)).get_content()
    assert "See you soon." in plain and "Manage your seat: http://testserver/r/" in plain
    html = message.get_body(("html",)).get_content()
    assert "<strong>soon</strong>" in html and '<a href="http://testserver/r/' in html


def test_delete_restores_the_default(client, db, organiser, event_id):
    client.put(_url(event_id), json=OWN, headers=organiser)
    restored = client.delete(_url(event_id), headers=organiser)
    assert restored.status_code == 200 and restored.json()["customised"] is False
    assert _stored(db) == 0
    assert client.get(_url(event_id), headers=organiser).json()["preview"]["subject"].startswith("You are registered")


@pytest.mark.parametrize(
    ("field", "source", "words"),
    [
        (
            "body",
            "Dear {{ participant.first_name }},\n\nYour code: {{ participant.code }}\n",
            "line 3: unknown placeholder",
        ),
        ("subject", "Hello {{ participant.frist_name }}", "line 1: unknown placeholder {{ participant.frist_name }}"),
        ("body", "Hello\n{% if event.title %}\nno end\n", "line 3"),
        ("body", "{{ participant.first_name\n", "line 1"),
        (
            "body",
            "{% for x in range(100000000) %}{% for y in range(100000000) %}x{% endfor %}{% endfor %}",
            "line 1: a loop goes over a list",
        ),
        ("body", "{{ 'x' * 1000000000 }}", "line 1: only"),
        ("body", "{{ participant.first_name.__class__ }}", "unknown placeholder"),
        ("body", "{{ event.title|attr('x') }}", "unknown filter"),
        ("body", "{{ participant }}", "unknown placeholder {{ participant }}"),
        ("body", "{% for letter in event.title %}{{ letter }}{% endfor %}", "line 1: a loop goes over a list"),
    ],
)
def test_a_bad_text_is_refused_with_the_field_and_line_and_nothing_is_stored(
    client, db, organiser, event_id, field, source, words
):
    response = client.put(_url(event_id), json={**OWN, field: source}, headers=organiser)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["errors"][0]["field"] == field and words in problem["detail"]
    assert _stored(db) == 0
    preview = client.post(f"{_url(event_id)}/preview", json={**OWN, field: source}, headers=organiser)
    assert preview.status_code == 422 and preview.json()["errors"][0]["field"] == field


@pytest.mark.parametrize("message", EDITABLE, ids=lambda message: message.value)
def test_every_default_text_passes_the_checks_an_organisers_text_must(message):
    check_text(message, default_text(message))


def test_a_preview_is_not_saved(client, db, organiser, event_id):
    preview = client.post(f"{_url(event_id)}/preview", json=OWN, headers=organiser)
    assert preview.status_code == 200 and preview.json()["subject"] == "Welcome to Regional innovation workshop, Ada"
    assert _stored(db) == 0


def test_unknown_and_fixed_messages_are_refused(client, organiser, event_id):
    assert client.get(_url(event_id, "no_such_message"), headers=organiser).status_code == 422
    fixed = client.put(_url(event_id, "approval_digest"), json=OWN, headers=organiser)
    assert fixed.status_code == 404 and "cannot be changed per event" in fixed.json()["detail"]
    missing = client.put(_url(event_id), json={"subject": "Hi"}, headers=organiser)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "body"


def test_a_participants_name_cannot_become_markup_or_a_link(client, db, settings, organiser, event_id):
    client.put(
        _url(event_id),
        json={"subject": "Hi {{ participant.first_name }}", "body": "Dear {{ participant.first_name }}, welcome.\n"},
        headers=organiser,
    )
    name = "[win](http://evil.example) <b>Ann</b> **x**"
    client.post(f"/api/v1/events/{event_id}/registrations", json=registration_payload(first_name=name))
    with db.transaction(write=False) as session:
        [email] = session.execute(select(OutboxEmail)).scalars().all()
        text = texts_for(session, [email])[email.id]
    rendered = render_stored(email.template, email.context, email_context_links(settings, email.context), text=text)
    assert "<a" not in rendered.html and "href" not in rendered.html
    assert "<b>" not in rendered.html and "&lt;b&gt;Ann&lt;/b&gt;" in rendered.html
    assert name in rendered.text


ROLES = {
    "admin": (lambda db, event_id, other_id: token_headers(db, Role.admin), 200),
    "organiser of all": (lambda db, event_id, other_id: token_headers(db, Role.organiser), 200),
    "organiser of this event": (lambda db, event_id, other_id: token_headers(db, Role.organiser, event_id), 200),
    "organiser of another event": (lambda db, event_id, other_id: token_headers(db, Role.organiser, other_id), 403),
    "check-in staff": (lambda db, event_id, other_id: token_headers(db, Role.checkin, event_id), 403),
    "anonymous": (lambda db, event_id, other_id: {}, 401),
}


@pytest.mark.parametrize("role", ROLES)
def test_every_message_text_route_for_every_role(client, db, event_id, role):
    with db.transaction() as session:
        other_id = open_event(session).id
    make, allowed = ROLES[role]
    headers = make(db, event_id, other_id)
    calls = [
        ("GET", f"/api/v1/events/{event_id}/messages", None),
        ("GET", _url(event_id), None),
        ("PUT", _url(event_id), OWN),
        ("POST", f"{_url(event_id)}/preview", OWN),
        ("DELETE", _url(event_id), None),
    ]
    for method, url, body in calls:
        response = client.request(method, url, json=body, headers=headers)
        expected = {403: (403, 404)}.get(allowed, (allowed,))
        assert response.status_code in expected, f"{role}: {method} {url} answered {response.status_code}"
    if allowed != 200:
        assert _stored(db) == 0


def test_the_documentation_lists_every_placeholder():
    documented = (Path(__file__).resolve().parents[2] / "docs" / "messages.md").read_text()
    for message in EDITABLE:
        assert f"`{message.value}`" in documented
        for name in placeholder_names(message):
            assert f"`{name}`" in documented, f"{name} of {message.value} is not in docs/messages.md"
