"""The console's scheduled emails: the list with each rule's moment and state, adding from a
template, a refused edit and a saved one, a rule that ran shown without a form, deleting."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from app.communications.rule_models import MessageRule
from app.communications.rules import run_due_rules
from app.core.security import Role
from tests.console.conftest import make_account, post_form, sign_in
from tests.factories import add_participant

EDIT = {
    "name": "Reminder",
    "subject": "{{ event.title }} soon",
    "body": "Dear {{ participant.first_name }},\n",
    "status": ["confirmed"],
    "attendance": "",
    "offset_days": "-3",
    "anchor": "start",
    "time": "08:15",
    "enabled": "yes",
}


def _rule(db) -> MessageRule:
    with db.transaction(write=False) as session:
        return session.execute(select(MessageRule)).scalar_one()


def test_an_organiser_adds_edits_and_deletes_a_rule(client, db, console_event):
    event, _ = console_event
    with db.transaction() as session:
        add_participant(session, event)
    sign_in(client, make_account(db, "organiser@example.org", Role.organiser, (event.id,)))
    base = f"/manage/events/{event.slug}/rules"
    assert "No scheduled emails yet." in client.get(base).text

    refused = post_form(client, base, base, {"template": "thank_you"})
    assert refused.status_code == 422 and "needs a link" in refused.text
    added = post_form(client, base, base, {"template": "reminder"})
    assert added.status_code == 303
    rule = _rule(db)
    assert added.headers["location"] == f"{base}/{rule.id}"
    listing = client.get(base).text
    assert "Reminder a week before" in listing and "7 days before the start, 09:00" in listing
    assert "Thu 13 Jun 2030, 09:00 (Europe/Brussels)" in listing and "Scheduled" in listing

    page_url = f"{base}/{rule.id}"
    bad = post_form(client, page_url, page_url, {**EDIT, "body": "{{ participant.nickname }}"})
    assert bad.status_code == 422 and "unknown placeholder" in bad.text
    out_of_range = post_form(client, page_url, page_url, {**EDIT, "offset_days": "-400"})
    assert out_of_range.status_code == 422 and "Days from the event" in out_of_range.text
    assert _rule(db).offset_days == -7  # refused edits change nothing
    saved = post_form(client, page_url, page_url, EDIT)
    assert saved.status_code == 303
    assert (_rule(db).offset_days, _rule(db).send_time.strftime("%H:%M"), _rule(db).subject) == (
        -3,
        "08:15",
        "{{ event.title }} soon",
    )

    assert run_due_rules(db, now=datetime(2030, 6, 17, 7, tzinfo=UTC)) == 1
    sent = client.get(page_url).text
    assert "Sent on 17 Jun 2030" in sent and "to 1 participant" in sent and "Save the rule" not in sent
    assert "Sent: to 1 on 17 Jun 2030" in client.get(base).text
    refused_edit = post_form(client, page_url, page_url, EDIT)
    assert refused_edit.status_code == 409 and "does not run again" in refused_edit.text

    deleted = post_form(client, page_url, f"{page_url}/delete", {})
    assert deleted.status_code == 303 and deleted.headers["location"] == base
    assert "No scheduled emails yet." in client.get(base).text
