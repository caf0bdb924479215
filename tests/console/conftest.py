"""Console test helpers: accounts of each role and a client signed in as one of them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient

from app.accounts import passwords
from app.accounts.service import create_account
from app.core.db import Database
from app.core.security import Role
from tests.factories import create_event, csrf_token
from tests.notifications.conftest import smtp_server  # noqa: F401  (a real SMTP server for the reset email)

PASSWORD = "correct horse battery"


def make_account(db: Database, email: str, role: Role, event_ids: tuple[int, ...] = ()) -> str:
    with db.transaction() as session:
        create_account(
            session,
            email=email,
            display_name=email.split("@")[0].title(),
            password=PASSWORD,
            role=role,
            event_ids=frozenset(event_ids),
        )
    return email


def sign_in(client: TestClient, email: str, password: str = PASSWORD):
    """Sign ``client`` in as ``email`` (signing out whoever was signed in); returns the POST's response."""
    client.cookies.clear()
    token = csrf_token(client.get("/manage/login").text)
    return client.post(
        "/manage/login", data={"email": email, "password": password, "csrf_token": token}, follow_redirects=False
    )


def post_form(client: TestClient, page_url: str, action: str, data: dict, **kwargs):
    """Open ``page_url`` for its CSRF token, then post ``data`` to ``action`` (no redirect followed)."""
    page = client.get(page_url)
    assert page.status_code == 200, f"{page_url} answered {page.status_code}"
    return client.post(action, data={**data, "csrf_token": csrf_token(page.text)}, follow_redirects=False, **kwargs)


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Argon2 at its cheapest: the default profile costs 64 MiB and up to a second per hash on a busy
    machine, and these tests sign in hundreds of times. The hashing code is the same."""
    cheap = PasswordHasher.from_parameters(profiles.CHEAPEST)
    monkeypatch.setattr(passwords, "_hasher", lambda: cheap)
    monkeypatch.setattr(passwords, "_decoy_hash", lambda: cheap.hash("decoy"))


@dataclass(frozen=True)
class Cast:
    """One account of each kind the authorisation tests need, for ``event_id`` and another event."""

    admin: str
    organiser: str
    other_organiser: str
    checkin: str
    all_organiser: str  # an organiser of every event, limited to none


@pytest.fixture
def console_event(db):
    """An event and another one, committed (the app's requests must see them)."""
    with db.transaction() as session:
        event = create_event(session, title="Regional innovation workshop")
        other = create_event(session, title="Coastal regions workshop")
    return event, other


@pytest.fixture
def cast(db, console_event) -> Cast:
    event, other = console_event
    return Cast(
        admin=make_account(db, "admin@example.org", Role.admin),
        organiser=make_account(db, "organiser@example.org", Role.organiser, (event.id,)),
        other_organiser=make_account(db, "other@example.org", Role.organiser, (other.id,)),
        checkin=make_account(db, "door@example.org", Role.checkin, (event.id,)),
        all_organiser=make_account(db, "everything@example.org", Role.organiser),
    )
