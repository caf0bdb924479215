"""Plain factory functions: ``create_event(session, **overrides)`` and friends."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.agenda import service as agenda_service
from app.agenda.models import AgendaSession
from app.agenda.schemas import SessionCreate
from app.directory.models import OrganisationType, Project
from app.directory.schemas import ProjectCreate
from app.directory.service import create_project as create_directory_project
from app.directory.service import get_or_create_organisation
from app.events.models import Event
from app.events.schemas import EventCreate
from app.events.service import create_event as create_event_row
from app.registration.models import Publication, Registration, RegistrationStatus
from app.registration.service import add_confirmed_registration

_numbers = count(1)


def event_payload(**overrides) -> dict:
    number = next(_numbers)
    payload = {
        "slug": f"workshop-{number}",
        "title": f"Workshop {number}",
        "starts_at": "2030-06-20T09:00:00+02:00",
        "ends_at": "2030-06-20T17:00:00+02:00",
        "timezone": "Europe/Brussels",
        "venue": "Town hall",
        "city": "Leuven",
        "country": "BE",
        "capacity": 30,
    }
    payload.update(overrides)
    return payload


def ongoing_event_times(zone: str = "Europe/Brussels") -> dict[str, str]:
    """Times of an event that started two hours ago (on the hour) and ends in six: check-in is open."""
    starts_at = datetime.now(ZoneInfo(zone)).replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
    return {
        "starts_at": starts_at.isoformat(),
        "ends_at": (starts_at + timedelta(hours=8)).isoformat(),
        "timezone": zone,
    }


def create_event(session: Session, **overrides) -> Event:
    return create_event_row(session, EventCreate(**event_payload(**overrides)))


def create_project(session: Session, **overrides) -> Project:
    number = next(_numbers)
    values = {"acronym": f"PRJ{number}", "title": f"Project {number}", "url": "https://example.org/p"}
    values.update(overrides)
    return create_directory_project(session, ProjectCreate(**values))


def create_agenda_session(session: Session, event: Event, **overrides) -> AgendaSession:
    """By default an hour's talk, an hour after the event starts."""
    starts_at = event.starts_at + timedelta(hours=1)
    values = {
        "title": "Talk",
        "kind": "talk",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=1),
        "room": "Plenary",
    }
    values.update(overrides)
    return agenda_service.create_agenda_session(session, event, SessionCreate(**values)).item


def add_participant(
    session: Session,
    event: Event,
    *,
    first_name: str = "Ann",
    last_name: str | None = None,
    organisation: str | None = "Leuven Cluster",
    organisation_type: OrganisationType = OrganisationType.cluster,
    country: str | None = "BE",
    project_id: int | None = None,
    person_id: int | None = None,
    publication: Publication = Publication.everyone,
    status: RegistrationStatus = RegistrationStatus.confirmed,
) -> Registration:
    """A registration entered as confirmed (no workflow, no email), then given ``status``."""
    number = next(_numbers)
    registration = add_confirmed_registration(
        session,
        event,
        first_name=first_name,
        last_name=last_name or f"Peeters{number}",
        email=f"participant{number}@example.org",
        person_id=person_id,
        country=country,
        project_id=project_id,
        organisation_id=get_or_create_organisation(session, organisation, type=organisation_type).id
        if organisation
        else None,
        publication=publication,
    )
    if status is not RegistrationStatus.confirmed:
        registration.status = status
        session.flush()
    return registration


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token of the (first) form on a page."""
    match = _CSRF.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)
