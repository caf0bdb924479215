"""Report speed: an event with 10,000 participants, 40 sessions, 300 projects and 60 countries.

Prints the time for the statistics, the report context, the HTML, the PDF (and DOCX with --docx)
and the process's peak memory. Targets: HTML under 1 s, PDF under 15 s, memory under 500 MB.

    uv run python benchmarks/report.py [--participants N] [--database URL] [--docx]
"""

from __future__ import annotations

import argparse
import random
import resource
import secrets
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

import app.models  # noqa: F401  (every table in the metadata)
from app.agenda.models import AgendaSession, SessionKind
from app.attendance.models import Checkin
from app.core.countries import country_names
from app.core.db import Database
from app.core.migrate import upgrade
from app.directory.models import Organisation, OrganisationType, Project
from app.events.models import Event
from app.registration.models import Publication, Registration, RegistrationStatus
from app.reports.context import build_context
from app.reports.models import ReportFormat
from app.reports.render import render_report
from app.reports.render.text import TemplateChoice
from app.reports.statistics import event_statistics

START = datetime(2030, 6, 20, 7, 0, tzinfo=UTC)


def seed(database: Database, participants: int) -> int:
    rng = random.Random(2018)
    countries = sorted(country_names())[:60]
    with database.transaction() as session:
        event = Event(
            slug="benchmark",
            title="Benchmark workshop",
            starts_at=START,
            ends_at=START + timedelta(hours=10),
            timezone="Europe/Brussels",
            venue="Hall",
            city="Leuven",
            country="BE",
        )
        session.add(event)
        session.flush()
        session.execute(
            insert(Project),
            [
                {"acronym": f"P{n:03}", "title": f"Project number {n}", "url": f"https://example.org/p{n}"}
                for n in range(300)
            ],
        )
        session.execute(
            insert(Organisation),
            [
                {
                    "name": f"Organisation {n}",
                    "type": rng.choice(list(OrganisationType)),
                    "country": rng.choice(countries),
                }
                for n in range(800)
            ],
        )
        session.execute(
            insert(AgendaSession),
            [
                {
                    "event_id": event.id,
                    "title": f"Session {n}",
                    "kind": SessionKind.talk,
                    "room": f"Room {n % 4}",
                    "starts_at": START + timedelta(minutes=15 * n),
                    "ends_at": START + timedelta(minutes=15 * n + 14),
                }
                for n in range(40)
            ],
        )
        project_ids = list(range(1, 301))
        session.execute(
            insert(Registration),
            [
                {
                    "event_id": event.id,
                    "first_name": f"Zoë{n}",
                    "last_name": f"Müller-{n}",
                    "email": f"p{n}@example.org",
                    "organisation_id": rng.randint(1, 800),
                    "country": rng.choice(countries),
                    "project_id": rng.choice(project_ids) if n % 2 else None,
                    "status": RegistrationStatus.confirmed,
                    "publication": Publication.everyone if n % 10 else Publication.nobody,
                    "checkin_code": secrets.token_urlsafe(12),
                    "answers": {},
                    "created_at": START,
                    "updated_at": START,
                }
                for n in range(participants)
            ],
        )
        session.execute(
            insert(Checkin),
            [
                {"event_id": event.id, "registration_id": n + 1, "session_id": None, "checked_in_at": START}
                for n in range(participants)
                if n % 20
            ],
        )
        return event.id


def timed(label: str, function):
    began = time.perf_counter()
    result = function()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label:<22} {time.perf_counter() - began:7.2f} s   peak memory so far {peak:6.0f} MB", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--database", default=None, help="default: a new SQLite file")
    parser.add_argument("--docx", action="store_true")
    args = parser.parse_args()
    url = args.database or f"sqlite:///{tempfile.mkdtemp()}/benchmark.db"
    database = Database(url)
    upgrade(database.engine)
    event_id = timed(f"seed {args.participants} people", lambda: seed(database, args.participants))
    with database.transaction(write=False) as session:
        event = session.get(Event, event_id)
        stats = timed("statistics", lambda: event_statistics(session, event_id))
        print(
            f"  {stats.participants} participants, {stats.projects_represented} projects, "
            f"{len(stats.countries)} countries, {len(stats.sessions)} sessions"
        )
        context = timed("context (all data)", lambda: build_context(session, event))
    choice = TemplateChoice("thematic-workshop")
    html = timed("HTML", lambda: render_report(ReportFormat.html, choice, context))
    pdf = timed("PDF", lambda: render_report(ReportFormat.pdf, choice, context))
    print(f"  HTML {len(html) / 1e6:.1f} MB, PDF {len(pdf) / 1e6:.1f} MB")
    if args.docx:
        timed("DOCX", lambda: render_report(ReportFormat.docx, choice, context))
    database.dispose()


if __name__ == "__main__":
    main()
