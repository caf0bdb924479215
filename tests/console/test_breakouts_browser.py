"""Breakouts in a real browser without JavaScript, controls found by their label and role: an
organiser opens a breakout session, sees how many ranked each group, proposes an assignment, moves
one person, commits (each participant's email arrives at a real SMTP server); a rapporteur opens
their private link and writes the group's key points, which the organiser then sees; the organiser
writes the summary, previews it, generates the PDF report and downloads it: it carries both."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from app.agenda.models import AgendaSession
from app.core.security import Role
from app.main import create_app
from app.worker import drain
from tests.breakouts.conftest import add_choosers, add_groups, create_breakout, saved_groups
from tests.browser import chromium
from tests.conftest import free_port, served_in_thread
from tests.console.conftest import make_account
from tests.console.test_browser import _shot, field
from tests.console.test_report_browser import (
    SUMMARY_WORDS,
    generate_and_download_the_pdf,
    sign_in,
    write_and_preview_the_summary,
)
from tests.factories import add_participant, create_event


def _workshop(db) -> dict:
    """Three working groups; five people rank Skills first, one ranks Policy first, one has not chosen."""
    with db.transaction() as session:
        event = create_event(session, slug="breakout-day", title="Breakout day")
        item = create_breakout(session, event)
        policy, skills, tourism = add_groups(session, item, 4, 4, 4)
        policy.title, skills.title, tourism.title = "Cluster policy", "Skills", "Tourism"
        choosers = add_choosers(session, event, item, [skills, policy, tourism], 5, country="BE")
        choosers += add_choosers(session, event, item, [policy, skills], 1, country="NL")
        late = add_participant(session, event, first_name="Zoë", last_name="Late", country="DE")
        return {
            "event_id": event.id,
            "session_id": item.id,
            "emails": {r.email for r in choosers + [late]},
            "zoe": "Zoë Late",
        }


def _status(page: Page) -> str:
    return page.get_by_role("status").first.inner_text()


@pytest.mark.browser
def test_an_organiser_assigns_groups_and_a_rapporteur_writes_key_points(
    backend_url, db, settings, smtp_server, tmp_path
):
    data = _workshop(db)
    make_account(db, "lead@example.org", Role.organiser, (data["event_id"],))
    smtp_server.start()
    port = free_port()
    site = settings.model_copy(update={"base_url": f"http://127.0.0.1:{port}"})
    with served_in_thread(create_app(site, database=db), port) as base, chromium() as browser:
        organiser = browser.new_context(
            viewport={"width": 1200, "height": 900}, java_script_enabled=False, accept_downloads=True
        )
        organiser.set_default_timeout(60_000)
        page = organiser.new_page()
        sign_in(page, base, "lead@example.org")
        page.get_by_role("link", name="Breakout day").click()
        page.get_by_role("link", name="Breakouts").click()
        page.get_by_role("link", name="Working groups at 14:00").click()

        # The preferences as they stand: Skills ranked first by five, Policy first by one.
        skills = page.get_by_role("row", name=re.compile(r"^Skills"))
        assert skills.get_by_role("cell").all_inner_texts()[5:8] == ["5", "1", "0"]
        assert page.get_by_role("heading", name="Not chosen yet (1)").is_visible()
        assert page.get_by_text(data["zoe"]).is_visible()
        _shot(page, "breakout-session")

        page.get_by_role("button", name="Propose an assignment").click()
        assert "Proposed an assignment" in _status(page)
        assert page.get_by_role("heading", name="Proposed assignment").is_visible()
        # Move the person who had not chosen into Policy, locked there.
        field(page, "Person").select_option(label=data["zoe"])
        target = page.get_by_label("To group").locator("option", has_text="Cluster policy").inner_text()
        field(page, "To group").select_option(label=target)
        page.get_by_role("button", name="Move", exact=True).click()
        assert f"Moved {data['zoe']} to “Cluster policy” and locked them there" in _status(page)
        policy = page.get_by_role("region", name="Cluster policy")
        assert policy.get_by_role("row", name=re.compile(data["zoe"])).is_visible()
        _shot(page, "breakout-proposal")

        page.get_by_role("button", name="Commit and email the participants").click()
        assert "Committed the assignment: 7 participants emailed" in _status(page)

        rapporteur_link = field(page, "Rapporteur's link for Skills").input_value()
        assert rapporteur_link.startswith(f"{base}/rapporteur/")
        rapporteur = browser.new_context(java_script_enabled=False).new_page()
        rapporteur.goto(rapporteur_link)
        assert rapporteur.get_by_role("heading", name="Key points: Skills").is_visible()
        rapporteur.get_by_label("Key points of the group").fill("- Regions share **one** training roadmap")
        rapporteur.get_by_role("button", name="Save the key points").click()
        assert "Saved." in rapporteur.get_by_role("status").inner_text()
        _shot(rapporteur, "rapporteur")

        page.reload()
        assert field(page, "Key points of Skills").input_value() == "- Regions share **one** training roadmap"

        page.goto(f"{base}/manage")
        write_and_preview_the_summary(page, "Breakout day")
        report = " ".join(generate_and_download_the_pdf(page, tmp_path).split())

    with db.transaction(write=False) as session:
        placed = saved_groups(session, session.get(AgendaSession, data["session_id"]))
    assert len(placed) == 7
    drain(db, settings.model_copy(update={"smtp_url": smtp_server.url}))
    assigned = [m for m in smtp_server.handler.messages if m["Subject"].startswith("Your breakout group")]
    assert sorted(m["To"] for m in assigned) == sorted(data["emails"])
    assert SUMMARY_WORDS in report and "Regions share one training roadmap" in report
