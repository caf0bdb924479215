"""CSRF: the signed double-submit token of the HTML forms."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.core import csrf as csrf_module
from app.core.csrf import COOKIE_NAME, Csrf, CsrfFailed
from app.registration.models import Registration
from tests.conftest import make_test_settings
from tests.registration.conftest import open_event

SETTINGS = make_test_settings("sqlite://")


def test_a_token_matches_only_the_cookie_it_was_made_for():
    browser = Csrf(SETTINGS, None, secure=False)
    same_browser = Csrf(SETTINGS, browser.cookie, secure=False)
    same_browser.verify(browser.token)
    other_browser = Csrf(SETTINGS, Csrf(SETTINGS, None, secure=False).cookie, secure=False)
    with pytest.raises(CsrfFailed, match="not sent from this browser"):
        other_browser.verify(browser.token)


@pytest.mark.parametrize(
    "submitted, message",
    [(None, "without its security token"), ("", "without its security token"), ("tampered.token.value", "not valid")],
)
def test_missing_or_tampered_tokens_are_refused(submitted, message):
    browser = Csrf(SETTINGS, Csrf(SETTINGS, None, secure=False).cookie, secure=False)
    with pytest.raises(CsrfFailed, match=message) as refused:
        browser.verify(submitted)
    assert refused.value.status == 403 and refused.value.field == "csrf_token"


def test_a_token_signed_with_another_secret_is_refused():
    cookie = Csrf(SETTINGS, None, secure=False).cookie
    foreign = Csrf(make_test_settings("sqlite://").model_copy(update={"secret_key": "other"}), cookie, secure=False)
    with pytest.raises(CsrfFailed, match="not valid"):
        Csrf(SETTINGS, cookie, secure=False).verify(foreign.token)


def test_an_old_token_expires(monkeypatch):
    browser = Csrf(SETTINGS, Csrf(SETTINGS, None, secure=False).cookie, secure=False)
    token = browser.token
    monkeypatch.setattr(csrf_module, "TOKEN_MAX_AGE", -1)
    with pytest.raises(CsrfFailed, match="expired"):
        browser.verify(token)


def test_without_the_cookie_the_post_is_refused_even_with_a_well_formed_token():
    token = Csrf(SETTINGS, None, secure=False).token
    with pytest.raises(CsrfFailed, match="security cookie"):
        Csrf(SETTINGS, None, secure=False).verify(token)


def _form(token: str) -> dict:
    return {
        "csrf_token": token,
        "first_name": "Ada",
        "last_name": "Peeters",
        "email": "ada@example.org",
        "privacy": "yes",
        "publication": "nobody",
    }


def test_form_posted_without_a_valid_token_is_refused_kept_and_nothing_written(client, db):
    with db.transaction() as session:
        open_event(session, slug="csrf-event")
    page = client.get("/events/csrf-event/register")
    assert COOKIE_NAME in page.cookies
    real_token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    for token in ("", "forged"):
        refused = client.post("/events/csrf-event/register", data=_form(token))
        assert refused.status_code == 403
        assert "security token" in refused.text and 'value="Peeters"' in refused.text
    client.cookies.clear()
    cross_site = client.post("/events/csrf-event/register", data=_form(real_token))
    assert cross_site.status_code == 403 and "security cookie" in cross_site.text
    with db.transaction(write=False) as session:
        assert session.execute(select(func.count()).select_from(Registration)).scalar_one() == 0
    # The refusal set a fresh cookie and token, so submitting the re-rendered form works.
    retry_token = re.search(r'name="csrf_token" value="([^"]+)"', cross_site.text).group(1)
    assert client.post("/events/csrf-event/register", data=_form(retry_token)).status_code == 200
