"""Request and response shapes for breakout groups, preferences, settings and assignments.

GroupBase declares each input field once; GroupRead is separate on purpose, looser than the input
checks, so that rows stored before a check was tightened still serialise."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from app.breakouts.models import DEFAULT_MAX_PREFERENCES, AssignmentSource
from app.core.fields import Id, LongText
from app.core.patch import Patch, unchanged

Title = Annotated[str, Field(min_length=1, max_length=300)]
Room = Annotated[str, Field(min_length=1, max_length=200)]
Capacity = Annotated[int, Field(ge=0, le=100_000)]
Cap = Annotated[int, Field(ge=1, le=100_000)]

_GROUP_EXAMPLE: dict[str, Any] = {
    "title": "Clusters as drivers of innovation and technology transfer",
    "theme": "How clusters bring research results to SMEs",
    "room": "Room A",
    "capacity": 12,
    "facilitator_person_id": 1,
}


class GroupBase(BaseModel):
    """A group's fields as a new group gives them; GroupUpdate makes each one optional."""

    model_config = ConfigDict(extra="forbid")
    title: Title
    theme: LongText | None = None
    room: Room | None = None
    capacity: Capacity
    facilitator_person_id: Id | None = Field(default=None, description="pinned to this group if registered")
    rapporteur_person_id: Id | None = None
    report_notes: LongText | None = None
    position: int | None = Field(default=None, description="order among the session's groups; default: last")


class GroupCreate(GroupBase):
    model_config = ConfigDict(json_schema_extra={"examples": [_GROUP_EXAMPLE]})


class GroupUpdate(Patch, GroupBase):
    """Any subset of the fields; the rapporteur and `report_notes` feed the event report."""

    title: Title = unchanged()
    capacity: Capacity = unchanged()
    position: int = unchanged()


class GroupRead(BaseModel):
    id: int
    session_id: int
    title: str
    theme: str | None
    room: str | None
    capacity: int
    facilitator_person_id: int | None
    facilitator: str | None
    rapporteur_person_id: int | None
    rapporteur: str | None
    report_notes: str | None
    position: int
    size: int = Field(description="participants assigned to the group now")
    first_choices: int = Field(description="participants who ranked this group first")


class SettingsUpdate(Patch):
    max_preferences: Annotated[int, Field(ge=1, le=10)] = unchanged(
        description="how many groups a participant may rank (P)"
    )
    preferences_open: bool = unchanged(description="may participants still change their choices?")
    max_per_country: Cap | None = Field(default=None, description="at most this many people of one country per group")
    max_per_organisation: Cap | None = None


class SettingsRead(BaseModel):
    session_id: int
    max_preferences: int = DEFAULT_MAX_PREFERENCES
    preferences_open: bool = True
    max_per_country: int | None = None
    max_per_organisation: int | None = None
    committed_at: datetime | None = None


class PreferenceSet(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"registration_id": 7, "group_ids": [3, 1]}]}
    )
    registration_id: Id
    group_ids: Annotated[list[Id], Field(max_length=10, description="best first; empty clears the choices")]


class PreferenceRead(BaseModel):
    registration_id: int
    name: str
    group_ids: list[int]


class AssignmentRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"dry_run": True}, {"dry_run": False, "avoid_repeats_with_session_id": 12}]},
    )
    dry_run: bool = Field(default=True, description="true: propose and report, save nothing")
    avoid_repeats_with_session_id: Id | None = Field(
        default=None, description="another breakout session of the event: meet as few of its group mates as possible"
    )
    notify: bool = Field(default=True, description="on commit, email each participant whose group is new")


class MoveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    registration_id: Id
    group_id: Id
    lock: bool = Field(default=True, description="keep the person there when the assignment is solved again")


class MemberRead(BaseModel):
    registration_id: int
    name: str
    organisation: str | None
    country: str | None
    rank: int | None = Field(description="which of their choices this group is (1 = first); null if unranked")
    locked: bool
    source: AssignmentSource | None


class AssignedGroup(BaseModel):
    id: int
    title: str
    room: str | None
    capacity: int
    members: list[MemberRead]


class AssignmentRead(BaseModel):
    session_id: int
    saved: bool = Field(description="false for a dry run: nothing was written")
    status: str = Field(description="optimal (just solved) or saved (read back)")
    objective: int = Field(description="total cost: (k-1)^2 for a k-th choice, (P+1)^2 for an unranked group")
    metrics: dict
    groups: list[AssignedGroup]
    unassigned: list[int] = Field(description="confirmed registrations without a group")
    seconds: float | None = None
