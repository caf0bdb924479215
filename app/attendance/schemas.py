"""Request and response shapes for check-ins and attendance figures."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from app.core.fields import Id


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


# Codes are ``secrets.token_urlsafe`` output; anything else is refused before touching the database.
CheckinCode = Annotated[str, BeforeValidator(_strip), StringConstraints(pattern=r"^[A-Za-z0-9_-]{8,64}$")]


class CheckinCreate(BaseModel):
    """Who (by ``code`` from the QR code, or by ``registration_id``) and where (the event, or one session)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"code": "4Hq0c2x9bB3mYv1T7kLp2wZa"}]})

    code: CheckinCode | None = Field(default=None, description="the participant's check-in code (their QR code)")
    registration_id: Id | None = None
    session_id: Id | None = Field(default=None, description="check in to this agenda session (and the event)")


class Attendee(BaseModel):
    """What door staff see: a name and an organisation, never an email address."""

    registration_id: int
    first_name: str
    last_name: str
    organisation: str | None
    checked_in_at: datetime | None = None


class CheckinRead(BaseModel):
    id: int
    event_id: int
    registration_id: int
    session_id: int | None
    checked_in_at: datetime
    already_checked_in: bool
    message: str
    attendee: Attendee


class UndoResult(BaseModel):
    removed: int = Field(description="how many check-in rows were removed (0: the person was not checked in)")
    message: str


class SessionAttendance(BaseModel):
    id: int
    title: str
    starts_at: datetime
    attendance: int
    late_arrivals: int


class AttendanceRead(BaseModel):
    attended: int
    confirmed: int
    no_shows: int = Field(description="confirmed registrations never checked in to the event")
    late_arrivals: int = Field(description="checked in more than grace_minutes after the start")
    grace_minutes: int
    sessions: list[SessionAttendance]
