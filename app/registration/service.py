"""Registration services. The full workflow (form, waiting list, approval, emails) builds on these."""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

from app.core.types import utcnow
from app.events.models import Event
from app.registration.models import Publication, Registration, RegistrationStatus

PRIVACY_WORDING_VERSION = "2026-11"


def new_checkin_code() -> str:
    return secrets.token_urlsafe(18)


def add_confirmed_registration(
    session: Session, event: Event, *, first_name: str, last_name: str, email: str, organisation_id: int | None,
    country: str | None, project_id: int | None, person_id: int | None = None,
    publication: Publication = Publication.everyone,
) -> Registration:
    """A confirmed registration entered by an organiser (imports, the demo): no workflow steps."""
    now = utcnow()
    registration = Registration(
        event_id=event.id, person_id=person_id, first_name=first_name, last_name=last_name, email=email.lower(),
        organisation_id=organisation_id, country=country, project_id=project_id,
        status=RegistrationStatus.confirmed, publication=publication, privacy_consented_at=now,
        privacy_wording_version=PRIVACY_WORDING_VERSION, checkin_code=new_checkin_code(), confirmed_at=now,
    )
    session.add(registration)
    session.flush()
    return registration
