"""Scheduled rules: made from a template, run by the worker once at their moment (to exactly their
audience, over SMTP), never again after they ran or were edited, missed rather than sent late, and
bad input refused naming the field with nothing written."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.attendance.models import Checkin
from app.communications.models import Mailing, MailingRecipient
from app.communications.rule_models import MessageRule
from app.communications.rules import due_rules, run_due_rules, run_rule, state
from app.core.types import utcnow
from app.events.models import Event
from app.notifications.models import OutboxEmail
from app.registration.models import RegistrationStatus
from app.worker import drain
from tests.breakouts.conftest import add_groups, create_breakout
from tests.factories import add_participant
from tests.registration.conftest import open_event

# The factories' event: 20 June 2030, 09:00 to 17:00 in Brussels (UTC+2 then).
REMINDER_DUE = datetime(2030, 6, 13, 7, 0, tzinfo=UTC)  # 7 days before the start, 09:00 on the venue's clock
THANKS_DUE = datetime(2030, 6, 21, 8, 0, tzinfo=UTC)  # 1 day after the end, 10:00 on the venue's clock
MINUTE = timedelta(minutes=1)


@pytest.fixture
def world(db) -> dict:
    """An event with two confirmed (one checked in), one waitlisted, one cancelled; another event's confirmed."""
    with db.transaction() as session:
        event, other = open_event(session, title="R&D days"), open_event(session, title="Elsewhere")
        ann = add_participant(session, event, first_name="Ann")
        bo = add_participant(session, event, first_name="Bo")
        waiting = add_participant(session, event, first_name="Cy", status=RegistrationStatus.waitlisted)
        gone = add_participant(session, event, first_name="Di", status=RegistrationStatus.cancelled)
        add_participant(session, other, first_name="Ed")
        [foreign_group] = add_groups(session, create_breakout(session, other), 10)
        session.add(Checkin(event_id=event.id, registration_id=bo.id))
        session.flush()
        return {
            "event": event.id,
            "ann": ann.email,
            "bo": bo.email,
            "waiting": waiting.email,
            "gone": gone.email,
            "foreign_group": foreign_group.id,
        }


def _url(world: dict, rest: str = "") -> str:
    return f"/api/v1/events/{world['event']}/rules{rest}"


def _add(client, organiser, world, **payload) -> dict:
    response = client.post(_url(world), json={"template": "reminder", **payload}, headers=organiser)
    assert response.status_code == 201, response.text
    return response.json()


def _counts(db) -> tuple[int, int, int, int]:
    with db.transaction(write=False) as session:
        return tuple(
            session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (MessageRule, Mailing, MailingRecipient, OutboxEmail)
        )


def test_the_templates_are_listed_with_their_defaults(client, organiser):
    templates = {item["key"]: item for item in client.get("/api/v1/rule-templates", headers=organiser).json()}
    assert set(templates) == {"reminder", "practical", "thank_you"}
    assert (templates["reminder"]["offset_days"], templates["reminder"]["anchor"], templates["reminder"]["time"]) == (
        -7,
        "start",
        "09:00:00",
    )
    assert templates["thank_you"]["to"]["attendance"] == "checked_in" and templates["thank_you"]["link_label"]
    assert client.get("/api/v1/rule-templates").status_code == 401


def test_a_reminder_from_its_template_is_due_a_week_before_on_the_venues_clock(client, organiser, world):
    rule = _add(client, organiser, world)
    assert rule["state"] == "scheduled" and rule["name"] == "Reminder a week before"
    assert datetime.fromisoformat(rule["due_at"]) == REMINDER_DUE
    assert rule["to"]["status"] == ["confirmed"] and "{{ participant.first_name }}" in rule["body"]
    assert [item["id"] for item in client.get(_url(world), headers=organiser).json()] == [rule["id"]]


def test_the_worker_sends_the_reminder_once_to_exactly_the_confirmed(
    client, db, settings, organiser, world, smtp_server
):
    smtp_server.start()
    mail = settings.model_copy(update={"smtp_url": smtp_server.url})
    rule = _add(client, organiser, world)
    assert run_due_rules(db, now=REMINDER_DUE - MINUTE) == 0  # not yet
    assert run_due_rules(db, now=REMINDER_DUE + MINUTE) == 1
    drain(db, mail)
    messages = smtp_server.handler.messages
    assert sorted(message["To"] for message in messages) == sorted([world["ann"], world["bo"]])
    ann = next(message for message in messages if message["To"] == world["ann"])
    assert ann["Subject"] == "R&D days is a week away"
    assert "Dear Ann," in ann.get_body(("plain",)).get_content()

    assert run_due_rules(db, now=REMINDER_DUE + 2 * MINUTE) == 0  # a second worker run sends nothing
    assert run_due_rules(db, now=REMINDER_DUE + timedelta(days=3)) == 0
    drain(db, mail)
    assert len(smtp_server.handler.messages) == 2
    ran = client.get(_url(world, f"/{rule['id']}"), headers=organiser).json()
    assert ran["state"] == "sent" and ran["recipients"] == 2 and ran["outcome"] is None
    assert datetime.fromisoformat(ran["ran_at"]) == REMINDER_DUE + MINUTE
    mailing = client.get(f"/api/v1/events/{world['event']}/mailings/{ran['mailing_id']}", headers=organiser).json()
    assert sorted(row["email"] for row in mailing["sent_to"]) == sorted([world["ann"], world["bo"]])


def test_a_rule_that_ran_is_not_changed_and_never_runs_again(client, db, organiser, world):
    rule = _add(client, organiser, world)
    assert run_due_rules(db, now=REMINDER_DUE) == 1
    edit = client.patch(_url(world, f"/{rule['id']}"), json={"offset_days": -2, "subject": "Again"}, headers=organiser)
    assert edit.status_code == 409 and "does not run again" in edit.json()["detail"]
    after = client.get(_url(world, f"/{rule['id']}"), headers=organiser).json()
    assert (after["offset_days"], after["subject"], after["state"]) == (-7, rule["subject"], "sent")
    with db.transaction() as session:  # even changed behind the API's back, a rule that ran stays run
        stored = session.get(MessageRule, rule["id"])
        stored.offset_days, stored.revision = -2, stored.revision + 1
    assert run_due_rules(db, now=datetime(2030, 6, 18, 12, tzinfo=UTC)) == 0
    assert _counts(db) == (1, 1, 2, 2)


def test_two_workers_racing_for_a_due_rule_run_it_once(client, db, organiser, world):
    _add(client, organiser, world)
    now = REMINDER_DUE + MINUTE
    first, second = due_rules(db, now), due_rules(db, now)  # both workers found it due
    assert first == second and len(first) == 1
    assert [run_rule(db, *first[0], now), run_rule(db, *second[0], now)] == [True, False]
    assert _counts(db) == (1, 1, 2, 2)


def test_two_worker_threads_run_each_due_rule_once(client, db, organiser, world):
    for _ in range(3):
        _add(client, organiser, world)
    results, start = [], threading.Barrier(2)

    def worker():
        start.wait()
        results.append(run_due_rules(db, now=REMINDER_DUE + MINUTE))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 3 and _counts(db) == (3, 3, 6, 6)


def test_an_edit_between_finding_and_claiming_wins(client, db, organiser, world):
    rule = _add(client, organiser, world)
    [(rule_id, revision)] = due_rules(db, REMINDER_DUE)
    assert client.patch(_url(world, f"/{rule['id']}"), json={"enabled": False}, headers=organiser).status_code == 200
    assert run_rule(db, rule_id, revision, REMINDER_DUE) is False
    assert client.get(_url(world, f"/{rule['id']}"), headers=organiser).json()["state"] == "disabled"
    assert run_due_rules(db, now=REMINDER_DUE + timedelta(days=1)) == 0 and _counts(db) == (1, 0, 0, 0)


def test_a_rule_set_up_after_its_moment_is_missed_not_sent_late(client, db, organiser):
    starts = datetime.now(ZoneInfo("Europe/Brussels")).replace(microsecond=0) + timedelta(days=3)
    with db.transaction() as session:
        event = open_event(session, starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=8)).isoformat())
        add_participant(session, event)
        world = {"event": event.id}
    rule = _add(client, organiser, world)  # a week before, three days before
    assert rule["state"] == "missed"
    assert run_due_rules(db) == 0 and run_due_rules(db, now=utcnow() + timedelta(hours=1)) == 0
    rearmed = client.patch(_url(world, f"/{rule['id']}"), json={"offset_days": -1}, headers=organiser).json()
    assert rearmed["state"] == "scheduled"
    assert run_due_rules(db, now=datetime.fromisoformat(rearmed["due_at"])) == 1
    assert _counts(db)[1:] == (1, 1, 1)


def test_a_rule_the_worker_reaches_more_than_a_day_late_is_missed(client, db, organiser, world):
    rule = _add(client, organiser, world)
    assert run_due_rules(db, now=REMINDER_DUE + timedelta(hours=25)) == 0 and _counts(db) == (1, 0, 0, 0)
    with db.transaction(write=False) as session:
        stored = session.get(MessageRule, rule["id"])
        event = session.get(Event, stored.event_id)
        assert state(event, stored, REMINDER_DUE + timedelta(hours=25)) == "missed"
        assert state(event, stored, REMINDER_DUE + timedelta(hours=23)) == "scheduled"
    assert run_due_rules(db, now=REMINDER_DUE + timedelta(hours=23)) == 1  # within the day: sent, late


def test_a_disabled_rule_does_not_run(client, db, organiser, world):
    rule = _add(client, organiser, world, enabled=False)
    assert rule["state"] == "disabled" and run_due_rules(db, now=REMINDER_DUE + MINUTE) == 0
    assert _counts(db) == (1, 0, 0, 0)


def test_a_rule_enabled_after_its_moment_is_missed(client, db, organiser):
    starts = datetime.now(ZoneInfo("Europe/Brussels")).replace(microsecond=0) + timedelta(days=3)
    with db.transaction() as session:
        event = open_event(session, starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=8)).isoformat())
        add_participant(session, event)
        world = {"event": event.id}
    rule = _add(client, organiser, world, enabled=False)
    assert rule["state"] == "disabled"
    enabled = client.patch(_url(world, f"/{rule['id']}"), json={"enabled": True}, headers=organiser).json()
    assert enabled["state"] == "missed" and run_due_rules(db) == 0 and _counts(db) == (1, 0, 0, 0)


def test_the_thank_you_goes_to_the_attendees_with_the_slides_link(client, db, organiser, world):
    rule = _add(client, organiser, world, template="thank_you", link="https://example.org/slides.pdf")
    assert datetime.fromisoformat(rule["due_at"]) == THANKS_DUE
    assert "(https://example.org/slides.pdf)" in rule["body"]
    assert run_due_rules(db, now=THANKS_DUE) == 1
    with db.transaction(write=False) as session:
        assert list(session.execute(select(MailingRecipient.email)).scalars()) == [world["bo"]]


def test_a_rule_whose_audience_is_empty_at_its_moment_runs_and_sends_nothing(client, db, organiser, world):
    rule = _add(client, organiser, world, to={"status": ["pending_approval"]})
    assert run_due_rules(db, now=REMINDER_DUE) == 1
    ran = client.get(_url(world, f"/{rule['id']}"), headers=organiser).json()
    assert ran["state"] == "sent" and ran["recipients"] == 0 and "no participant" in ran["outcome"]
    assert ran["mailing_id"] is None and _counts(db) == (1, 0, 0, 0)


def test_edits_change_the_text_audience_and_moment(client, organiser, world):
    rule = _add(client, organiser, world)
    edited = client.patch(
        _url(world, f"/{rule['id']}"),
        json={
            "subject": "Soon: {{ event.title }}",
            "to": {"status": ["confirmed", "waitlisted"]},
            "anchor": "end",
            "offset_days": -1,
            "time": "18:30",
        },
        headers=organiser,
    )
    assert edited.status_code == 200, edited.text
    assert datetime.fromisoformat(edited.json()["due_at"]) == datetime(2030, 6, 19, 16, 30, tzinfo=UTC)
    assert edited.json()["to"]["status"] == ["confirmed", "waitlisted"] and edited.json()["state"] == "scheduled"


def test_deleting_a_rule_that_ran_keeps_its_mailing(client, db, organiser, world):
    rule = _add(client, organiser, world)
    run_due_rules(db, now=REMINDER_DUE)
    assert client.delete(_url(world, f"/{rule['id']}"), headers=organiser).status_code == 204
    assert client.get(_url(world, f"/{rule['id']}"), headers=organiser).status_code == 404
    assert _counts(db) == (0, 1, 2, 2)


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        ({"template": "newsletter"}, "template", "reminder, practical, thank_you"),
        ({"template": "thank_you"}, "link", "needs a link"),
        ({"template": "reminder", "link": "https://example.org/x"}, "link", "takes no link"),
        ({"template": "reminder", "link": "ftp://example.org/x"}, "link", "URL"),
        ({"template": "reminder", "body": "Hi {{ participant.nickname }}\n"}, "body", "unknown placeholder"),
        ({"template": "reminder", "subject": "Hi {% if %}"}, "subject", "line 1"),
        ({"template": "reminder", "to": {"groups": ["foreign"]}}, "to.groups", "breakout group"),
        ({"template": "reminder", "to": {"status": ["attending"]}}, "to.status.0", ""),
        ({"template": "reminder", "offset_days": 400}, "offset_days", "365"),
        ({"template": "reminder", "anchor": "middle"}, "anchor", ""),
        ({"template": "reminder", "time": "25:00"}, "time", ""),
        ({"template": "reminder", "time": "09:00:00Z"}, "time", "without an offset"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(client, db, organiser, world, payload, field, words):
    if payload.get("to", {}).get("groups") == ["foreign"]:
        payload = {**payload, "to": {"groups": [world["foreign_group"]]}}
    response = client.post(_url(world), json=payload, headers=organiser)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field and words in response.json()["detail"], response.json()
    assert _counts(db) == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"offset_days": -366}, "offset_days"),
        ({"body": "{{ links.slides }}"}, "body"),
        ({"subject": None}, "subject"),
        ({"to": {"groups": [999_999]}}, "to.groups"),
        ({"enabled": "sometimes"}, "enabled"),
    ],
)
def test_a_bad_edit_is_refused_naming_the_field_and_changes_nothing(client, organiser, world, change, field):
    rule = _add(client, organiser, world)
    response = client.patch(_url(world, f"/{rule['id']}"), json=change, headers=organiser)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == field, response.text
    assert client.get(_url(world, f"/{rule['id']}"), headers=organiser).json() == rule


def test_the_documented_time_is_the_one_answered(client, organiser, world):
    """The time is a wall-clock time: JSON Schema's "time" format would demand an offset."""
    rule = _add(client, organiser, world)
    schema = client.get("/openapi.json").json()["components"]["schemas"]["RuleRead"]["properties"]["time"]
    assert schema.get("format") != "time" and re.fullmatch(schema["pattern"], rule["time"]), (schema, rule["time"])


def test_another_events_rule_is_not_found(client, db, organiser, world):
    rule = _add(client, organiser, world)
    with db.transaction() as session:
        other = open_event(session, title="Theirs").id
    assert client.get(f"/api/v1/events/{other}/rules/{rule['id']}", headers=organiser).status_code == 404
    assert (
        client.patch(
            f"/api/v1/events/{other}/rules/{rule['id']}", json={"enabled": False}, headers=organiser
        ).status_code
        == 404
    )
