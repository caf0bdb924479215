"""The check-in page in a real browser on a phone-sized screen: sign in, search, one tap."""

from __future__ import annotations

import pytest

from app.events.models import Event
from tests.browser import chromium
from tests.factories import add_participant


def test_staff_check_someone_in_on_a_phone(app_in_thread, backend_url, db, event_id, checkin_staff):
    if not backend_url.startswith("sqlite"):
        pytest.skip("the browser path does not depend on the database; once is enough")
    with db.transaction() as session:
        add_participant(
            session, session.get(Event, event_id), first_name="Bruno", last_name="Fernández", organisation="ACCIÓ"
        )
    with chromium() as browser:
        page = browser.new_page(
            viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True, java_script_enabled=False
        )
        page.goto(f"{app_in_thread}/events/door-test/checkin")
        page.get_by_label("Your check-in token").fill(checkin_staff["Authorization"].removeprefix("Bearer "))
        page.get_by_role("button", name="Sign in").click()
        page.get_by_label("Find by name or organisation").fill("Fernández")
        page.get_by_role("button", name="Search").click()
        assert page.get_by_text("ACCIÓ").is_visible()
        page.get_by_role("button", name="Check in").last.tap()
        assert "Bruno Fernández checked in" in page.get_by_role("status").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
