"""Request and response shapes for agenda sessions and their roles.

SessionBase declares each input field once; SessionRead is separate on purpose, looser than the
input checks, so that rows stored before a check was tightened still serialise."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.agenda.models import RoleKind, SessionKind
from app.core.fields import Id, LongText
from app.core.patch import Patch, unchanged
from app.directory.schemas import PersonCreate

Title = Annotated[str, Field(min_length=1, max_length=300)]
Room = Annotated[str, Field(min_length=1, max_length=200)]


class RoleAssign(BaseModel):
    """A role in a session for a known person (`person_id`) or a new one (`person`)."""

    model_config = ConfigDict(extra="forbid")
    role: RoleKind
    person_id: Id | None = None
    person: PersonCreate | None = None
    note: Annotated[str, Field(max_length=300)] | None = None

    @model_validator(mode="after")
    def _one_person(self) -> RoleAssign:
        if (self.person_id is None) == (self.person is None):
            raise ValueError("give exactly one of person_id or person")
        return self


Roles = Annotated[list[RoleAssign], Field(max_length=100)]

_EXAMPLE: dict[str, Any] = {
    "title": "European cluster policy updates",
    "kind": "talk",
    "starts_at": "2018-06-20T10:30:00+02:00",
    "ends_at": "2018-06-20T11:00:00+02:00",
    "room": "Plenary room",
    "roles": [
        {
            "role": "speaker",
            "person": {
                "first_name": "Carsten",
                "last_name": "Schierenbeck",
                "organisation": "DG GROW, EC",
                "country": "BE",
            },
        }
    ],
}


class SessionBase(BaseModel):
    """A session's fields as a new session gives them; SessionUpdate makes each one optional."""

    model_config = ConfigDict(extra="forbid")
    title: Title
    kind: SessionKind = SessionKind.other
    starts_at: datetime
    ends_at: datetime
    room: Room | None = None
    description: LongText | None = None
    capacity: Annotated[int, Field(ge=0, le=1_000_000)] | None = None


class SessionCreate(SessionBase):
    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})
    roles: Roles = []


class SessionUpdate(Patch, SessionBase):
    title: Title = unchanged()
    kind: SessionKind = unchanged()
    starts_at: datetime = unchanged()
    ends_at: datetime = unchanged()
    roles: Roles | None = Field(default=None, description="when given, replaces all the session's roles")


PersonMatch = Literal["email", "name", "new"]


class RoleRead(BaseModel):
    role: RoleKind
    person_id: int
    name: str
    organisation: str | None
    note: str | None
    matched_by: PersonMatch | None = Field(
        default=None,
        description=(
            "in the answer to a write that named this person inline (`person`): `email` (an existing person "
            "with that email), `name` (someone of exactly that name already on this event's agenda) or `new`"
        ),
    )


class SessionRead(BaseModel):
    id: int
    event_id: int
    title: str
    kind: SessionKind
    starts_at: datetime
    ends_at: datetime
    room: str | None
    description: str | None
    capacity: int | None
    roles: list[RoleRead]
    warnings: list[str] = Field(
        default=[],
        description=(
            "things accepted but probably unintended, such as another session in the same room at the same time"
        ),
    )
