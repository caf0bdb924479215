"""Factories for registration tests: payloads and events with a registration window open now."""

from __future__ import annotations

from itertools import count

from sqlalchemy.orm import Session

from app.events.models import Event
from app.registration.models import Registration
from app.registration.schemas import RegistrationCreate
from app.registration.service import register
from tests.factories import create_event

_numbers = count(1)


def registration_payload(**overrides) -> dict:
    number = next(_numbers)
    payload = {
        "first_name": "Ada",
        "last_name": f"Peeters {number}",
        "email": f"person{number}@example.org",
        "organisation": "Flanders Agency",
        "organisation_type": "agency",
        "country": "BE",
        "consents": {"privacy": True, "publication": "everyone"},
    }
    payload.update(overrides)
    return payload


def open_event(session: Session, **overrides) -> Event:
    """An event in 2030 whose registration is open (it has no window but closes at the event's end)."""
    return create_event(session, **overrides)


def add_registration(session: Session, event: Event, *, by_organiser: bool = False, **overrides) -> Registration:
    data = RegistrationCreate(**registration_payload(**overrides))
    return register(session, event, data, by_organiser=by_organiser).registration


def form_fields(token: str, **overrides) -> dict:
    """What a person fills in on the public registration form (honeypot left empty), with ``overrides``."""
    return {
        "csrf_token": token,
        "first_name": "Ada",
        "last_name": "Peeters",
        "email": "ada@example.org",
        "organisation": "Flanders Agency",
        "organisation_type": "agency",
        "country": "BE",
        "project": "",
        "publication": "participants",
        "privacy": "yes",
        "website": "",
        **overrides,
    }
