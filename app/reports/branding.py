"""An event's branding and the photos of its narrative. Services flush, never commit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, defer
from sqlmodel import col

from app.core.errors import InvalidInput, NotFound
from app.core.types import utcnow
from app.events.models import Event
from app.reports.models import EventBranding, ReportImage
from app.reports.schemas import BrandingUpdate, BrandingWrite
from app.reports.service import agenda_session
from app.reports.uploads import check_logo, check_photo

CAPTION_MAX = 500


def branding_of(session: Session, event: Event) -> EventBranding | None:
    return session.execute(select(EventBranding).where(col(EventBranding.event_id) == event.id)).scalar_one_or_none()


def _row(session: Session, event: Event) -> EventBranding:
    row = branding_of(session, event)
    if row is None:
        row = EventBranding(event_id=event.id)
        session.add(row)
    return row


def write_branding(session: Session, event: Event, data: BrandingWrite) -> EventBranding:
    """Replace the names and colour (PUT): a field left out is cleared; the logo is kept."""
    return _store_branding(session, event, data.model_dump())


def update_branding(session: Session, event: Event, data: BrandingUpdate) -> EventBranding:
    """Change only the fields named (PATCH)."""
    return _store_branding(session, event, data.model_dump(exclude_unset=True))


def _store_branding(session: Session, event: Event, values: dict) -> EventBranding:
    row = _row(session, event)
    if values.get("primary_colour"):
        values["primary_colour"] = values["primary_colour"].lower()
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at = utcnow()
    session.flush()
    return row


def set_logo(session: Session, event: Event, content: bytes) -> EventBranding:
    checked = check_logo(content)
    row = _row(session, event)
    row.logo, row.logo_type, row.updated_at = checked.content, checked.content_type, utcnow()
    session.flush()
    return row


def remove_logo(session: Session, event: Event) -> None:
    row = branding_of(session, event)
    if row is not None:
        row.logo, row.logo_type, row.updated_at = None, None, utcnow()
        session.flush()


def logo_of(session: Session, event: Event) -> EventBranding:
    row = branding_of(session, event)
    if row is None or row.logo is None:
        raise NotFound(f"event {event.id} has no logo")
    return row


def add_image(session: Session, event: Event, content: bytes, *, caption: str, session_id: int | None) -> ReportImage:
    """Store a photo for the introduction (no ``session_id``) or for one of the event's agenda items."""
    caption = " ".join(caption.split())
    if not caption or len(caption) > CAPTION_MAX:
        raise InvalidInput(f"a caption of 1 to {CAPTION_MAX} characters is required", field="caption")
    if session_id is not None:
        agenda_session(session, event, session_id, field="session_id")
    checked = check_photo(content)
    image = ReportImage(
        event_id=event.id,
        session_id=session_id,
        caption=caption,
        content_type=checked.content_type,
        width=checked.width,
        height=checked.height,
        size=len(content),
        content=checked.content,
    )
    session.add(image)
    session.flush()
    return image


def list_images(session: Session, event: Event) -> list[ReportImage]:
    return list(
        session.execute(
            # SQLModel types the class attribute as the field's bytes; defer() gets the InstrumentedAttribute it is.
            select(ReportImage)
            .options(defer(ReportImage.content))  # type: ignore[arg-type]
            .where(col(ReportImage.event_id) == event.id)
            .order_by(col(ReportImage.id))
        ).scalars()
    )


def get_image(session: Session, event: Event, image_id: int) -> ReportImage:
    image = session.get(ReportImage, image_id)
    if image is None or image.event_id != event.id:
        raise NotFound(f"event {event.id} has no report image with id {image_id}")
    return image


def delete_image(session: Session, image: ReportImage) -> None:
    session.delete(image)
    session.flush()
