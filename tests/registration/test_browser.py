"""The whole path in a real browser, without JavaScript: fill the form, submit, follow the link that
arrived by real SMTP, see the QR code, change a detail, cancel with the confirmation step, and reload
each outcome page (it must not send the form again)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.main import create_app
from app.registration.models import Registration, RegistrationStatus
from app.registration.questions import create_question
from app.registration.schemas import QuestionCreate
from app.worker import drain
from tests.browser import chromium
from tests.conftest import free_port, served_in_thread
from tests.notifications.conftest import SmtpServer
from tests.registration.conftest import open_event


@pytest.fixture
def mail_and_site(db, settings):
    """A real SMTP server and the app on a real port whose emailed links point at it."""
    smtp = SmtpServer()
    smtp.start()
    port = free_port()
    site_settings = settings.model_copy(update={"base_url": f"http://127.0.0.1:{port}", "smtp_url": smtp.url})
    with served_in_thread(create_app(site_settings, database=db), port):
        yield smtp, site_settings
    smtp.stop()


@pytest.mark.browser
def test_register_confirm_by_email_and_cancel_in_a_browser(backend_url, db, mail_and_site):
    if not backend_url.startswith("sqlite"):
        pytest.skip("the browser path does not depend on the database; once is enough")
    smtp, settings = mail_and_site
    with db.transaction() as session:
        event = open_event(session, slug="browser-day", title="Browser day", capacity=5, email_confirmation=True)
        create_question(
            session,
            event,
            QuestionCreate(
                key="diet",
                label="Dietary requirements",
                kind="single_choice",
                required=True,
                options=["None", "Vegetarian"],
            ),
        )
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 375, "height": 740}, java_script_enabled=False)
        page.goto(f"{settings.base_url}/events/browser-day")
        assert "5 places left." in page.inner_text("body")
        page.get_by_role("link", name="Register").click()

        page.get_by_label("First name").fill("Zoë")
        page.get_by_label("Last name").fill("Janssens")
        page.get_by_label("Email address").fill("not-an-address")
        page.get_by_label("Country").select_option(label="Belgium")
        page.get_by_label("Other participants of this event").check()
        page.get_by_role("button", name="Register").click()
        # Refused next to the fields; what was typed is still there.
        assert page.locator("#f-email-error").is_visible() and page.locator("#f-privacy-error").is_visible()
        assert page.locator("#f-answers-diet-error").inner_text() == "Dietary requirements: an answer is required"
        assert page.get_by_label("First name").input_value() == "Zoë"

        page.get_by_label("Email address").fill("zoe@example.org")
        page.get_by_label("Vegetarian").check()
        page.get_by_label(re.compile("I agree that the organisers process")).check()
        page.get_by_role("button", name="Register").click()
        assert "Follow the link in it to confirm" in page.get_by_role("status").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling

        assert drain(db, settings) >= 1
        (message,) = smtp.handler.messages
        assert message["To"] == "zoe@example.org"
        link = re.search(r"http://\S+/confirm", message.get_body(("plain",)).get_content()).group(0)
        page.goto(link)
        assert "Status: confirmed" in page.inner_text("body")
        assert page.locator(".qr svg").is_visible()
        assert page.get_by_role("link", name="Breakout preferences").is_visible()

        page.get_by_label("Last name").fill("Janssens-Peeters")
        page.get_by_role("button", name="Save changes").click()
        assert page.url.endswith("?done=saved")
        assert "Your changes are saved." in page.get_by_role("status").first.inner_text()
        page.reload()
        assert page.get_by_label("Last name").input_value() == "Janssens-Peeters"

        page.get_by_role("link", name="Cancel my registration").click()
        page.get_by_role("button", name="Yes, cancel my registration").click()
        assert page.url.endswith("?done=cancelled")
        assert "Your registration is cancelled." in page.get_by_role("status").first.inner_text()
        # A reload asks for the outcome page again; before Post/Redirect/Get it re-sent the cancellation (409).
        response = page.reload()
        assert response.status == 200 and "Status: cancelled" in page.inner_text("body")
        assert "Your registration is cancelled." in page.get_by_role("status").first.inner_text()
    with db.transaction(write=False) as session:
        registration = session.execute(select(Registration)).scalar_one()
        assert registration.status is RegistrationStatus.cancelled and registration.answers == {"diet": "Vegetarian"}
        assert registration.last_name == "Janssens-Peeters"
