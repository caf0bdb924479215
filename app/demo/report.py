"""The demo's report material: the organisers' narrative, session notes, rapporteurs' notes, the
three parts of the day, the branding (a logo drawn for the demo) and one illustration.

The sentences are written for this demo (the facts are those of the 2018 workshop). Loaded
through the services, once: an event that already has a narrative is left alone.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.agenda.models import AgendaSession
from app.breakouts.models import BreakoutGroup
from app.breakouts.schemas import GroupUpdate
from app.breakouts.service import update_group
from app.events.models import Event
from app.reports.branding import add_image, set_logo, write_branding
from app.reports.models import EventNarrative, Report, ReportFormat, ReportStatus
from app.reports.parts import write_parts
from app.reports.schemas import BrandingWrite, NarrativeWrite, PartsWrite, PartWrite, ReportCreate, SessionNoteWrite
from app.reports.service import generate_report, write_narrative, write_session_note

FIXTURE = Path(__file__).with_name("narrative_2018.json")
LOGO = Path(__file__).with_name("logo.svg")
ILLUSTRATION = Path(__file__).with_name("plenary.jpg")
ILLUSTRATED_ITEM = "Practitioner panel: effective approaches to clusters' role in driving interregional cooperation"
ILLUSTRATION_CAPTION = "The plenary hall set up for the practitioners' panel (a drawing made for the demo)."


def load_report_demo(session: Session, event: Event) -> bool:
    """Write the demo narrative and notes; returns False when the event already had a narrative."""
    if session.execute(select(col(EventNarrative.id)).where(col(EventNarrative.event_id) == event.id)).first():
        return False
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    write_narrative(session, event, NarrativeWrite(**data["narrative"]))
    items = session.execute(select(AgendaSession).where(col(AgendaSession.event_id) == event.id)).scalars().all()
    by_title = {item.title: item for item in items}
    for title, note in data["session_notes"].items():
        if title in by_title:
            write_session_note(session, event, by_title[title].id, SessionNoteWrite(**note))
    groups = (
        session.execute(select(BreakoutGroup).where(col(BreakoutGroup.session_id).in_([item.id for item in items])))
        .scalars()
        .all()
    )
    for group in groups:
        notes = data["rapporteur_notes"].get(group.title)
        if notes and not group.report_notes:
            update_group(session, group, GroupUpdate(report_notes=notes))
    parts = [
        PartWrite(
            **{key: value for key, value in part.items() if key != "items"},
            session_ids=[by_title[title].id for title in part["items"] if title in by_title],
        )
        for part in data["parts"]
    ]
    write_parts(session, event, PartsWrite(parts=[part for part in parts if part.session_ids]))
    write_branding(session, event, BrandingWrite(**data["branding"]))
    set_logo(session, event, LOGO.read_bytes())
    if ILLUSTRATED_ITEM in by_title:
        add_image(
            session,
            event,
            ILLUSTRATION.read_bytes(),
            caption=ILLUSTRATION_CAPTION,
            session_id=by_title[ILLUSTRATED_ITEM].id,
        )
    return True


def generate_demo_reports(session: Session, event: Event) -> list[Report]:
    """The demo's report in every format, generated once through the service and stored."""
    existing = {
        report.format: report
        for report in session.execute(
            select(Report).where(col(Report.event_id) == event.id, col(Report.status) == ReportStatus.done)
        ).scalars()
    }
    return [
        existing.get(format)
        or generate_report(session, event, ReportCreate(format=format), requested_by="convene demo")
        for format in ReportFormat
    ]
