"""The registration form, the event page's places left, and the participant's own page, over HTTP."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.core.config import Settings
from app.notifications.models import OutboxEmail
from app.registration.links import participant_token
from app.registration.models import Registration, RegistrationStatus
from app.registration.privacy import anonymise
from app.registration.questions import create_question
from app.registration.schemas import QuestionCreate
from tests.factories import create_project, csrf_token
from tests.registration.conftest import add_registration, form_fields, open_event

HTML = {"Accept": "text/html"}


def form_data(token: str, **overrides) -> dict:
    return form_fields(token, **{"answers.diet": "vegan", "answers.topics": ["Clusters"], **overrides})


def count(db, model) -> int:
    with db.transaction(write=False) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def registered(db, event, **overrides) -> Registration:
    overrides.setdefault("answers", {"diet": "none"})
    with db.transaction() as session:
        return add_registration(session, event, **overrides)


@pytest.fixture
def event(db):
    # Set-up in its own transaction: a write transaction held open would block the app's (SQLite's lock).
    with db.transaction() as session:
        event = open_event(session, slug="leuven", capacity=2, email_confirmation=True)
        create_question(
            session,
            event,
            QuestionCreate(key="diet", label="Diet", kind="single_choice", required=True, options=["none", "vegan"]),
        )
        create_question(
            session,
            event,
            QuestionCreate(key="topics", label="Topics", kind="multiple_choice", options=["Clusters", "SMEs"]),
        )
        create_project(session, acronym="CLU3")
    return event


def open_form(client) -> str:
    page = client.get("/events/leuven/register")
    assert page.status_code == 200
    return csrf_token(page.text)


def test_form_renders_standard_fields_custom_questions_and_a_csrf_cookie(client, event):
    page = client.get("/events/leuven/register")
    assert page.status_code == 200 and "convene_csrf" in page.cookies
    html = page.text
    assert '<label for="f-first_name">First name' in html and 'name="website"' in html
    assert '<option value="BE">Belgium</option>' in html and '<option value="CLU3">' in html
    assert 'name="answers.diet" value="vegan"' in html and 'name="answers.topics" value="SMEs"' in html
    assert "2 places left." in html


def test_valid_form_registers_and_queues_the_confirmation_email(client, event, db):
    response = client.post("/events/leuven/register", data=form_data(open_form(client)))
    assert response.status_code == 200 and "Follow the link in it" in response.text
    with db.transaction(write=False) as session:
        registration = session.execute(select(Registration)).scalar_one()
        assert registration.status is RegistrationStatus.pending_confirmation
        assert registration.answers == {"diet": "vegan", "topics": ["Clusters"]}
        assert registration.publication.value == "participants"
        assert session.execute(select(OutboxEmail.template)).scalar_one() == "confirm_email"


def test_the_form_redirects_to_its_thank_you_page_so_a_reload_registers_nothing_twice(client, event, db):
    response = client.post("/events/leuven/register", data=form_data(open_form(client)), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/events/leuven/register/submitted?status=pending_confirmation"
    for _ in range(2):  # the thank-you page, then the browser's reload of it
        page = client.get(response.headers["location"])
        assert page.status_code == 200 and "Follow the link in it" in page.text
    with db.transaction(write=False) as session:
        assert session.execute(select(func.count()).select_from(Registration)).scalar_one() == 1
        assert session.execute(select(func.count()).select_from(OutboxEmail)).scalar_one() == 1
    assert client.get("/events/leuven/register/submitted?status=nonsense").status_code == 422


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("email", "not-an-email", "An email address must have an @-sign"),
        ("answers.diet", "", "Diet: an answer is required"),
        ("country", "XX", "not an ISO 3166-1 alpha-2 country code"),
        ("first_name", "A" * 101, "Use at most 100 characters"),
        ("privacy", "", "Privacy consent is required"),
        ("project", "NOPE", "NOPE"),
    ],
)
def test_bad_input_is_shown_next_to_its_field_with_the_values_kept_and_nothing_written(
    client, event, db, field, value, message
):
    response = client.post(
        "/events/leuven/register", data=form_data(open_form(client), **{field: value, "last_name": "Keep<me>"})
    )
    assert 400 <= response.status_code < 500
    field_id = "f-" + field.replace(".", "-")
    error = re.search(rf'<p class="error" id="{field_id}-error">([^<]*)</p>', response.text)
    assert error and message in error.group(1)
    assert f'aria-describedby="{field_id}-error"' in response.text or f'{field_id}-error"' in response.text
    assert 'value="Keep&lt;me&gt;"' in response.text
    assert count(db, Registration) == 0 and count(db, OutboxEmail) == 0


def test_closed_window_refuses_with_a_message_and_writes_nothing(client, db, event):
    with db.transaction() as session:
        open_event(
            session,
            slug="closed",
            registration_closes_at="2020-01-01T00:00:00+00:00",
            starts_at="2020-02-01T09:00:00+00:00",
            ends_at="2020-02-01T17:00:00+00:00",
        )
    page = client.get("/events/closed")
    assert "closed on" in page.text and "/events/closed/register" not in page.text
    form = client.get("/events/closed/register")
    # No form to fill in, and no "please correct the following" when there is nothing to correct.
    assert "Registration for this event closed on" in form.text and 'name="first_name"' not in form.text
    assert "Please correct" not in form.text
    # A form opened before the window closed (the token comes from any page of this site).
    response = client.post("/events/closed/register", data=form_data(open_form(client), **{"answers.diet": ""}))
    assert response.status_code == 409 and "Registration for this event closed" in response.text
    assert count(db, Registration) == 0


def test_filled_honeypot_pretends_success_and_writes_nothing(client, event, db):
    response = client.post("/events/leuven/register", data=form_data(open_form(client), website="http://spam"))
    assert response.status_code == 200 and "Thank you" in response.text
    assert count(db, Registration) == 0 and count(db, OutboxEmail) == 0


def test_event_page_shows_places_left_then_the_waiting_list(client, event, db):
    assert "2 places left." in client.get("/events/leuven").text
    for _ in range(2):
        registered(db, event)
    html = client.get("/events/leuven").text
    assert "join the waiting list" in html and 'href="/events/leuven/register"' in html


def test_participant_page_shows_waitlist_position_then_qr_code_when_confirmed(client, event, settings, db):
    first = registered(db, event, by_organiser=True)
    registered(db, event, by_organiser=True)
    waiting = registered(db, event, answers={"diet": "none"})
    html = client.get(f"/r/{participant_token(settings, waiting)}").text
    assert "number <strong>1</strong> on the waiting list" in html and "<svg" not in html
    html = client.get(f"/r/{participant_token(settings, first)}").text
    assert "<svg" in html and first.checkin_code in html
    assert f'href="/r/{participant_token(settings, first)}/breakouts"' in html


def test_following_the_emailed_link_confirms_the_email(client, event, db, settings):
    client.post("/events/leuven/register", data=form_data(open_form(client)))
    with db.transaction(write=False) as session:
        registration = session.execute(select(Registration)).scalar_one()
    response = client.get(f"/r/{participant_token(settings, registration)}/confirm")
    assert response.status_code == 200 and "Status: confirmed" in response.text
    assert "<svg" in response.text


def test_forged_and_expired_links_are_refused_with_a_clear_page(client, db, settings):
    assert client.get("/r/forged-token", headers=HTML).status_code == 404
    with db.transaction() as session:
        past = open_event(
            session, slug="past", starts_at="2020-02-01T09:00:00+00:00", ends_at="2020-02-01T17:00:00+00:00"
        )
    old = registered(db, past, by_organiser=True, answers={})
    response = client.get(f"/r/{participant_token(settings, old)}", headers=HTML)
    assert response.status_code == 403 and "expired" in response.text
    other_key = Settings(database_url=settings.database_url, secret_key="another", _env_file=None)
    assert client.get(f"/r/{participant_token(other_key, old)}", headers=HTML).status_code == 404


def test_participant_edits_details_and_a_bad_value_changes_nothing(client, event, settings, db):
    registration = registered(db, event, by_organiser=True, answers={"diet": "none"})
    url = f"/r/{participant_token(settings, registration)}"
    token = csrf_token(client.get(url).text)
    bad = client.post(url, data=form_data(token, first_name="Grace", country="XX"))
    assert bad.status_code == 422 and 'value="Grace"' in bad.text and "country code" in bad.text
    good = client.post(url, data=form_data(token, first_name="Grace", country="FR", project="CLU3"))
    assert good.status_code == 200 and "Your changes are saved" in good.text and 'value="Grace"' in good.text
    with db.transaction(write=False) as check:
        stored = check.get(Registration, registration.id)
        assert (stored.first_name, stored.country, stored.answers["diet"]) == ("Grace", "FR", "vegan")


def test_cancelling_takes_a_confirmation_step_then_frees_the_seat(client, event, settings, db):
    registration = registered(db, event, by_organiser=True)
    url = f"/r/{participant_token(settings, registration)}"
    step = client.get(f"{url}/cancel")
    assert step.status_code == 200 and "Yes, cancel my registration" in step.text
    with db.transaction(write=False) as check:
        assert check.get(Registration, registration.id).status is RegistrationStatus.confirmed
    done = client.post(f"{url}/cancel", data={"csrf_token": csrf_token(step.text)})
    assert done.status_code == 200 and "Status: cancelled" in done.text
    assert "Your registration is cancelled." in done.text
    with db.transaction(write=False) as check:
        assert check.get(Registration, registration.id).status is RegistrationStatus.cancelled


def test_participant_downloads_their_data_then_erases_it(client, event, settings, db):
    registration = registered(db, event, by_organiser=True, email="mine@example.org", answers={"diet": "vegan"})
    url = f"/r/{participant_token(settings, registration)}"
    data = client.get(f"{url}/data.json")
    assert data.headers["content-disposition"].startswith("attachment")
    body = data.json()
    assert body["registration"]["email"] == "mine@example.org"
    assert body["answers"] == [{"key": "diet", "question": "Diet", "answer": "vegan"}]
    step = client.get(f"{url}/erase")
    erased = client.post(f"{url}/erase", data={"csrf_token": csrf_token(step.text)})
    assert "Your data has been erased" in erased.text and "mine@example.org" not in erased.text
    with db.transaction(write=False) as check:
        stored = check.get(Registration, registration.id)
        assert stored.anonymised_at is not None and stored.email != "mine@example.org"
        # Before the event, erasing also gives the seat back.
        assert stored.status is RegistrationStatus.cancelled
    assert datetime.now(UTC) - stored.anonymised_at < timedelta(minutes=1)


def test_the_page_button_confirms_too_and_an_erased_registration_cannot_be_changed(client, event, settings, db):
    client.post("/events/leuven/register", data=form_data(open_form(client)))
    with db.transaction(write=False) as session:
        registration = session.execute(select(Registration)).scalar_one()
    url = f"/r/{participant_token(settings, registration)}"
    page = client.get(url)
    assert "Confirm my email address" in page.text
    assert client.post(f"{url}/confirm", data={}).status_code == 403
    confirmed = client.post(f"{url}/confirm", data={"csrf_token": csrf_token(page.text)})
    assert "your email address is confirmed" in confirmed.text and "Status: confirmed" in confirmed.text
    with db.transaction() as session:
        anonymise(session, session.get(Registration, registration.id))
    refused = client.post(url, data=form_data(csrf_token(page.text), first_name="Back"))
    assert refused.status_code == 409
    with db.transaction(write=False) as session:
        assert session.get(Registration, registration.id).first_name == "Anonymised"


def test_the_error_summary_names_each_field_in_plain_words(client, event):
    response = client.post(
        "/events/leuven/register",
        data=form_data(
            open_form(client), first_name="", last_name="", organisation_type="alien", **{"answers.diet": "pizza"}
        ),
    )
    summary = response.text.split('id="error-summary"')[1].split("</div>")[0]
    assert "First name: this field is required" in summary and "Last name: this field is required" in summary
    assert "Type of organisation: choose one of the options in the list" in summary
    # Messages the services write in lower case start with a capital when they stand alone.
    assert '<a href="#f-answers-diet">Choose one of: none, vegan</a>' in summary
    assert '<p class="error" id="f-first_name-error">This field is required</p>' in response.text
    assert "Input should be" not in response.text and "String should" not in response.text


def test_the_consent_box_keeps_its_required_marker_inside_the_sentence(client, event):
    html = client.get("/events/leuven/register").text
    # label.choice is a flex row: a bare "(required)" after the text became a column of its own.
    assert re.search(r'<span>I agree [^<]*<span class="required">\(required\)</span></span></label>', html)


def test_projects_are_offered_by_acronym_and_countries_in_reading_order(client, event):
    html = client.get("/events/leuven/register").text
    assert '<option value="CLU3">CLU3: ' in html
    assert html.index(">Åland Islands<") < html.index(">Albania<")
    assert html.index(">Côte d’Ivoire<") < html.index(">Croatia<") < html.index(">Czechia<")


def test_participant_page_says_when_and_where_and_shows_a_scannable_qr_code(client, event, settings, db):
    registration = registered(db, event, by_organiser=True)
    html = client.get(f"/r/{participant_token(settings, registration)}").text
    assert "20 June 2030, 09:00–17:00 (Europe/Brussels)" in html and "Town hall, Leuven, Belgium" in html
    # The SVG has no viewBox, so its own size is the size shown: big enough for a scanner.
    assert int(re.search(r'<svg[^>]* width="(\d+)"', html).group(1)) >= 180


def test_asking_to_cancel_a_cancelled_registration_says_so_instead_of_asking_again(client, event, settings, db):
    registration = registered(db, event, by_organiser=True)
    url = f"/r/{participant_token(settings, registration)}"
    step = client.get(f"{url}/cancel")
    client.post(f"{url}/cancel", data={"csrf_token": csrf_token(step.text)})
    again = client.get(f"{url}/cancel")
    assert again.status_code == 200 and "Yes, cancel my registration" not in again.text
    assert "This registration is already cancelled or closed." in again.text and "Status: cancelled" in again.text


# --- Post/Redirect/Get: a successful POST answers 303, and reloading the page it leads to is harmless ---


def emails_and_registration(db, registration) -> tuple:
    """What a repeated POST would change: the emails queued, the registration's status and last change."""
    with db.transaction(write=False) as session:
        stored = session.get(Registration, registration.id)
        return count(db, OutboxEmail), stored.status, stored.updated_at, stored.first_name


def pending(client, db) -> Registration:
    client.post("/events/leuven/register", data=form_data(open_form(client)))
    with db.transaction(write=False) as session:
        return session.execute(select(Registration)).scalar_one()


@pytest.mark.parametrize(
    "action, done, message, status",
    [
        ("confirm", "confirmed", "Thank you: your email address is confirmed.", "Status: confirmed"),
        ("details", "saved", "Your changes are saved.", "Status: waiting for you to confirm"),
        ("cancel", "cancelled", "Your registration is cancelled.", "Status: cancelled"),
    ],
)
def test_a_successful_post_answers_see_other_and_reloading_the_outcome_page_changes_nothing(
    client, event, settings, db, action, done, message, status
):
    registration = pending(client, db)
    url = f"/r/{participant_token(settings, registration)}"
    token = csrf_token(client.get(url).text)
    target = {"confirm": f"{url}/confirm", "details": url, "cancel": f"{url}/cancel"}[action]
    data = form_data(token, first_name="Grace") if action == "details" else {"csrf_token": token}
    response = client.post(target, data=data, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"{url}?done={done}"
    assert response.headers["cache-control"] == "no-store"
    after_post = emails_and_registration(db, registration)
    for _ in range(2):  # the page, then a reload of it
        page = client.get(response.headers["location"])
        assert page.status_code == 200 and status in page.text
        assert f'<p class="notice" role="status">{message}</p>' in page.text
        assert emails_and_registration(db, registration) == after_post
    # The outcome is said once, after the POST: the plain page does not repeat it.
    assert message not in client.get(url).text


@pytest.mark.parametrize("done", ["unknown", "<script>alert(1)</script>", "Your registration is cancelled.", ""])
def test_only_known_outcomes_show_a_message_and_never_words_from_the_address(client, event, settings, db, done):
    registration = registered(db, event, by_organiser=True)
    page = client.get(f"/r/{participant_token(settings, registration)}", params={"done": done})
    assert page.status_code == 200 and "Status: confirmed" in page.text
    assert 'class="notice"' not in page.text and "<script>alert" not in page.text


def test_erasing_answers_see_other_to_the_erased_page_which_reloads_as_it_is(client, event, settings, db):
    registration = registered(db, event, by_organiser=True, email="gone@example.org")
    url = f"/r/{participant_token(settings, registration)}"
    step = client.get(f"{url}/erase")
    response = client.post(f"{url}/erase", data={"csrf_token": csrf_token(step.text)}, follow_redirects=False)
    # The registration stays (anonymised, cancelled), so its link still opens a page: the one saying so.
    assert response.status_code == 303 and response.headers["location"] == url
    after_post = emails_and_registration(db, registration)
    for _ in range(2):
        page = client.get(url)
        assert page.status_code == 200 and "Your data has been erased" in page.text
        assert "gone@example.org" not in page.text and 'name="csrf_token"' not in page.text
        assert emails_and_registration(db, registration) == after_post
    assert after_post[1] is RegistrationStatus.cancelled


def test_a_refused_post_is_no_redirect_but_the_form_again_with_its_values(client, event, settings, db):
    registration = registered(db, event, by_organiser=True)
    url = f"/r/{participant_token(settings, registration)}"
    token = csrf_token(client.get(url).text)
    before = emails_and_registration(db, registration)
    invalid = client.post(url, data=form_data(token, first_name="Grace", country="XX"), follow_redirects=False)
    assert invalid.status_code == 422 and 'value="Grace"' in invalid.text and "location" not in invalid.headers
    forged = client.post(url, data=form_data("forged", first_name="Grace"), follow_redirects=False)
    assert forged.status_code == 403 and 'value="Grace"' in forged.text and "security token" in forged.text
    for action in ("cancel", "erase"):
        refused = client.post(f"{url}/{action}", data={"csrf_token": "forged"}, follow_redirects=False)
        assert refused.status_code == 403 and "security token" in refused.text and "location" not in refused.headers
    assert emails_and_registration(db, registration) == before


def test_reloading_after_a_cancellation_shows_it_again_instead_of_a_refusal(client, event, settings, db):
    registration = registered(db, event, by_organiser=True)
    url = f"/r/{participant_token(settings, registration)}"
    step = client.get(f"{url}/cancel")
    page = client.post(f"{url}/cancel", data={"csrf_token": csrf_token(step.text)})
    # The browser is now at the outcome page (a GET), so its reload asks for that again: no 409.
    assert str(page.url).endswith(f"{url}?done=cancelled")
    reloaded = client.get(page.url)
    assert reloaded.status_code == 200 and "Your registration is cancelled." in reloaded.text
