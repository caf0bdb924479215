"""A check-in: a confirmed registration seen at the door of the event, or of one of its sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, text
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime, utcnow

# A plain unique constraint on (registration_id, session_id) would let any number of event-level
# rows through, since NULLs never collide (on SQLite and PostgreSQL alike): hence two partial indexes.
EVENT_LEVEL = "session_id IS NULL"
SESSION_LEVEL = "session_id IS NOT NULL"


class Checkin(SQLModel, table=True):
    """``session_id`` NULL means checked in to the event itself.

    Checking in to a session also checks the person in to the event (if not already), so the
    event-level rows alone say who attended.
    """

    __tablename__ = "checkin"
    __table_args__ = (
        Index(
            "uq_checkin_event_level",
            "registration_id",
            unique=True,
            sqlite_where=text(EVENT_LEVEL),
            postgresql_where=text(EVENT_LEVEL),
        ),
        Index(
            "uq_checkin_session_level",
            "registration_id",
            "session_id",
            unique=True,
            sqlite_where=text(SESSION_LEVEL),
            postgresql_where=text(SESSION_LEVEL),
        ),
        Index("ix_checkin_event_session", "event_id", "session_id"),
    )

    id: int = Field(default=None, primary_key=True)
    event_id: int = Field(sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), nullable=False))
    # Indexed in full (the unique indexes are partial) so deleting a registration finds its rows.
    registration_id: int = Field(
        sa_column=Column(Integer, ForeignKey("registration.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    session_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("agenda_session.id", ondelete="CASCADE"), nullable=True, index=True),
    )
    checked_in_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    checked_in_by_token_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("api_token.id", ondelete="SET NULL"), nullable=True)
    )
