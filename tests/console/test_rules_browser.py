"""An organiser adds the week-before reminder from its template in a real browser without
JavaScript (controls found by label and role), moves it to 08:30, and sees it scheduled; once the
worker has run it at its moment, the list says it was sent, to how many. On both databases."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from app.communications.rules import run_due_rules
from app.core.security import Role
from app.events.models import Event
from app.main import create_app
from tests.browser import chromium
from tests.conftest import free_port, served_in_thread
from tests.console.conftest import make_account
from tests.console.test_browser import _shot, field
from tests.console.test_report_browser import sign_in
from tests.factories import add_participant, create_event


@pytest.mark.browser
def test_an_organiser_adds_a_reminder_from_its_template(db, settings):
    with db.transaction() as session:
        event = create_event(session, title="Cluster policy workshop")
        for name in ("Ann", "Bo"):
            add_participant(session, session.get(Event, event.id), first_name=name)
    make_account(db, "planner@example.org", Role.organiser, (event.id,))
    port = free_port()
    site = settings.model_copy(update={"base_url": f"http://127.0.0.1:{port}"})
    with served_in_thread(create_app(site, database=db), port) as base, chromium() as browser:
        context = browser.new_context(viewport={"width": 1200, "height": 900}, java_script_enabled=False)
        context.set_default_timeout(60_000)
        page = context.new_page()
        sign_in(page, base, "planner@example.org")
        page.get_by_role("link", name="Cluster policy workshop").click()
        page.get_by_role("link", name="Scheduled emails").click()
        assert page.get_by_role("heading", name=re.compile("^Scheduled emails")).is_visible()
        page.get_by_role("radio", name=re.compile("^Reminder a week before")).check()
        page.get_by_role("button", name="Add the rule").click()
        assert "Added the rule “Reminder a week before”" in page.get_by_role("status").first.inner_text()
        assert field(page, "Subject").input_value() == "{{ event.title }} is a week away"
        assert field(page, "Days from the event").input_value() == "-7"
        field(page, "Time").fill("08:30")
        page.get_by_role("button", name="Save the rule").click()
        assert "Saved the rule" in page.get_by_role("status").first.inner_text()
        page.get_by_role("link", name="All scheduled emails").click()
        row = page.get_by_role("row", name=re.compile("Reminder a week before"))
        assert "7 days before the start, 08:30" in row.inner_text() and "Scheduled" in row.inner_text()
        assert "Thu 13 Jun 2030, 08:30 (Europe/Brussels)" in row.inner_text()
        _shot(page, "rules")

        assert run_due_rules(db, now=datetime(2030, 6, 13, 6, 30, tzinfo=UTC)) == 1  # the worker, at its moment
        page.reload()
        assert "Sent: to 2 on 13 Jun 2030" in page.get_by_role("row", name=re.compile("Reminder")).inner_text()
