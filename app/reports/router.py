"""Organiser API: statistics, the narrative and session notes, report templates, reports."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from app.core.deps import (
    OrganiserDep,
    SessionDep,
    SettingsDep,
    TransactionRoute,
    WindowDep,
    end_request_transaction,
    in_transaction,
)
from app.core.fields import Id
from app.core.pagination import Page
from app.events.dependencies import ManagedEvent
from app.reports import service
from app.reports.links import DOWNLOAD_PREFIX, report_for_download
from app.reports.models import Report
from app.reports.render import MEDIA_TYPES
from app.reports.schemas import (
    NarrativeRead,
    NarrativeUpdate,
    NarrativeWrite,
    ReportCreate,
    ReportRead,
    SessionNoteRead,
    SessionNoteUpdate,
    SessionNoteWrite,
    StatisticsRead,
    TemplateCreate,
    TemplateRead,
)
from app.reports.statistics import event_statistics

router = APIRouter(route_class=TransactionRoute, tags=["reports"])
download_router = APIRouter(
    route_class=TransactionRoute, tags=["reports"]
)  # outside /api/v1: signed links, for browsers


def managed_report(report_id: Id, session: SessionDep, organiser: OrganiserDep) -> Report:
    report = service.get_report(session, report_id)
    organiser.require_manages(report.event_id)
    return report


ManagedReport = Annotated[Report, Depends(managed_report)]


def _read(request: Request, report: Report) -> ReportRead:
    return ReportRead(
        id=report.id,
        event_id=report.event_id,
        status=report.status,
        format=report.format,
        template=report.template,
        download_url=str(request.url_for("download_report", report_id=report.id)),
        error=report.error,
        filename=report.filename,
        size=report.size,
        checksum=report.checksum,
        requested_by=report.requested_by,
        created_at=report.created_at,
        generated_at=report.generated_at,
    )


@router.get("/events/{event_id}/statistics", response_model=StatisticsRead, summary="The event's figures")
def read_statistics(event: ManagedEvent, session: SessionDep):
    """Participants are the people checked in once anyone was; until then, the confirmed registrations."""
    return event_statistics(session, event.id).as_dict()


@router.get("/events/{event_id}/narrative", response_model=NarrativeRead, summary="Read the report narrative")
def read_narrative(event: ManagedEvent, session: SessionDep):
    return service.read_narrative(session, event)


@router.put("/events/{event_id}/narrative", response_model=NarrativeRead, summary="Replace the report narrative")
def write_narrative(data: NarrativeWrite, event: ManagedEvent, session: SessionDep):
    """Summary, introduction, key messages, conclusions by theme, dated next steps, links, contacts.

    A full replacement: every part left out of the body is emptied. To change some parts and keep
    the others, use PATCH."""
    return service.write_narrative(session, event, data)


@router.patch(
    "/events/{event_id}/narrative", response_model=NarrativeRead, summary="Change parts of the report narrative"
)
def update_narrative(data: NarrativeUpdate, event: ManagedEvent, session: SessionDep):
    """Only the parts named in the body change; the others are kept. A text part sent as null is emptied."""
    return service.update_narrative(session, event, data)


@router.get(
    "/events/{event_id}/sessions/{session_id}/notes",
    response_model=SessionNoteRead,
    summary="Read a session's report notes",
)
def read_session_note(session_id: Id, event: ManagedEvent, session: SessionDep):
    return service.read_session_note(session, event, session_id)


@router.put(
    "/events/{event_id}/sessions/{session_id}/notes",
    response_model=SessionNoteRead,
    summary="Replace a session's report notes and key points",
)
def write_session_note(session_id: Id, data: SessionNoteWrite, event: ManagedEvent, session: SessionDep):
    """A full replacement: a part left out is emptied. PATCH changes only what it names."""
    return service.write_session_note(session, event, session_id, data)


@router.patch(
    "/events/{event_id}/sessions/{session_id}/notes",
    response_model=SessionNoteRead,
    summary="Change a session's report notes or key points",
)
def update_session_note(session_id: Id, data: SessionNoteUpdate, event: ManagedEvent, session: SessionDep):
    return service.update_session_note(session, event, session_id, data)


@router.post(
    "/events/{event_id}/reports",
    response_model=ReportRead,
    status_code=status.HTTP_201_CREATED,
    summary="Generate a report",
    responses={202: {"model": ReportRead, "description": "queued for the worker"}},
)
async def create_report(
    data: ReportCreate, event: ManagedEvent, session: SessionDep, organiser: OrganiserDep, request: Request
):
    """201 with the finished report, or 202 when the event is large and `convene worker` will finish it.

    The data is read, the request's transaction ended, and only then is the report rendered (in a
    child process with a time and memory limit): registrations never wait behind a render. An uploaded
    template must be one of yours (admins may use any)."""
    prepared = await anyio.to_thread.run_sync(
        partial(service.prepare_report, session, event, data, principal=organiser)
    )
    if isinstance(prepared, Report):
        return JSONResponse(_read(request, prepared).model_dump(mode="json"), status_code=status.HTTP_202_ACCEPTED)
    await end_request_transaction(request)
    rendered = await anyio.to_thread.run_sync(service.render_work, prepared)
    report = await in_transaction(request, partial(service.store_report, work=prepared, rendered=rendered))
    return _read(request, report)


@router.get("/events/{event_id}/reports", response_model=Page[ReportRead], summary="List the event's reports")
def list_reports(event: ManagedEvent, session: SessionDep, window: WindowDep, request: Request):
    items, total = service.list_reports(session, event, window)
    return Page(items=[_read(request, item) for item in items], total=total)


@router.get("/reports/{report_id}", response_model=ReportRead, summary="A report's status")
def read_report(report: ManagedReport, request: Request):
    return _read(request, report)


_FILE_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {value: {} for value in MEDIA_TYPES.values()}}}


def _file(session: Session, report: Report) -> Response:
    content = service.report_content(session, report)
    return Response(
        content,
        media_type=MEDIA_TYPES[report.format],
        headers={
            "Content-Disposition": f'attachment; filename="{report.filename}"',
            "ETag": f'"{report.checksum}"',
        },
    )


@router.get(
    "/reports/{report_id}/download",
    summary="Download a generated report",
    response_class=Response,
    responses=_FILE_RESPONSES,
)
def download_report(report: ManagedReport, session: SessionDep):
    return _file(session, report)


@download_router.get(
    f"{DOWNLOAD_PREFIX}/{{token}}",
    summary="Download a report by a signed link (no token)",
    response_class=Response,
    responses=_FILE_RESPONSES,
)
def download_report_by_link(token: str, session: SessionDep, settings: SettingsDep):
    """The links `convene demo` prints: signed, valid for 7 days, they open in a browser."""
    return _file(session, report_for_download(session, settings, token))


@router.post(
    "/report-templates",
    response_model=TemplateRead,
    status_code=status.HTTP_201_CREATED,
    summary="Upload a report template",
)
def create_template(data: TemplateCreate, session: SessionDep, organiser: OrganiserDep):
    """A Jinja2 template rendered in a sandbox; a syntax error is a 422 naming the line.
    The context is documented in docs/report-context.md. It belongs to you: organisers see, use and
    delete their own templates (and the built-in ones), admins all of them."""
    return service.create_template(session, data, principal=organiser)


@router.get("/report-templates", response_model=Page[TemplateRead], summary="List your uploaded report templates")
def list_templates(session: SessionDep, organiser: OrganiserDep, window: WindowDep):
    items, total = service.list_templates(session, window, principal=organiser)
    return Page(items=items, total=total)


@router.get("/report-templates/{template_id}", response_model=TemplateRead, summary="Read a report template")
def read_template(template_id: Id, session: SessionDep, organiser: OrganiserDep):
    return service.get_template(session, template_id, principal=organiser)


@router.delete(
    "/report-templates/{template_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a report template"
)
def delete_template(template_id: Id, session: SessionDep, organiser: OrganiserDep):
    service.delete_template(session, service.get_template(session, template_id, principal=organiser))
