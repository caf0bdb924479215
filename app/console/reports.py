"""The report screen: the figures and charts the report will print, checked before generating; choose
a template (built in or uploaded) and a format, generate, and the generated versions with when, what,
how large and who asked, each downloadable.

Generating is the API's path: the data is read, the request's transaction ended, the report rendered
in a child process with its limits, and stored in a transaction of its own; a large event's report
is queued for ``convene worker`` and this page, refreshing itself, shows it progress.
"""

from __future__ import annotations

from functools import partial

import anyio
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.console.access import ManagedEvent, OrganiserViewer, Viewer
from app.console.screen import FormDep, Screen, ScreenDep, text
from app.core.deps import SessionDep, TransactionRoute, end_request_transaction, in_transaction
from app.core.errors import AppError, NotFound
from app.core.pagination import MAX_LIMIT, Window
from app.core.timezones import in_zone
from app.events.models import Event
from app.registration.forms import validation_errors
from app.reports import service
from app.reports.context import statistics_charts
from app.reports.models import Report, ReportFormat, ReportStatus
from app.reports.render import MEDIA_TYPES
from app.reports.render.text import BUILTIN_TEMPLATES, DEFAULT_TEMPLATE
from app.reports.schemas import ReportCreate
from app.reports.statistics import event_statistics

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)

FORMAT_LABELS = {
    ReportFormat.pdf: "PDF",
    ReportFormat.docx: "Word (DOCX)",
    ReportFormat.html: "Web page (HTML)",
    ReportFormat.md: "Markdown",
}
LABELS = {"template": "Template", "format": "Format"}
REFRESH_SECONDS = 3
UNFINISHED = (ReportStatus.queued, ReportStatus.running)


def _base(event: Event) -> str:
    return f"/manage/events/{event.slug}/report"


def template_choices(session: Session, viewer: Viewer) -> list[tuple[str, str]]:
    """The built-in templates, then the uploaded ones the account may use (its own; an admin's: all)."""
    uploaded, _ = service.list_templates(session, Window(limit=MAX_LIMIT), principal=viewer.principal)
    return [(name, f"{name} (built in)") for name in BUILTIN_TEMPLATES] + [
        (template.name, f"{template.name} (uploaded, {template.kind.value.upper()})") for template in uploaded
    ]


def _page(
    screen: Screen, session: Session, viewer: Viewer, event: Event, *, values: dict, errors: dict, status: int = 200
) -> HTMLResponse:
    stats = event_statistics(session, event.id)
    reports, _ = service.list_reports(session, event, Window(limit=MAX_LIMIT))
    return screen.render(
        "console/report.html",
        status=status,
        viewer=viewer,
        event=event,
        stats=stats,
        charts=statistics_charts(stats),
        reports=reports,
        unfinished=any(report.status in UNFINISHED for report in reports),
        refresh=REFRESH_SECONDS,
        values=values,
        errors=errors,
        labels=LABELS,
        base=_base(event),
        templates=template_choices(session, viewer),
        formats=[(format.value, label) for format, label in FORMAT_LABELS.items()],
        local=lambda moment: in_zone(moment, event.timezone),
    )


@router.get("/manage/events/{event_ref}/report", response_class=HTMLResponse)
def report_page(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent):
    return _page(screen, session, viewer, event, values={"template": DEFAULT_TEMPLATE, "format": "pdf"}, errors={})


@router.post("/manage/events/{event_ref}/report", response_class=HTMLResponse)
async def generate_report(
    request: Request,
    screen: ScreenDep,
    session: SessionDep,
    viewer: OrganiserViewer,
    event: ManagedEvent,
    form: FormDep,
):
    values = {"template": text(form, "template"), "format": text(form, "format")}
    refused = partial(_page, screen, session, viewer, event, values=values, status=422)
    try:
        data = ReportCreate(format=values["format"], template=values["template"] or None)
        prepared = await anyio.to_thread.run_sync(
            partial(service.prepare_report, session, event, data, principal=viewer.principal)
        )
    except ValidationError as error:
        return await anyio.to_thread.run_sync(partial(refused, errors=validation_errors(error)))
    except AppError as error:
        return await anyio.to_thread.run_sync(partial(refused, errors={error.field or "template": error.detail}))
    label = FORMAT_LABELS[data.format]
    if isinstance(prepared, Report):
        return screen.redirect(
            _base(event), f"The {label} report is being generated in the background: it appears below when it is ready."
        )
    await end_request_transaction(request)
    rendered = await anyio.to_thread.run_sync(service.render_work, prepared)
    report = await in_transaction(request, partial(service.store_report, work=prepared, rendered=rendered))
    if report.status is ReportStatus.failed:
        return screen.redirect(_base(event), f"The {label} report failed: {report.error}", problem=True)
    return screen.redirect(_base(event), f"Generated the {label} report ({report.size:,} bytes): download it below.")


@router.get("/manage/events/{event_ref}/report/{report_id}/download")
def download_report(report_id: int, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent):
    report = service.get_report(session, report_id)
    if report.event_id != event.id:
        raise NotFound(f"event {event.id} has no report with id {report_id}")
    return Response(
        service.report_content(session, report),
        media_type=MEDIA_TYPES[report.format],
        headers={"Content-Disposition": f'attachment; filename="{report.filename}"', "Cache-Control": "no-store"},
    )
