"""Signing in and out of the console: cookie, CSRF, lockout, forgotten password."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import Account
from app.accounts.service import LOCKOUT, MAX_FAILED_SIGN_INS
from app.core.security import Role
from app.core.types import utcnow
from app.notifications.delivery import deliver_due_emails
from app.notifications.models import OutboxEmail
from app.worker import email_context_links
from tests.conftest import make_test_settings
from tests.console.conftest import PASSWORD, make_account, post_form, sign_in
from tests.factories import csrf_token


def test_signed_out_console_pages_lead_to_the_sign_in_page_and_back(client, db):
    response = client.get("/manage/events/some-event?tab=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/manage/login?next=/manage/events/some-event%3Ftab%3D1"
    page = client.get("/manage/login")
    assert '<label for="f-email">Email' in page.text and '<label for="f-password">Password' in page.text


def test_signing_in_sets_a_private_session_cookie_and_opens_the_console(client, db):
    make_account(db, "ada@example.org", Role.organiser)
    response = sign_in(client, "Ada@Example.org")
    assert response.status_code == 303 and response.headers["location"] == "/manage"
    cookie = next(
        value
        for name, value in response.headers.multi_items()
        if name == "set-cookie" and value.startswith("convene_console=")
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/manage" in cookie
    assert "Secure" not in cookie  # the test base URL is http
    page = client.get("/manage")
    assert page.status_code == 200 and "Signed in as Ada" in page.text and "Your events" in page.text


def test_the_session_cookie_is_secure_when_the_site_is_served_over_https(db, backend_url):
    from fastapi.testclient import TestClient

    from app.main import create_app

    settings = make_test_settings(backend_url).model_copy(update={"base_url": "https://events.example.org"})
    make_account(db, "ada@example.org", Role.organiser)
    with TestClient(create_app(settings, database=db), base_url="https://testserver") as secure_client:
        response = sign_in(secure_client, "ada@example.org")
    assert response.status_code == 303
    assert "Secure" in response.headers["set-cookie"]


def test_a_wrong_password_is_refused_next_to_the_field_and_sets_no_cookie(client, db):
    make_account(db, "ada@example.org", Role.organiser)
    response = sign_in(client, "ada@example.org", "not the password")
    assert response.status_code == 401
    assert "The email address or the password is not right" in response.text
    assert 'aria-invalid="true"' in response.text and "convene_console" not in response.headers.get("set-cookie", "")
    assert client.get("/manage", follow_redirects=False).status_code == 303


def test_an_empty_form_names_both_fields(client, db):
    response = sign_in(client, "", "")
    assert response.status_code == 422
    assert "Enter the email address of your account" in response.text and "Enter your password" in response.text


def test_repeated_wrong_passwords_lock_the_account_even_for_the_right_one(client, db):
    make_account(db, "ada@example.org", Role.organiser)
    for _ in range(MAX_FAILED_SIGN_INS):
        assert sign_in(client, "ada@example.org", "guess").status_code == 401
    locked = sign_in(client, "ada@example.org", PASSWORD)
    assert locked.status_code == 429 and "Too many wrong passwords" in locked.text
    with db.transaction() as session:  # the lock ends by itself
        account = session.execute(select(Account)).scalar_one()
        account.locked_until = utcnow() - timedelta(seconds=1)
    assert timedelta(minutes=5) <= LOCKOUT
    assert sign_in(client, "ada@example.org", PASSWORD).status_code == 303


def test_a_form_without_its_csrf_token_is_refused(client, db):
    make_account(db, "ada@example.org", Role.organiser)
    client.get("/manage/login")
    response = client.post(
        "/manage/login", data={"email": "ada@example.org", "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 403
    assert client.get("/manage", follow_redirects=False).status_code == 303


def test_signing_out_ends_the_session_on_the_server(client, db):
    make_account(db, "ada@example.org", Role.organiser)
    sign_in(client, "ada@example.org")
    stolen = client.cookies.get("convene_console")
    response = post_form(client, "/manage", "/manage/logout", {})
    assert response.status_code == 303 and response.headers["location"] == "/manage/login"
    client.cookies.clear()
    client.cookies.set("convene_console", stolen, path="/manage")
    assert client.get("/manage", follow_redirects=False).status_code == 303


def test_a_disabled_account_cannot_sign_in(client, db):
    make_account(db, "ada@example.org", Role.organiser)
    with db.transaction() as session:
        session.execute(select(Account)).scalar_one().disabled_at = utcnow()
    assert sign_in(client, "ada@example.org").status_code == 401


def test_forgotten_password_by_a_one_time_emailed_link(client, db, settings):
    make_account(db, "ada@example.org", Role.organiser)
    page = client.get("/manage/forgot-password")
    response = client.post(
        "/manage/forgot-password",
        data={"email": "ada@example.org", "csrf_token": csrf_token(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert "we have emailed it a link" in client.get("/manage/login").text
    # An unknown address gets the same answer and no email.
    client.post("/manage/forgot-password", data={"email": "nobody@example.org", "csrf_token": csrf_token(page.text)})
    with db.transaction() as session:
        emails = session.execute(select(OutboxEmail)).scalars().all()
    assert [(email.template, email.to_address) for email in emails] == [("password_reset", "ada@example.org")]
    assert "token" not in str(emails[0].context)  # the link is made at delivery, never stored
    link = email_context_links(settings, emails[0].context)["reset_url"]
    path = link.removeprefix(settings.base_url)

    form = client.get(path)
    assert form.status_code == 200 and "Choose a new password" in form.text
    token = path.split("token=")[1]
    mismatch = client.post(
        "/manage/reset-password",
        data={
            "token": token,
            "new_password": "a new long password",
            "repeat_password": "something else",
            "csrf_token": csrf_token(form.text),
        },
    )
    assert mismatch.status_code == 422 and "not the same" in mismatch.text
    short = client.post(
        "/manage/reset-password",
        data={"token": token, "new_password": "short", "repeat_password": "short", "csrf_token": csrf_token(form.text)},
    )
    assert short.status_code == 422 and "at least 10 characters" in short.text
    done = client.post(
        "/manage/reset-password",
        data={
            "token": token,
            "new_password": "a new long password",
            "repeat_password": "a new long password",
            "csrf_token": csrf_token(form.text),
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert client.get(path).status_code == 410  # used once
    assert sign_in(client, "ada@example.org", PASSWORD).status_code == 401
    assert sign_in(client, "ada@example.org", "a new long password").status_code == 303


def test_the_reset_email_is_delivered_with_its_link(client, db, settings, smtp_server):
    make_account(db, "ada@example.org", Role.organiser)
    page = client.get("/manage/forgot-password")
    client.post("/manage/forgot-password", data={"email": "ada@example.org", "csrf_token": csrf_token(page.text)})
    smtp_server.start()
    delivered = deliver_due_emails(
        db, settings.model_copy(update={"smtp_url": smtp_server.url}), extend_context=email_context_links
    )
    assert delivered == 1
    body = smtp_server.handler.messages[0].get_body(("plain",)).get_content()
    assert "http://testserver/manage/reset-password?token=" in body
