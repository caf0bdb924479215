"""An organiser's day in the console, in a real browser without JavaScript, controls found by their
label and role: sign in, create a draft event, add three sessions with a speaker, add a custom
question, publish; two people register on the public form in another browser context; approve one,
reject the other, export the list, sign out. Screenshots of the main screens go to docs/ when
CONVENE_SCREENSHOTS is set."""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page
from sqlalchemy import select

from app.core.security import Role
from app.main import create_app
from app.registration.models import Registration, RegistrationStatus
from tests.browser import chromium
from tests.conftest import PROJECT_ROOT, free_port, served_in_thread
from tests.console.conftest import PASSWORD, make_account

SHOTS = PROJECT_ROOT / "docs" / "console"


def field(page: Page, label: str):
    """The control whose label is ``label``, with or without the "(required)" mark."""
    return page.get_by_label(re.compile(r"^\s*" + re.escape(label) + r"( \(required\))?\s*$"))


def _shot(page: Page, name: str) -> None:
    if os.environ.get("CONVENE_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _add_session(
    page: Page,
    title: str,
    starts: str,
    ends: str,
    *,
    new_speaker: tuple[str, str] | None = None,
    known_speaker: str | None = None,
) -> None:
    field(page, "Title").fill(title)
    field(page, "Kind").select_option(label="Talk")
    field(page, "Starts").fill(starts)
    field(page, "Ends").fill(ends)
    field(page, "Room").fill("Plenary")
    if new_speaker:
        field(page, "Role 1: new person's first name").fill(new_speaker[0])
        field(page, "Role 1: new person's last name").fill(new_speaker[1])
    if known_speaker:
        field(page, "Role 1: a known person").select_option(label=known_speaker)
    page.get_by_role("button", name="Add the session").click()
    assert f"Saved “{title}”" in page.get_by_role("status").inner_text()


def _register(page: Page, base: str, first: str, last: str, email: str) -> None:
    page.goto(f"{base}/events/console-day/register")
    field(page, "First name").fill(first)
    field(page, "Last name").fill(last)
    field(page, "Email address").fill(email)
    page.get_by_label("Vegetarian").check()
    page.get_by_label(re.compile("I agree that the organisers process")).check()
    page.get_by_role("button", name="Register").click()
    assert page.get_by_role("status").count() >= 1


@pytest.mark.browser
def test_an_organiser_sets_up_a_workshop_and_decides_on_registrations(backend_url, db, settings, tmp_path):
    if not backend_url.startswith("sqlite"):
        pytest.skip("the browser path does not depend on the database; once is enough")
    make_account(db, "lead@example.org", Role.organiser)
    port = free_port()
    site = settings.model_copy(update={"base_url": f"http://127.0.0.1:{port}"})
    with served_in_thread(create_app(site, database=db), port) as base, chromium() as browser:
        organiser = browser.new_context(
            viewport={"width": 1200, "height": 900}, java_script_enabled=False, accept_downloads=True
        )
        organiser.set_default_timeout(60_000)
        page = organiser.new_page()
        page.goto(f"{base}/manage")
        _shot(page, "sign-in")
        field(page, "Email").fill("lead@example.org")
        field(page, "Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        assert page.get_by_role("heading", name="Your events").is_visible()

        page.get_by_role("link", name="Create an event").click()
        field(page, "Title").fill("Console day")
        field(page, "Short name in addresses").fill("console-day")
        field(page, "Starts").fill("2030-06-20T09:00")
        field(page, "Ends").fill("2030-06-20T17:00")
        field(page, "Time zone").select_option("Europe/Brussels")
        field(page, "Country").select_option(label="Belgium")
        field(page, "Capacity").fill("30")
        field(page, "An organiser approves each registration").check()
        page.get_by_label(re.compile("People confirm their email address")).uncheck()
        page.get_by_label(re.compile(r"^\s*Draft")).check()
        _shot(page, "event-form")
        page.get_by_role("button", name="Create the event").click()
        assert "as a draft" in page.get_by_role("status").inner_text()

        page.get_by_role("link", name="Agenda").click()
        _add_session(page, "Welcome", "2030-06-20T09:00", "2030-06-20T09:30", new_speaker=("Annie", "Renders"))
        _add_session(page, "Clusters in Europe", "2030-06-20T09:30", "2030-06-20T10:30", known_speaker="Renders, Annie")
        _add_session(page, "Wrap-up", "2030-06-20T16:30", "2030-06-20T17:00", known_speaker="Renders, Annie")
        _shot(page, "agenda")

        page.get_by_role("link", name="Questions").click()
        field(page, "Question").fill("Dietary needs")
        field(page, "Kind of answer").select_option(label="One choice from a list")
        field(page, "Choices").fill("None\nVegetarian")
        page.get_by_label(re.compile(r"^\s*Required")).check()
        page.get_by_role("button", name="Add the question").click()
        assert "Added the question “Dietary needs”" in page.get_by_role("status").inner_text()

        page.get_by_role("link", name="Overview").click()
        page.get_by_role("button", name="Publish the event").click()
        assert "Published Console day" in page.get_by_role("status").inner_text()

        public = browser.new_context(java_script_enabled=False)
        public.set_default_timeout(60_000)
        visitor = public.new_page()
        _register(visitor, base, "Ada", "Peeters", "ada@example.org")
        _register(visitor, base, "Bram", "Janssens", "bram@example.org")
        public.close()

        page.get_by_role("link", name="Registrations").first.click()
        assert "2 registrations" in page.get_by_role("status").last.inner_text()
        _shot(page, "registrations")
        page.get_by_role("link", name="Ada Peeters").click()
        page.get_by_role("button", name="Approve").click()
        assert "Ada Peeters: approved." in page.get_by_role("status").inner_text()
        _shot(page, "registration")
        page.get_by_role("link", name="All registrations").click()
        page.get_by_role("link", name="Bram Janssens").click()
        page.get_by_label(re.compile("Reason for rejecting")).fill("This workshop is for regional agencies.")
        page.get_by_role("button", name="Reject").click()
        assert "Bram Janssens: rejected" in page.get_by_role("status").inner_text()

        page.get_by_role("link", name="All registrations").click()
        with page.expect_download() as download:
            page.get_by_role("link", name="Export CSV").click()
        rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
        assert {(row["first_name"], row["status"]) for row in rows} == {("Ada", "confirmed"), ("Bram", "rejected")}

        page.get_by_role("button", name="Sign out").click()
        assert "You are signed out." in page.get_by_role("status").inner_text()
        page.goto(f"{base}/manage")
        assert field(page, "Password").is_visible()
    with db.transaction(write=False) as session:
        statuses = {r.first_name: r.status for r in session.execute(select(Registration)).scalars()}
    assert statuses == {"Ada": RegistrationStatus.confirmed, "Bram": RegistrationStatus.rejected}
