"""Reports: the narrative and notes organisers write, their templates, and generating, storing and
serving report files. Services flush, never commit."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from app.agenda.models import AgendaSession
from app.core.db import Database
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.isolation import RenderStopped
from app.core.jobs import enqueue
from app.core.ownership import owned_by, owner_values, owns
from app.core.pagination import Window, paginate
from app.core.security import Principal, Role
from app.core.types import utcnow
from app.events.models import Event
from app.events.service import get_event
from app.registration.models import Registration
from app.reports.context import ReportContext, build_context
from app.reports.models import (
    EventNarrative,
    Report,
    ReportFile,
    ReportFormat,
    ReportStatus,
    ReportTemplate,
    SessionNote,
)
from app.reports.render import TEMPLATE_KIND, render_isolated
from app.reports.render.text import BUILTIN_TEMPLATES, DEFAULT_TEMPLATE, TemplateChoice
from app.reports.sandbox import TemplateProblem, check_syntax
from app.reports.schemas import (
    NarrativeRead,
    NarrativeUpdate,
    NarrativeWrite,
    ReportCreate,
    ReportOptions,
    SessionNoteRead,
    SessionNoteUpdate,
    SessionNoteWrite,
    TemplateCreate,
)
from app.webhooks.schemas import EventType
from app.webhooks.service import emit

log = logging.getLogger("convene.reports")

JOB_KIND = "reports.generate"
# Events with more registrations than this are reported by `convene worker`, not in the request.
BACKGROUND_ABOVE = 1000
EXTENSIONS = {ReportFormat.html: "html", ReportFormat.pdf: "pdf", ReportFormat.docx: "docx", ReportFormat.md: "md"}


class TemplateSyntax(InvalidInput):
    title = "Template error"


class TemplateNameTaken(Conflict):
    pass


class ReportNotReady(Conflict):
    title = "Report not ready"


# --- narrative and notes ---------------------------------------------------------------------


def read_narrative(session: Session, event: Event) -> NarrativeRead:
    row = session.execute(select(EventNarrative).where(col(EventNarrative.event_id) == event.id)).scalar_one_or_none()
    if row is None:
        return NarrativeRead(event_id=event.id, updated_at=None)
    values = {name: getattr(row, name) for name in NarrativeWrite.model_fields}
    return NarrativeRead(event_id=event.id, updated_at=row.updated_at, **values)


def write_narrative(session: Session, event: Event, data: NarrativeWrite) -> NarrativeRead:
    """Replace the event's narrative as a whole (PUT): a part left out is emptied."""
    return _store_narrative(session, event, data.model_dump(mode="json"))


def update_narrative(session: Session, event: Event, data: NarrativeUpdate) -> NarrativeRead:
    """Change only the parts named (PATCH), so writing the introduction keeps the conclusions."""
    return _store_narrative(session, event, data.model_dump(mode="json", exclude_unset=True))


def _store_narrative(session: Session, event: Event, values: dict) -> NarrativeRead:
    row = session.execute(select(EventNarrative).where(col(EventNarrative.event_id) == event.id)).scalar_one_or_none()
    if row is None:
        row = EventNarrative(event_id=event.id)
        session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at = utcnow()
    session.flush()
    return read_narrative(session, event)


def agenda_session(session: Session, event: Event, session_id: int, *, field: str | None = None) -> AgendaSession:
    """The event's agenda item ``session_id``: 404 on a path, 422 naming ``field`` in a body."""
    item = session.get(AgendaSession, session_id)
    if item is None or item.event_id != event.id:
        error = InvalidInput if field else NotFound
        raise error(f"event {event.id} has no session with id {session_id}", field=field)
    return item


def read_session_note(session: Session, event: Event, session_id: int) -> SessionNoteRead:
    agenda_session(session, event, session_id)
    note = session.execute(select(SessionNote).where(col(SessionNote.session_id) == session_id)).scalar_one_or_none()
    if note is None:
        return SessionNoteRead(session_id=session_id, updated_at=None)
    return SessionNoteRead(
        session_id=session_id, notes=note.notes, key_points=note.key_points, updated_at=note.updated_at
    )


def write_session_note(session: Session, event: Event, session_id: int, data: SessionNoteWrite) -> SessionNoteRead:
    """Replace a session's notes and key points (PUT)."""
    return _store_session_note(session, event, session_id, data.model_dump())


def update_session_note(session: Session, event: Event, session_id: int, data: SessionNoteUpdate) -> SessionNoteRead:
    """Change only the parts named (PATCH)."""
    return _store_session_note(session, event, session_id, data.model_dump(exclude_unset=True))


def _store_session_note(session: Session, event: Event, session_id: int, values: dict) -> SessionNoteRead:
    agenda_session(session, event, session_id)
    note = session.execute(select(SessionNote).where(col(SessionNote.session_id) == session_id)).scalar_one_or_none()
    if note is None:
        note = SessionNote(session_id=session_id, key_points=[])
        session.add(note)
    for name, value in values.items():
        setattr(note, name, value)
    note.updated_at = utcnow()
    session.flush()
    return read_session_note(session, event, session_id)


# --- templates -------------------------------------------------------------------------------

# An uploaded template belongs to whoever uploaded it: organisers see and use their own (and the
# built-in ones), admins every one. A ``principal`` of None (the worker, the CLI) sees them all.


def _sees_all(principal: Principal | None) -> bool:
    return principal is None or principal.role is Role.admin


def _templates_of(principal: Principal | None):
    statement = select(ReportTemplate)
    return (
        statement if principal is None or _sees_all(principal) else statement.where(owned_by(ReportTemplate, principal))
    )


def create_template(session: Session, data: TemplateCreate, *, principal: Principal | None = None) -> ReportTemplate:
    if data.name in BUILTIN_TEMPLATES:
        raise TemplateNameTaken(f"{data.name!r} is a built-in template; choose another name", field="name")
    if session.execute(select(col(ReportTemplate.id)).where(col(ReportTemplate.name) == data.name)).first():
        raise TemplateNameTaken(f"a template named {data.name!r} already exists", field="name")
    try:
        check_syntax(data.source)
    except TemplateProblem as problem:
        raise TemplateSyntax(
            f"the template does not parse: {problem}", field="source", extra={"line": problem.line}
        ) from None
    template = ReportTemplate(name=data.name, kind=data.kind, source=data.source, **owner_values(principal))
    session.add(template)
    session.flush()
    return template


def list_templates(
    session: Session, window: Window, *, principal: Principal | None = None
) -> tuple[list[ReportTemplate], int]:
    return paginate(session, _templates_of(principal).order_by(ReportTemplate.name), window)


def get_template(session: Session, template_id: int, *, principal: Principal | None = None) -> ReportTemplate:
    """The template, when ``principal`` may see it; someone else's is a 404, as if absent."""
    template = session.get(ReportTemplate, template_id)
    if template is None or not (principal is None or _sees_all(principal) or owns(template, principal)):
        raise NotFound(f"no report template with id {template_id}" + ("" if _sees_all(principal) else " among yours"))
    return template


def delete_template(session: Session, template: ReportTemplate) -> None:
    session.delete(template)
    session.flush()


def choose_template(
    session: Session, name: str | None, format: ReportFormat, *, principal: Principal | None = None
) -> TemplateChoice:
    """The built-in or uploaded template called ``name`` (one ``principal`` may use), checked against
    the format asked for."""
    name = name or DEFAULT_TEMPLATE
    if name in BUILTIN_TEMPLATES:
        return TemplateChoice(name=name)
    usable = _templates_of(principal)
    template = session.execute(usable.where(ReportTemplate.name == name)).scalar_one_or_none()
    if template is None:
        names = session.execute(usable.with_only_columns(ReportTemplate.name).order_by(ReportTemplate.name)).scalars()
        known = ", ".join([*BUILTIN_TEMPLATES, *names])
        raise InvalidInput(f"no report template named {name!r} (known: {known})", field="template")
    if format is ReportFormat.docx:
        raise InvalidInput("DOCX reports are built from the built-in template only", field="template")
    if TEMPLATE_KIND[format] is not template.kind:
        raise InvalidInput(f"template {name!r} makes {template.kind.value}, not {format.value}", field="template")
    return TemplateChoice(name=name, source=template.source, kind=template.kind)


# --- reports ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportWork:
    """What rendering one report needs, read from the database: it renders with no session open."""

    event_id: int
    slug: str
    format: ReportFormat
    choice: TemplateChoice
    options: dict
    context: ReportContext
    requested_by: str | None = None


@dataclass(frozen=True)
class Rendered:
    """A render's outcome: the file, or why there is none (a template's error with its line, a limit)."""

    content: bytes | None = None
    failure: str | None = None


def prepare_report(
    session: Session,
    event: Event,
    data: ReportCreate,
    *,
    principal: Principal | None = None,
    requested_by: str | None = None,
    background: bool | None = None,
) -> Report | ReportWork:
    """A large event's report is queued for ``convene worker`` (the queued Report is returned);
    otherwise the data is read and returned as the ReportWork that ``render_work`` renders once the
    caller has ended its transaction, and ``store_report`` stores. Nothing is written for it before.
    An uploaded template must be one ``principal`` may use; ``requested_by`` defaults to its name."""
    choice = choose_template(session, data.template, data.format, principal=principal)
    requested_by = requested_by or (principal.name if principal else None)
    if background is None:
        registrations = session.execute(
            select(func.count(col(Registration.id))).where(col(Registration.event_id) == event.id)
        ).scalar_one()
        background = registrations > BACKGROUND_ABOVE
    if background:
        report = Report(
            event_id=event.id,
            format=data.format,
            template=choice.name,
            options=data.options.model_dump(),
            requested_by=requested_by,
        )
        session.add(report)
        session.flush()
        enqueue(session, JOB_KIND, {"report_id": report.id})
        return report
    return ReportWork(
        event_id=event.id,
        slug=event.slug,
        format=data.format,
        choice=choice,
        options=data.options.model_dump(),
        context=build_context(session, event, options=data.options),
        requested_by=requested_by,
    )


def render_work(work: ReportWork) -> Rendered:
    """Render in a child process with a deadline and a memory limit; a failure is told, never raised."""
    try:
        return Rendered(content=render_isolated(work.format, work.choice, work.context))
    except TemplateProblem as problem:
        return Rendered(failure=f"template {work.choice.name!r}, {problem}")
    except RenderStopped as stopped:
        return Rendered(failure=stopped.detail)
    except Exception as error:  # the organiser must see the failure on the report, not in a log
        log.exception("report of event %s failed", work.event_id)
        return Rendered(failure=f"{type(error).__name__}: {error}")


def store_report(session: Session, work: ReportWork, rendered: Rendered) -> Report:
    """The report row with its file (done) or its failure, written once the render is over."""
    report = Report(
        event_id=work.event_id,
        format=work.format,
        template=work.choice.name,
        options=work.options,
        requested_by=work.requested_by,
    )
    session.add(report)
    session.flush()
    _store(session, report, work.slug, rendered)
    session.flush()
    emit(
        session,
        report.event_id,
        EventType.report_generated,
        {"report_id": report.id, "format": report.format.value, "status": report.status.value},
    )
    return report


def generate_report(session: Session, event: Event, data: ReportCreate, *, requested_by: str | None = None) -> Report:
    """Read, render and store in the caller's one transaction: for commands where nothing waits on
    it (the demo); the server's routes end their transaction before rendering."""
    work = prepare_report(session, event, data, requested_by=requested_by, background=False)
    assert isinstance(work, ReportWork)  # background=False: never queued
    return store_report(session, work, render_work(work))


def _store(session: Session, report: Report, slug: str, rendered: Rendered) -> None:
    if rendered.content is None:
        report.status, report.error = ReportStatus.failed, rendered.failure
        return
    session.merge(ReportFile(report_id=report.id, content=rendered.content))
    report.status, report.error = ReportStatus.done, None
    report.checksum = hashlib.sha256(rendered.content).hexdigest()
    report.size = len(rendered.content)
    report.filename = f"{slug}-report.{EXTENSIONS[report.format]}"
    report.generated_at = utcnow()


def run_report_job(database: Database, payload: dict) -> None:
    """The worker's handler for JOB_KIND: the data is read, the read transaction ended, and only then
    is the report rendered (in a child process, with its limits), so a long render holds no lock.
    Whatever goes wrong is written on the report itself."""
    with database.transaction(write=False) as session:
        report = session.get(Report, payload["report_id"])
        if report is None or report.status is ReportStatus.done:
            return
        event = get_event(session, report.event_id)
        try:
            choice = choose_template(session, report.template, report.format)
            options = ReportOptions(**report.options)
            work = ReportWork(
                event_id=event.id,
                slug=event.slug,
                format=report.format,
                choice=choice,
                options=report.options,
                context=build_context(session, event, options=options),
            )
        except Exception as error:  # e.g. the template was deleted since: the organiser sees why
            work, rendered = None, Rendered(failure=f"{type(error).__name__}: {error}")
    with database.transaction() as session:  # running: the console's progress shows it
        session.execute(update(Report).where(col(Report.id) == report.id).values(status=ReportStatus.running))
    if work is not None:
        rendered = render_work(work)
    with database.transaction() as session:
        stored = session.get(Report, report.id)
        if stored is not None:
            _store(session, stored, event.slug, rendered)


def get_report(session: Session, report_id: int) -> Report:
    report = session.get(Report, report_id)
    if report is None:
        raise NotFound(f"no report with id {report_id}")
    return report


def list_reports(session: Session, event: Event, window: Window) -> tuple[list[Report], int]:
    statement = (
        select(Report)
        .where(col(Report.event_id) == event.id)
        .order_by(col(Report.created_at).desc(), col(Report.id).desc())
    )
    return paginate(session, statement, window)


def report_content(session: Session, report: Report) -> bytes:
    if report.status is not ReportStatus.done:
        raise ReportNotReady(f"report {report.id} is {report.status.value}; download it once it is done")
    stored = session.get(ReportFile, report.id)
    if stored is None:  # an event restored from an archive (convene import) brings no report files
        raise NotFound(
            f"the file of report {report.id} is not stored in this database (the event was restored "
            f"from an archive); generate the report again"
        )
    return stored.content
