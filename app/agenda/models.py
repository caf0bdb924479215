"""Agenda items (sessions) of an event and the people who hold a role in them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime, enum_column


class SessionKind(str, enum.Enum):
    registration = "registration"
    welcome = "welcome"
    talk = "talk"
    panel = "panel"
    breakout = "breakout"
    break_ = "break"
    lunch = "lunch"
    networking = "networking"
    wrap_up = "wrap_up"
    other = "other"


class RoleKind(str, enum.Enum):
    speaker = "speaker"
    panellist = "panellist"
    moderator = "moderator"
    facilitator = "facilitator"
    rapporteur = "rapporteur"
    chair = "chair"


class AgendaSession(SQLModel, table=True):
    """One item of the agenda; items may overlap (parallel sessions)."""

    __tablename__ = "agenda_session"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
    )

    id: int = Field(default=None, primary_key=True)
    event_id: int = Field(
        sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    title: str = Field(sa_column=Column(String(300), nullable=False))
    kind: SessionKind = Field(sa_column=Column(enum_column(SessionKind, "session_kind"), nullable=False))
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    room: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    description: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    capacity: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    # When an organiser last changed it (times, room, roles...); None: not since it was added. The
    # participants' calendar feeds derive their entries' SEQUENCE from it.
    updated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class SessionRole(SQLModel, table=True):
    """A person's part in a session: speaker, panellist, moderator, facilitator, rapporteur or chair."""

    __tablename__ = "session_role"
    __table_args__ = (UniqueConstraint("session_id", "person_id", "role"),)

    id: int = Field(default=None, primary_key=True)
    session_id: int = Field(
        sa_column=Column(Integer, ForeignKey("agenda_session.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    person_id: int = Field(
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    role: RoleKind = Field(sa_column=Column(enum_column(RoleKind, "role_kind"), nullable=False))
    position: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    note: str | None = Field(default=None, sa_column=Column(String(300), nullable=True))
