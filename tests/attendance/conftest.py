"""Factories for the attendance tests: confirmed (or other) registrations and check-in tokens."""

from __future__ import annotations

import threading
import time
from itertools import count

import pytest
import uvicorn
from sqlalchemy.orm import Session

from app.core.db import Database
from app.core.security import Role
from app.directory.service import get_or_create_organisation
from app.events.models import Event
from app.main import create_app
from app.registration.models import Registration, RegistrationStatus
from app.registration.service import add_confirmed_registration
from tests.conftest import token_headers
from tests.factories import create_event
from tests.conftest import free_port

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
        return create_event(session, slug="door-test", starts_at="2030-06-20T09:00:00+02:00").id


@pytest.fixture
def checkin_staff(db: Database, event_id: int) -> dict[str, str]:
    """Headers of a checkin token limited to the ``event_id`` event."""
    return token_headers(db, Role.checkin, event_id)


@pytest.fixture
def live_server(db, settings):
    """The app served by uvicorn on a real port, in a thread of this process."""
    server = uvicorn.Server(uvicorn.Config(create_app(settings, database=db), host="127.0.0.1", port=free_port(),
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{server.config.port}"
    server.should_exit = True
    thread.join(10)
