"""Reports: the narrative and notes organisers write, their templates, and generating, storing and
serving report files. Services flush, never commit."""

from __future__ import annotations

import hashlib
import logging

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from app.agenda.models import AgendaSession
from app.core.db import Database
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.jobs import enqueue
from app.core.ownership import owned_by, owner_values, owns
from app.core.pagination import Window, paginate
from app.core.security import Principal, Role
from app.core.types import utcnow
from app.events.models import Event
from app.events.service import get_event
from app.registration.models import Registration
from app.reports.context import build_context
from app.reports.models import (
    EventNarrative,
    Report,
    ReportFile,
    ReportFormat,
    ReportStatus,
    ReportTemplate,
    SessionNote,
)
from app.reports.render import TEMPLATE_KIND, render_report
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
    row = session.execute(select(EventNarrative).where(EventNarrative.event_id == event.id)).scalar_one_or_none()
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
    row = session.execute(select(EventNarrative).where(EventNarrative.event_id == event.id)).scalar_one_or_none()
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
    note = session.execute(select(SessionNote).where(SessionNote.session_id == session_id)).scalar_one_or_none()
    if note is None:
        return SessionNoteRead(session_id=session_id, updated_at=None)
    return SessionNoteRead(session_id=session_id, notes=note.notes, key_points=note.key_points, updated_at=note.updated_at)


def write_session_note(session: Session, event: Event, session_id: int, data: SessionNoteWrite) -> SessionNoteRead:
    """Replace a session's notes and key points (PUT)."""
    return _store_session_note(session, event, session_id, data.model_dump())


def update_session_note(session: Session, event: Event, session_id: int, data: SessionNoteUpdate) -> SessionNoteRead:
    """Change only the parts named (PATCH)."""
    return _store_session_note(session, event, session_id, data.model_dump(exclude_unset=True))


def _store_session_note(session: Session, event: Event, session_id: int, values: dict) -> SessionNoteRead:
    agenda_session(session, event, session_id)
    note = session.execute(select(SessionNote).where(SessionNote.session_id == session_id)).scalar_one_or_none()
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
    return statement if _sees_all(principal) else statement.where(owned_by(ReportTemplate, principal))


def create_template(session: Session, data: TemplateCreate, *, principal: Principal | None = None) -> ReportTemplate:
    if data.name in BUILTIN_TEMPLATES:
        raise TemplateNameTaken(f"{data.name!r} is a built-in template; choose another name", field="name")
    if session.execute(select(ReportTemplate.id).where(ReportTemplate.name == data.name)).first():
        raise TemplateNameTaken(f"a template named {data.name!r} already exists", field="name")
    try:
        check_syntax(data.source)
    except TemplateProblem as problem:
        raise TemplateSyntax(f"the template does not parse: {problem}", field="source",
                             extra={"line": problem.line}) from None
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
    if template is None or not (_sees_all(principal) or owns(template, principal)):
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

def request_report(
    session: Session, event: Event, data: ReportCreate, *, background: bool | None = None,
    principal: Principal | None = None,
) -> Report:
    """Generate now (status done or failed), or queue for the worker when the event is large."""
    choice = choose_template(session, data.template, data.format, principal=principal)
    report = Report(event_id=event.id, format=data.format, template=choice.name, options=data.options.model_dump())
    session.add(report)
    session.flush()
    if background is None:
        registrations = session.execute(
            select(func.count(Registration.id)).where(Registration.event_id == event.id)
        ).scalar_one()
        background = registrations > BACKGROUND_ABOVE
    if background:
        enqueue(session, JOB_KIND, {"report_id": report.id})
    else:
        generate(session, report, event=event, choice=choice)
    return report


def render_event_report(session: Session, event: Event, format: ReportFormat, choice: TemplateChoice,
                        options: ReportOptions | None = None) -> bytes:
    return render_report(format, choice, build_context(session, event, options=options or ReportOptions()))


def generate(session: Session, report: Report, *, event: Event, choice: TemplateChoice) -> None:
    """Render ``report`` and store its bytes; a template's own error fails the report, with its line."""
    report.status = ReportStatus.running
    try:
        content = render_event_report(session, event, report.format, choice, ReportOptions(**report.options))
    except TemplateProblem as problem:
        _store(report, event, failure=f"template {choice.name!r}, {problem}")
    else:
        _store(report, event, content=content)
    session.flush()


def _store(report: Report, event: Event, *, content: bytes | None = None, failure: str | None = None) -> None:
    if content is None:
        report.status, report.error = ReportStatus.failed, failure
        return
    session = object_session(report)
    session.merge(ReportFile(report_id=report.id, content=content))
    report.status, report.error = ReportStatus.done, None
    report.checksum = hashlib.sha256(content).hexdigest()
    report.size = len(content)
    report.filename = f"{event.slug}-report.{EXTENSIONS[report.format]}"
    report.generated_at = utcnow()


def run_report_job(database: Database, payload: dict) -> None:
    """The worker's handler for JOB_KIND: the data is read, the read transaction ended, and only then
    is the report rendered, so a long render holds no lock. Whatever goes wrong is written on the
    report itself."""
    with database.transaction(write=False) as session:
        report = session.get(Report, payload["report_id"])
        if report is None or report.status is ReportStatus.done:
            return
        event = get_event(session, report.event_id)
        try:
            choice = choose_template(session, report.template, report.format)
            context = build_context(session, event)
        except Exception as error:  # e.g. the template was deleted since: the organiser sees why
            choice, context, failure = None, None, f"{type(error).__name__}: {error}"
    content = None
    if context is not None:
        try:
            content, failure = render_report(report.format, choice, context), None
        except TemplateProblem as problem:
            failure = f"template {choice.name!r}, {problem}"
        except Exception as error:  # the organiser must see the failure on the report, not in a log
            log.exception("report %s failed", report.id)
            failure = f"{type(error).__name__}: {error}"
    with database.transaction() as session:
        stored = session.get(Report, report.id)
        if stored is not None:
            _store(stored, event, content=content, failure=failure)


def get_report(session: Session, report_id: int) -> Report:
    report = session.get(Report, report_id)
    if report is None:
        raise NotFound(f"no report with id {report_id}")
    return report


def list_reports(session: Session, event: Event, window: Window) -> tuple[list[Report], int]:
    statement = select(Report).where(Report.event_id == event.id).order_by(Report.created_at.desc(), Report.id.desc())
    return paginate(session, statement, window)


def report_content(session: Session, report: Report) -> bytes:
    if report.status is not ReportStatus.done:
        raise ReportNotReady(f"report {report.id} is {report.status.value}; download it once it is done")
    stored = session.get(ReportFile, report.id)
    if stored is None:  # an event restored from an archive (convene import) brings no report files
        raise NotFound(f"the file of report {report.id} is not stored in this database (the event was restored "
                       f"from an archive); generate the report again")
    return stored.content
