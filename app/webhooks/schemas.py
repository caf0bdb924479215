"""What the webhooks API reads and writes."""

from __future__ import annotations

import enum
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.core.fields import Id


class EventType(str, enum.Enum):
    registration_created = "registration.created"
    registration_status_changed = "registration.status_changed"
    attendee_checked_in = "attendee.checked_in"
    report_generated = "report.generated"


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=2000, description="an http(s) URL the deliveries are POSTed to")
    events: list[EventType] = Field(min_length=1, max_length=len(EventType))
    event_id: Id | None = Field(default=None, description="only this event's changes; none: every event")


class WebhookRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    url: str
    events: list[str]
    event_id: int | None
    enabled: bool
    consecutive_failures: int
    disabled_reason: str | None
    created_at: datetime


class WebhookCreated(WebhookRead):
    secret: str = Field(description="signs every delivery; shown in this answer only, never again")
