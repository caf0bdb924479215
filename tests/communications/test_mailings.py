"""Messages to a chosen audience: the filters pick exactly their people, the emails reach them over
SMTP, a scheduled mailing is sent once, and bad input is refused with nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.attendance.models import Checkin
from app.breakouts.models import AssignmentSource, BreakoutAssignment
from app.communications.mailings import send_due_mailings
from app.communications.models import Mailing, MailingRecipient
from app.core.roles import Role
from app.core.types import utcnow
from app.directory.models import OrganisationType
from app.notifications.models import OutboxEmail
from app.registration.models import RegistrationStatus
from app.worker import drain
from tests.breakouts.conftest import add_groups, create_breakout
from tests.conftest import token_headers
from tests.factories import add_participant, create_project
from tests.registration.conftest import open_event

BODY = "Dear {{ participant.first_name }},\n\nThank you for **{{ event.title }}**.\n\n[Your page]({{ links.manage }})\n"


@pytest.fixture
def world(db) -> dict:
    """An event with two no-shows, one attendee, one waitlisted, one from another event, a group and a project."""
    with db.transaction() as session:
        event, other = open_event(session, title="R&D days"), open_event(session, title="Elsewhere")
        project = create_project(session)
        absent = add_participant(session, event, first_name="Zoë", country="FR", project_id=project.id)
        away = add_participant(
            session, event, first_name="Bo", organisation="Uni", organisation_type=OrganisationType.university
        )
        came = add_participant(session, event, first_name="Cy")
        waiting = add_participant(session, event, first_name="Di", status=RegistrationStatus.waitlisted)
        add_participant(session, other, first_name="Ed")
        [group] = add_groups(session, create_breakout(session, event), 10)
        [foreign_group] = add_groups(session, create_breakout(session, other), 10)
        session.add_all(
            [
                Checkin(event_id=event.id, registration_id=came.id),
                BreakoutAssignment(
                    registration_id=came.id,
                    session_id=group.session_id,
                    group_id=group.id,
                    source=AssignmentSource.manual,
                ),
            ]
        )
        session.flush()
        return {
            "event": event.id,
            "absent": absent.email,
            "away": away.email,
            "came": came.email,
            "waiting": waiting.email,
            "group": group.id,
            "foreign_group": foreign_group.id,
            "project": project.id,
            "absent_id": absent.id,
        }


def _url(world: dict, rest: str = "") -> str:
    return f"/api/v1/events/{world['event']}/mailings{rest}"


def _counts(db) -> tuple[int, int, int]:
    with db.transaction(write=False) as session:
        return tuple(
            session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (Mailing, MailingRecipient, OutboxEmail)
        )


def _to(client, organiser, world, to: dict) -> set[str]:
    response = client.post(_url(world), json={"subject": "Hi", "body": BODY, "to": to}, headers=organiser)
    assert response.status_code == 201, response.text
    detail = client.get(_url(world, f"/{response.json()['id']}"), headers=organiser).json()
    assert detail["recipients"] == len(detail["sent_to"])
    return {row["email"] for row in detail["sent_to"]}


def test_a_message_to_the_no_shows_reaches_exactly_them(client, db, settings, organiser, world, smtp_server):
    smtp_server.start()
    payload = {"subject": "We missed you at {{ event.title }}", "body": BODY, "to": {"attendance": "no_show"}}
    preview = client.post(_url(world, "/preview"), json=payload, headers=organiser)
    assert preview.status_code == 200 and preview.json()["count"] == 2
    assert preview.json()["subject"] == "We missed you at R&D days" and "Dear Zoë," in preview.json()["text"]
    assert _counts(db) == (0, 0, 0)  # a preview writes nothing
    created = client.post(_url(world), json=payload, headers=organiser)
    assert created.status_code == 201 and created.json()["status"] == "sent" and created.json()["recipients"] == 2
    drain(db, settings.model_copy(update={"smtp_url": smtp_server.url}))
    messages = smtp_server.handler.messages
    assert sorted(message["To"] for message in messages) == sorted([world["absent"], world["away"]])
    zoe = next(message for message in messages if message["To"] == world["absent"])
    assert zoe["Subject"] == "We missed you at R&D days"
    plain = zoe.get_body(("plain",)).get_content()
    assert "Dear Zoë," in plain and "Your page: http://testserver/r/" in plain
    assert "<strong>R&amp;D days</strong>" in zoe.get_body(("html",)).get_content()
    listed = client.get(_url(world), headers=organiser).json()
    assert [(item["recipients"], item["to"]["attendance"]) for item in listed] == [(2, "no_show")]


def test_each_filter_picks_its_people(client, organiser, world):
    assert _to(client, organiser, world, {"attendance": "checked_in"}) == {world["came"]}
    assert _to(client, organiser, world, {"status": ["waitlisted"]}) == {world["waiting"]}
    assert _to(client, organiser, world, {"groups": [world["group"]]}) == {world["came"]}
    assert _to(client, organiser, world, {"projects": [world["project"]]}) == {world["absent"]}
    assert _to(client, organiser, world, {"countries": ["fr"]}) == {world["absent"]}
    assert _to(client, organiser, world, {"organisation_types": ["university"]}) == {world["away"]}
    assert _to(
        client, organiser, world, {"registrations": [world["absent_id"]], "status": ["confirmed", "waitlisted"]}
    ) == {world["absent"]}
    assert _to(client, organiser, world, {}) == {world["absent"], world["away"], world["came"]}  # the confirmed


def test_a_scheduled_mailing_is_sent_once_when_due(client, db, organiser, world):
    send_at = (utcnow() + timedelta(hours=1)).isoformat()
    created = client.post(
        _url(world),
        json={"subject": "Soon", "body": BODY, "send_at": send_at, "to": {"attendance": "checked_in"}},
        headers=organiser,
    )
    assert created.status_code == 201 and created.json()["status"] == "scheduled"
    assert send_due_mailings(db) == 0 and _counts(db) == (1, 0, 0)  # not yet due
    with db.transaction() as session:
        session.get(Mailing, created.json()["id"]).send_at = utcnow() - timedelta(seconds=1)
    assert send_due_mailings(db) == 1
    assert send_due_mailings(db) == 0  # claimed once: a second pass finds nothing to send
    assert _counts(db) == (1, 1, 1)
    detail = client.get(_url(world, f"/{created.json()['id']}"), headers=organiser).json()
    assert detail["status"] == "sent" and [row["email"] for row in detail["sent_to"]] == [world["came"]]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"to": {"groups": [999_999]}}, "to.groups", "999999"),
        ({"to": {"groups": ["foreign"]}}, "to.groups", "breakout group"),
        ({"to": {"projects": [999_999]}}, "to.projects", "project"),
        ({"to": {"registrations": [999_999]}}, "to.registrations", "registration"),
        ({"to": {"countries": ["Belgium"]}}, "to.countries", "two-letter"),
        ({"to": {"status": ["cancelled"]}}, "to", "no participant"),
        ({"body": "Hello {{ participant.code }}\n"}, "body", "line 1: unknown placeholder"),
        ({"subject": "Hi {% if %}"}, "subject", "line 1"),
        ({"send_at": "2020-01-01T09:00:00+00:00"}, "send_at", "future"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(client, db, organiser, world, change, field, words):
    if change.get("to", {}).get("groups") == ["foreign"]:
        change = {"to": {"groups": [world["foreign_group"]]}}
    payload = {"subject": "Hi", "body": BODY, "to": {}, **change}
    for rest in ("/preview", ""):
        response = client.post(_url(world, rest), json=payload, headers=organiser)
        if field == "send_at" and rest == "/preview":
            continue  # a preview sends nothing, whenever
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field and words in response.json()["detail"], response.json()
    assert _counts(db) == (0, 0, 0)


def test_another_events_organiser_and_the_door_staff_cannot_send(client, db, world):
    payload = {"subject": "Hi", "body": BODY, "to": {}}
    with db.transaction() as session:
        other = open_event(session, title="Theirs").id
    for headers in (token_headers(db, Role.organiser, other), token_headers(db, Role.checkin, world["event"])):
        assert client.post(_url(world), json=payload, headers=headers).status_code in (403, 404)
        assert client.post(_url(world, "/preview"), json=payload, headers=headers).status_code in (403, 404)
        assert client.get(_url(world), headers=headers).status_code in (403, 404)
    assert client.post(_url(world), json=payload).status_code == 401
    assert _counts(db) == (0, 0, 0)
