"""Factories for the report tests: participants with organisations, projects and check-ins."""

from __future__ import annotations

from itertools import count

from sqlalchemy.orm import Session

from app.attendance.models import Checkin
from app.directory.models import OrganisationType
from app.directory.service import get_or_create_organisation
from app.events.models import Event
from app.registration.models import Publication, Registration, RegistrationStatus
from app.registration.service import add_confirmed_registration

_numbers = count(1)


def add_participant(
    session: Session, event: Event, *, first_name: str = "Ann", last_name: str | None = None,
    organisation: str = "Leuven Cluster", organisation_type: OrganisationType = OrganisationType.cluster,
    country: str | None = "BE", project_id: int | None = None, publication: Publication = Publication.everyone,
    status: RegistrationStatus = RegistrationStatus.confirmed,
) -> Registration:
    number = next(_numbers)
    registration = add_confirmed_registration(
        session, event, first_name=first_name, last_name=last_name or f"Peeters{number}",
        email=f"report{number}@example.org",
        organisation_id=get_or_create_organisation(session, organisation, type=organisation_type).id,
        country=country, project_id=project_id, publication=publication,
    )
    if status is not RegistrationStatus.confirmed:
        registration.status = status
        session.flush()
    return registration


def check_in(session: Session, registration: Registration, session_id: int | None = None) -> None:
    session.add(Checkin(event_id=registration.event_id, registration_id=registration.id, session_id=session_id))
    session.flush()
