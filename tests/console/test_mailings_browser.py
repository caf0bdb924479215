"""A message to the no-shows of the 2018 demo workshop, in a real browser without JavaScript,
controls found by their label and role: the organiser opens the event's Mailings, writes the
message, picks the participants who did not come, previews it (the count, the skipped, a sample
recipient's email), sends it, opens the mailing's page from the list to see who it was sent to; a
real SMTP server receives exactly those participants' emails."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from app.attendance.models import Checkin
from app.core.security import Role
from app.demo.loader import load_demo
from app.main import create_app
from app.registration.models import Registration
from app.registration.unsubscribe import set_optional_messages
from app.worker import drain
from tests.browser import chromium
from tests.conftest import free_port, served_in_thread
from tests.console.conftest import make_account
from tests.console.test_browser import _shot, field
from tests.console.test_report_browser import sign_in

SUBJECT = "We missed you at the clusters workshop"
BODY = "Dear {{ participant.first_name }},\n\nThe slides of **{{ event.title }}** are online.\n"


def _no_shows(db) -> tuple[str, dict[str, str]]:
    """The demo workshop with four participants whose check-in is undone (one of them unsubscribed
    from the organisers' messages); its title, and the three who should be written to by email."""
    with db.transaction() as session:
        event = load_demo(session).event
        people = list(
            session.execute(
                select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)
            ).scalars()
        )[:4]
        session.execute(delete(Checkin).where(Checkin.registration_id.in_([person.id for person in people])))
        set_optional_messages(session, people[3], wanted=False)
        return event.title, {person.email: person.first_name for person in people[:3]}


@pytest.mark.browser
def test_an_organiser_writes_to_the_no_shows_and_exactly_they_receive_it(db, settings, smtp_server):
    title, written_to = _no_shows(db)
    make_account(db, "lead@example.org", Role.organiser)
    smtp_server.start()
    port = free_port()
    site = settings.model_copy(update={"base_url": f"http://127.0.0.1:{port}"})
    with served_in_thread(create_app(site, database=db), port) as base, chromium() as browser:
        context = browser.new_context(viewport={"width": 1200, "height": 900}, java_script_enabled=False)
        context.set_default_timeout(60_000)
        page = context.new_page()
        sign_in(page, base, "lead@example.org")
        page.get_by_role("link", name=title).click()
        page.get_by_role("link", name="Mailings").click()
        page.get_by_role("link", name="Write a message").click()

        field(page, "Subject").fill(SUBJECT)
        field(page, "Text").fill(BODY)
        assert page.get_by_role("checkbox", name="Confirmed").is_checked()
        page.get_by_role("radio", name="Did not come (not checked in)").check()
        page.get_by_role("button", name="Preview").click()

        counts = page.get_by_role("status").first.inner_text()
        assert "It will be sent to 3 participant(s); 1 skipped" in counts
        preview = page.get_by_role("region", name="Preview")
        assert preview.get_by_text("Dear ").first.inner_text().removeprefix("Dear ").rstrip(",") in written_to.values()
        _shot(page, "mailing-preview")
        page.get_by_role("button", name="Send").click()

        assert (
            f"Sent “{SUBJECT}” to 3 participant(s) (1 skipped: unsubscribed)."
            in page.get_by_role("status").first.inner_text()
        )
        row = page.get_by_role("row", name=SUBJECT)
        assert row.get_by_role("cell").all_inner_texts()[2:] == ["3", "1"]
        row.get_by_role("link", name=SUBJECT).click()

        assert page.get_by_role("heading", level=1).inner_text().startswith(SUBJECT)
        sent_to = page.get_by_role("table", name="Sent to")
        emails = [line.get_by_role("cell").nth(1).inner_text() for line in sent_to.get_by_role("row").all()[1:]]
        assert sorted(emails) == sorted(written_to)

    drain(db, settings.model_copy(update={"smtp_url": smtp_server.url}))
    received = smtp_server.handler.messages
    assert sorted(message["To"] for message in received) == sorted(written_to)
    for message in received:
        assert message["Subject"] == SUBJECT and message["List-Unsubscribe"]
        assert f"Dear {written_to[message['To']]}," in message.get_body(("plain",)).get_content()
