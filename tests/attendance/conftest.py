"""Factories for the attendance tests: confirmed (or other) registrations and check-in tokens."""

from __future__ import annotations

from itertools import count

import pytest

from app.core.db import Database
from app.core.security import Role
from app.main import create_app
from tests.conftest import served_in_thread, token_headers
from tests.factories import create_event, ongoing_event_times

_numbers = count(1)


@pytest.fixture
def event_id(db: Database) -> int:
    with db.transaction() as session:
        return create_event(session, slug="door-test", **ongoing_event_times()).id


@pytest.fixture
def checkin_staff(db: Database, event_id: int) -> dict[str, str]:
    """Headers of a checkin token limited to the ``event_id`` event."""
    return token_headers(db, Role.checkin, event_id)


@pytest.fixture
def app_in_thread(db, settings):
    """The app served by uvicorn on a real port, in a thread of this process (unlike the
    suite's ``live_server``, two worker processes): the browser and concurrent scans need real HTTP."""
    with served_in_thread(create_app(settings, database=db)) as base_url:
        yield base_url
