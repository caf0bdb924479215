"""Importing registrations from a CSV file in the browser: upload, read the dry run's report row by
row (line numbers), then "import all" or nothing. The registration domain's import decides both
times; the file travels from the report page to the confirmation inside the form, so nothing is
kept on the server in between."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData, UploadFile

from app.console.access import ManagedEvent, OrganiserViewer
from app.console.screen import ScreenDep
from app.core.csrf import FIELD_NAME, CsrfDep
from app.core.deps import SessionDep, TransactionRoute
from app.core.errors import AppError
from app.registration.imports import INPUT_COLUMNS, MAX_BYTES, import_registrations

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)


async def upload_form(request: Request, csrf: CsrfDep) -> FormData:
    """A form that may carry one file (and must carry the CSRF token)."""
    form = await request.form(max_files=1, max_fields=20, max_part_size=2 * MAX_BYTES)
    csrf.verify(form.get(FIELD_NAME))
    return form


UploadDep = Annotated[FormData, Depends(upload_form)]


def _page(screen, viewer, event, *, report=None, data: str = "", error: str | None = None, status: int = 200):
    return screen.render(
        "console/import.html",
        status=status,
        viewer=viewer,
        event=event,
        report=report,
        data=data,
        error=error,
        columns=INPUT_COLUMNS,
        base=f"/manage/events/{event.slug}/registrations",
    )


@router.get("/manage/events/{event_ref}/registrations/import", response_class=HTMLResponse)
def import_page(screen: ScreenDep, viewer: OrganiserViewer, event: ManagedEvent):
    return _page(screen, viewer, event)


@router.post("/manage/events/{event_ref}/registrations/import", response_class=HTMLResponse)
async def check_import(
    screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent, form: UploadDep
):
    """The dry run: every row checked, nothing stored."""
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(screen, viewer, event, error="choose a CSV file to upload", status=422)
    data = await upload.read(MAX_BYTES + 1)
    try:
        report = import_registrations(session, event, data, dry_run=True, by=viewer.principal.name)
    except AppError as error:
        return _page(screen, viewer, event, error=error.detail, report=error.extra or None, status=422)
    return _page(screen, viewer, event, report=report.as_dict(), data=base64.b64encode(data).decode())


@router.post("/manage/events/{event_ref}/registrations/import/all")
async def import_all(
    screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent, form: UploadDep
):
    """The real run: all rows or none (a file changed since the dry run is checked again)."""
    base = f"/manage/events/{event.slug}/registrations"
    try:
        data = base64.b64decode(str(form.get("data") or ""), validate=True)
    except (binascii.Error, ValueError):
        return _page(screen, viewer, event, error="the file was lost on the way; upload it again", status=422)
    try:
        with session.begin_nested():
            report = import_registrations(session, event, data, dry_run=False, by=viewer.principal.name)
    except AppError as error:
        return _page(screen, viewer, event, error=error.detail, report=error.extra or None, status=422)
    return screen.redirect(base, f"Imported {report.rows} registration{'s' if report.rows != 1 else ''}.")
