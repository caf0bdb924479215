"""Loads the demo workshop (the 2018 clusters workshop in Leuven) from the fixture, once."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.agenda.models import RoleKind, SessionKind
from app.agenda.schemas import RoleAssign, SessionCreate
from app.agenda.service import create_agenda_session
from app.core.timezones import in_zone
from app.demo.attendance import load_attendance_demo
from app.demo.breakouts import load_breakouts_demo
from app.demo.report import load_report_demo
from app.demo.upcoming import load_upcoming_demo
from app.directory.models import OrganisationType, Person, Project
from app.directory.schemas import ProjectCreate
from app.directory.service import create_project, get_or_create_organisation, project_by_acronym
from app.events.models import Event
from app.events.schemas import EventCreate
from app.events.service import create_event, find_event_by_slug
from app.registration.service import add_confirmed_registration

FIXTURE = Path(__file__).with_name("workshop_2018.json")
DEMO_SLUG = "clusters-workshop-2018"
# The demo shows a past workshop's report with its participant list, so its people are kept (for a
# century) rather than anonymised by the default retention period the first time the worker runs.
DEMO_RETENTION_DAYS = 36500


@dataclass(frozen=True)
class DemoResult:
    event: Event
    created: bool
    upcoming: Event  # a follow-up workshop whose registration is open


def load_fixture() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def demo_email(first_name: str, last_name: str) -> str:
    """A stable made-up address (example.org is reserved, so nothing is ever delivered)."""

    def ascii_part(text: str) -> str:
        plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return "".join(ch for ch in plain.lower() if ch.isalnum())

    return f"{ascii_part(first_name)}.{ascii_part(last_name)}@example.org"


def load_demo(session: Session) -> DemoResult:
    """Create the demo event with its agenda, projects and participants, and an upcoming workshop
    open for registration; do nothing for what exists already."""
    upcoming = load_upcoming_demo(session, today=date.today())
    existing = find_event_by_slug(session, DEMO_SLUG)
    if existing is not None:
        if existing.retention_days is None:  # loaded by a version that left it to the default
            existing.retention_days = DEMO_RETENTION_DAYS
        return DemoResult(existing, created=False, upcoming=upcoming)
    data = load_fixture()
    event = create_event(session, EventCreate(**data["event"], retention_days=DEMO_RETENTION_DAYS))
    organisations = {
        org["name"]: get_or_create_organisation(
            session, org["name"], type=OrganisationType(org["type"]), country=org["country"]
        )
        for org in data["organisations"]
    }
    known = set(session.execute(select(col(Project.acronym))).scalars())
    for project in data["projects"]:
        if project["acronym"] not in known:
            create_project(session, ProjectCreate(**project))
    people = _load_participants(session, event, data["participants"], organisations)
    _load_agenda(session, event, data["agenda"], people)
    load_breakouts_demo(session, event)
    load_attendance_demo(session, event)
    load_report_demo(session, event)  # last: it fills in the rapporteurs' notes of existing groups
    return DemoResult(event, created=True, upcoming=upcoming)


def _load_participants(
    session: Session, event: Event, rows: list, organisations: dict
) -> dict[tuple[str, str], Person]:
    people: dict[tuple[str, str], Person] = {}
    for first_name, last_name, organisation_name, acronym, country in rows:
        organisation = organisations[organisation_name]
        email = demo_email(first_name, last_name)
        person = Person(
            first_name=first_name, last_name=last_name, email=email, organisation_id=organisation.id, country=country
        )
        session.add(person)
        session.flush()
        people[(first_name, last_name)] = person
        add_confirmed_registration(
            session,
            event,
            first_name=first_name,
            last_name=last_name,
            email=email,
            organisation_id=organisation.id,
            country=country,
            person_id=person.id,
            project_id=project_by_acronym(session, acronym).id if acronym else None,
        )
    return people


def _load_agenda(session: Session, event: Event, items: list, people: dict[tuple[str, str], Person]) -> None:
    day = in_zone(event.starts_at, event.timezone).date().isoformat()
    for item in items:
        roles = [
            RoleAssign(role=RoleKind(role), person_id=people[(first, last)].id, note=note)
            for role, first, last, note in item.get("roles", [])
        ]
        create_agenda_session(
            session,
            event,
            SessionCreate(
                title=item["title"],
                kind=SessionKind(item["kind"]),
                room=item.get("room"),
                description=item.get("description"),
                starts_at=datetime.fromisoformat(f"{day}T{item['starts']}"),
                ends_at=datetime.fromisoformat(f"{day}T{item['ends']}"),
                roles=roles,
            ),
        )
