"""Organiser API for registrations in bulk and for privacy: export, import, a person's data, erasure,
and the event's retention period."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from app.accounts.organisers import organiser_addresses
from app.core.config import Settings
from app.core.deps import PrincipalDep, SessionDep, SettingsDep, TransactionRoute
from app.events.dependencies import ManagedEvent
from app.events.models import Event
from app.events.schemas import RETENTION_DAYS, RetentionDays, RetentionSummary
from app.registration.exports import ExportFormat, export_registrations
from app.registration.imports import MAX_BYTES, ImportRejected, import_registrations
from app.registration.privacy import Audience, erase_registration, personal_data
from app.registration.retention import set_retention
from app.registration.router import ManagedRegistration
from app.registration.service import read_registration

router = APIRouter(route_class=TransactionRoute, tags=["registrations"])

_CSV_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
            },
        },
    }
}


async def uploaded_csv(request: Request) -> bytes:
    """The CSV sent as the request body, or as the ``file`` field of a multipart form."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=10, max_part_size=MAX_BYTES + 1)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ImportRejected("send the CSV file in a form field named 'file'", field="file")
        return await upload.read(MAX_BYTES + 1)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BYTES:
            break  # the import refuses it by size; no need to read the rest
    return bytes(body)


class RetentionUpdate(BaseModel):
    retention_days: RetentionDays | None = Field(description=RETENTION_DAYS)


class RetentionRead(RetentionSummary):
    event_id: int
    retention_days: int | None = Field(description="the event's own period; null: the default applies")
    default_days: int = Field(description="the installation's default period (CONVENE_RETENTION_DAYS)")
    grace_days: int = Field(
        description="days between the notice to the organisers and the anonymisation (CONVENE_RETENTION_GRACE_DAYS)"
    )
    organisers: list[str] = Field(description="who is told; empty: nobody can be, so nothing is anonymised")


class ImportResult(BaseModel):
    dry_run: bool
    ok: bool
    rows: int
    imported: int
    statuses: dict[str, int]
    errors: list[dict[str, Any]]


@router.get(
    "/events/{event_id}/registrations/export",
    summary="Export registrations as CSV or XLSX",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}
    },
)
def export(
    event: ManagedEvent,
    session: SessionDep,
    format: Annotated[ExportFormat, Query(description="csv or xlsx")] = ExportFormat.csv,
    audience: Annotated[
        Audience,
        Query(
            description="organisers: every column and row; participants or public: "
            "only confirmed people whose publication consent allows it"
        ),
    ] = Audience.organisers,
):
    """Every registration with its custom answers. Cells that would start a spreadsheet formula are prefixed with `'`."""
    body, media_type, name = export_registrations(session, event, format, audience)
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post(
    "/events/{event_id}/registrations/import",
    response_model=ImportResult,
    openapi_extra=_CSV_BODY,
    summary="Import registrations from CSV (dry run, then all or nothing)",
)
def import_csv(
    event: ManagedEvent,
    session: SessionDep,
    principal: PrincipalDep,
    data: Annotated[bytes, Depends(uploaded_csv)],
    dry_run: Annotated[bool, Query(description="check every row and store nothing")] = True,
):
    """Columns: `first_name`, `last_name`, `email`, `organisation`, `organisation_type`, `country` (code or
    English name), `project` (acronym), `publication`, `answers.<key>`. Imported people are confirmed
    directly (capacity applies). A dry run reports every bad row by line number; a real run with any bad
    row is refused with the same report (422) and stores nothing."""
    return import_registrations(session, event, data, dry_run=dry_run, by=principal.name).as_dict()


@router.get("/registrations/{registration_id}/data", summary="Everything stored about a registrant (JSON)")
def registrant_data(registration: ManagedRegistration, session: SessionDep, settings: SettingsDep):
    return personal_data(session, registration, settings)


@router.post("/registrations/{registration_id}/erase", summary="Erase a registrant's personal data")
def erase(registration: ManagedRegistration, session: SessionDep, principal: PrincipalDep):
    """Anonymises the person (name, email, answers); before the event the registration is cancelled first.
    Status, country, organisation and project stay for the event's figures."""
    erase_registration(session, registration, by_organiser=True, by=principal.name)
    assert registration.anonymised_at is not None  # erasing sets it
    return read_registration(session, registration).model_dump(mode="json") | {
        "anonymised_at": registration.anonymised_at.isoformat()
    }


def _retention(session: Session, event: Event, settings: Settings) -> RetentionRead:
    return RetentionRead(
        **RetentionSummary.of(event, settings).model_dump(),
        event_id=event.id,
        retention_days=event.retention_days,
        default_days=settings.retention_days,
        grace_days=settings.retention_grace_days,
        organisers=organiser_addresses(session, event, settings),
    )


@router.get("/events/{event_id}/retention", response_model=RetentionRead, summary="The event's retention period")
def read_retention(event: ManagedEvent, session: SessionDep, settings: SettingsDep):
    return _retention(session, event, settings)


@router.put("/events/{event_id}/retention", response_model=RetentionRead, summary="Set the event's retention period")
def change_retention(event: ManagedEvent, session: SessionDep, settings: SettingsDep, data: RetentionUpdate):
    """When `retention_days` past the event's end have passed, `convene worker` emails the organisers; a grace
    period later (`grace_days`) it anonymises the participants. Lengthening the period after the notice cancels it."""
    return _retention(session, set_retention(session, event, data.retention_days), settings)
