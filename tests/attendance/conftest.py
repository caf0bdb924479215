"""Factories for the attendance tests: confirmed (or other) registrations and check-in tokens."""

from __future__ import annotations

from itertools import count

import pytest
from sqlalchemy.orm import Session

from app.core.db import Database
from app.core.security import Role
from app.directory.service import get_or_create_organisation
from app.events.models import Event
from app.main import create_app
from app.registration.models import Registration, RegistrationStatus
from app.registration.service import add_confirmed_registration
from tests.conftest import served_in_thread, token_headers
from tests.factories import create_event, ongoing_event_times

_numbers = count(1)


def add_participant(session: Session, event: Event, *, status: RegistrationStatus = RegistrationStatus.confirmed,
                    first_name: str = "Ann", last_name: str | None = None, organisation: str | None = "Leuven Cluster",
                    country: str | None = "BE", project_id: int | None = None) -> Registration:
    number = next(_numbers)
    last_name = last_name or f"Peeters{number}"
    organisation_id = get_or_create_organisation(session, organisation).id if organisation else None
    registration = add_confirmed_registration(
        session, event, first_name=first_name, last_name=last_name, email=f"person{number}@example.org",
        organisation_id=organisation_id, country=country, project_id=project_id,
    )
    if status is not RegistrationStatus.confirmed:
        registration.status = status
        session.flush()
    return registration


@pytest.fixture
def event_id(db: Database) -> int:
    with db.transaction() as session:
        return create_event(session, slug="door-test", **ongoing_event_times()).id


@pytest.fixture
def checkin_staff(db: Database, event_id: int) -> dict[str, str]:
    """Headers of a checkin token limited to the ``event_id`` event."""
    return token_headers(db, Role.checkin, event_id)


@pytest.fixture
def live_server(db, settings):
    """The app served by uvicorn on a real port, in a thread of this process."""
    with served_in_thread(create_app(settings, database=db)) as base_url:
        yield base_url
