"""Organiser API for what shapes a report besides its text: the parts of the day, the event's branding
(names, colour, logo) and the photos of the narrative."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from starlette.datastructures import UploadFile

from app.core.deps import SessionDep, TransactionRoute
from app.core.edge import control_character_message
from app.core.errors import InvalidInput
from app.core.fields import Id, parse_id
from app.events.dependencies import ManagedEvent
from app.events.models import Event
from app.reports import branding as service
from app.reports.models import EventBranding, ReportImage
from app.reports.parts import read_parts, write_parts
from app.reports.schemas import BrandingRead, BrandingUpdate, BrandingWrite, ImageRead, PartsRead, PartsWrite
from app.reports.uploads import IMAGE_MAX_BYTES, LOGO_MAX_BYTES, TooLarge

router = APIRouter(route_class=TransactionRoute, tags=["reports"])


def _upload_body(fields: dict[str, dict]) -> dict:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file", *[name for name, spec in fields.items() if spec.pop("required", False)]],
                        "properties": {"file": {"type": "string", "format": "binary"}, **fields},
                    }
                }
            },
        }
    }


async def _form(request: Request, limit: int) -> tuple[bytes, dict[str, str]]:
    """The ``file`` of a multipart form (read up to one byte past ``limit``) and its text fields."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise InvalidInput("send the image as the field 'file' of a multipart/form-data body", field="file")
    form = await request.form(max_files=1, max_fields=10, max_part_size=limit + 1)
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise InvalidInput("send the image in a form field named 'file'", field="file")
    content = await upload.read(limit + 1)
    if len(content) > limit:
        raise TooLarge(f"the file is larger than {limit:,} bytes", field="file")
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    # The edge middleware reads JSON, urlencoded forms and queries; a multipart form's text is read here.
    for key, value in fields.items():
        if problem := control_character_message(value):
            raise InvalidInput(f"{key} {problem}", field=key)
    return content, fields


def _branding_read(request: Request, event: Event, row: EventBranding | None) -> BrandingRead:
    has_logo = row is not None and row.logo is not None
    return BrandingRead(
        event_id=event.id,
        organisation_name=row.organisation_name if row else None,
        programme_name=row.programme_name if row else None,
        primary_colour=row.primary_colour if row else None,
        logo_url=str(request.url_for("read_logo", event_id=event.id)) if has_logo else None,
        logo_type=row.logo_type if row is not None and has_logo else None,
    )


def _image_read(request: Request, image: ReportImage) -> ImageRead:
    return ImageRead(
        id=image.id,
        session_id=image.session_id,
        caption=image.caption,
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        size=image.size,
        created_at=image.created_at,
        url=str(request.url_for("read_report_image", event_id=image.event_id, image_id=image.id)),
    )


@router.get("/events/{event_id}/report-parts", response_model=PartsRead, summary="Read the report's parts")
def read_report_parts(event: ManagedEvent, session: SessionDep):
    return read_parts(session, event)


@router.put("/events/{event_id}/report-parts", response_model=PartsRead, summary="Set the report's parts")
def write_report_parts(data: PartsWrite, event: ManagedEvent, session: SessionDep):
    """Replace the parts as a whole. Each part groups consecutive agenda items (breaks between them
    allowed) under one heading, with its own introduction and key points; an item is in one part at
    most, and items in no part get a section of their own."""
    return write_parts(session, event, data)


@router.get("/events/{event_id}/branding", response_model=BrandingRead, summary="Read the report branding")
def read_branding(event: ManagedEvent, session: SessionDep, request: Request):
    return _branding_read(request, event, service.branding_of(session, event))


@router.put("/events/{event_id}/branding", response_model=BrandingRead, summary="Set the report branding")
def write_branding(data: BrandingWrite, event: ManagedEvent, session: SessionDep, request: Request):
    """Organisation and programme names and the primary colour, replaced as a whole: a field left out
    is cleared (PATCH changes only the fields sent). The logo is uploaded separately and kept."""
    return _branding_read(request, event, service.write_branding(session, event, data))


@router.patch("/events/{event_id}/branding", response_model=BrandingRead, summary="Change parts of the report branding")
def update_branding(data: BrandingUpdate, event: ManagedEvent, session: SessionDep, request: Request):
    return _branding_read(request, event, service.update_branding(session, event, data))


@router.put(
    "/events/{event_id}/branding/logo",
    response_model=BrandingRead,
    summary="Upload the logo",
    openapi_extra=_upload_body({}),
)
async def upload_logo(event: ManagedEvent, session: SessionDep, request: Request):
    """A PNG or SVG of at most 512 KB (multipart field `file`). An SVG must be drawing only: no script,
    no event handler, no reference to another file or address."""
    content, _ = await _form(request, LOGO_MAX_BYTES)
    return _branding_read(request, event, service.set_logo(session, event, content))


@router.get(
    "/events/{event_id}/branding/logo",
    response_class=Response,
    summary="The logo",
    responses={200: {"content": {"image/png": {}, "image/svg+xml": {}}}},
)
def read_logo(event: ManagedEvent, session: SessionDep):
    row = service.logo_of(session, event)
    # An SVG opened on its own is a document: no script may run in it, whatever passed the checks.
    return Response(
        row.logo,
        media_type=row.logo_type,
        headers={
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.delete("/events/{event_id}/branding/logo", status_code=status.HTTP_204_NO_CONTENT, summary="Remove the logo")
def delete_logo(event: ManagedEvent, session: SessionDep):
    service.remove_logo(session, event)


@router.post(
    "/events/{event_id}/report-images",
    response_model=ImageRead,
    status_code=status.HTTP_201_CREATED,
    summary="Upload a photo for the report",
    openapi_extra=_upload_body(
        {
            "caption": {"type": "string", "maxLength": service.CAPTION_MAX, "required": True},
            "session_id": {"type": "integer", "description": "the agenda item; leave out for the introduction"},
        }
    ),
)
async def upload_report_image(event: ManagedEvent, session: SessionDep, request: Request):
    """A JPEG or PNG of at most 5 MB (multipart field `file`) with its `caption`, printed after the
    introduction or in the agenda item's section, in every format."""
    content, fields = await _form(request, IMAGE_MAX_BYTES)
    raw_session = (fields.get("session_id") or "").strip()
    session_id = parse_id(raw_session)
    if raw_session and session_id is None:
        raise InvalidInput("session_id must be an agenda item's id", field="session_id")
    image = service.add_image(session, event, content, caption=fields.get("caption", ""), session_id=session_id)
    return _image_read(request, image)


@router.get("/events/{event_id}/report-images", response_model=list[ImageRead], summary="List the report's photos")
def list_report_images(event: ManagedEvent, session: SessionDep, request: Request):
    return [_image_read(request, image) for image in service.list_images(session, event)]


@router.get(
    "/events/{event_id}/report-images/{image_id}",
    response_class=Response,
    summary="A report photo",
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}}}},
)
def read_report_image(image_id: Id, event: ManagedEvent, session: SessionDep):
    image = service.get_image(session, event, image_id)
    return Response(image.content, media_type=image.content_type, headers={"X-Content-Type-Options": "nosniff"})


@router.delete(
    "/events/{event_id}/report-images/{image_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a report photo",
)
def delete_report_image(image_id: Id, event: ManagedEvent, session: SessionDep):
    service.delete_image(session, service.get_image(session, event, image_id))
